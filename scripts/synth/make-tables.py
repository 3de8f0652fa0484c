#!/usr/bin/env python3
"""make-tables.py - regenerate src/synth/tables.c from the real aggregates.

The synth generator must run without /work/shared, so the calibration tables
are compiled in.  This script is the only way they should change: rerun it
after the aggregates change and commit the result.

    python3 scripts/synth/make-tables.py \
        --aggregates ../shared/data/real/aggregates > src/synth/tables.c

Sources (exact, over modelbiome/ai_ecosystem_withmodelcards, 1,860,411 rows):
  modelbiome_1.86M_tag_language_license_counts.json  licenses, languages,
                                                      dataset tags, arXiv cats
Sources (approximate):
  hf_model_count_by_library_2025.csv   whole-Hub library counts (2025); used
                                       for the libraries below the paper's top 10
  docs/paper-analyses.md section 3     the paper's top-10 library and task
                                       shares, family sizes and edge counts
Estimates (no source says; marked EST in the output): presence rates of
pipeline_tag/library_name, tasks below the top 10, sizes of the famous
families below the paper's top 10.
"""
import argparse
import csv
import json
import os
import sys

# pycountry's ISO 639-1 names (what the dataset's `languages` column holds)
# to the 2-letter tag the Hub writes.  Kept here because pycountry is not a
# build dependency.
ISO639_1 = {
    "Afar": "aa", "Abkhazian": "ab", "Avestan": "ae", "Afrikaans": "af", "Akan": "ak",
    "Amharic": "am", "Aragonese": "an", "Arabic": "ar", "Assamese": "as", "Avaric": "av",
    "Aymara": "ay", "Azerbaijani": "az", "Bashkir": "ba", "Belarusian": "be", "Bulgarian": "bg",
    "Bislama": "bi", "Bambara": "bm", "Bengali": "bn", "Tibetan": "bo", "Breton": "br",
    "Bosnian": "bs", "Catalan": "ca", "Chechen": "ce", "Chamorro": "ch", "Corsican": "co",
    "Cree": "cr", "Czech": "cs", "Church Slavic": "cu", "Chuvash": "cv", "Welsh": "cy",
    "Danish": "da", "German": "de", "Dhivehi": "dv", "Dzongkha": "dz", "Ewe": "ee",
    "Modern Greek (1453-)": "el", "English": "en", "Esperanto": "eo", "Spanish": "es",
    "Estonian": "et", "Basque": "eu", "Persian": "fa", "Fulah": "ff", "Finnish": "fi",
    "Fijian": "fj", "Faroese": "fo", "French": "fr", "Western Frisian": "fy", "Irish": "ga",
    "Scottish Gaelic": "gd", "Galician": "gl", "Guarani": "gn", "Gujarati": "gu", "Manx": "gv",
    "Hausa": "ha", "Hebrew": "he", "Hindi": "hi", "Hiri Motu": "ho", "Croatian": "hr",
    "Haitian": "ht", "Hungarian": "hu", "Armenian": "hy", "Herero": "hz",
    "Interlingua (International Auxiliary Language Association)": "ia", "Indonesian": "id",
    "Interlingue": "ie", "Igbo": "ig", "Sichuan Yi": "ii", "Inupiaq": "ik", "Ido": "io",
    "Icelandic": "is", "Italian": "it", "Inuktitut": "iu", "Japanese": "ja", "Javanese": "jv",
    "Georgian": "ka", "Kongo": "kg", "Kikuyu": "ki", "Kuanyama": "kj", "Kazakh": "kk",
    "Kalaallisut": "kl", "Khmer": "km", "Kannada": "kn", "Korean": "ko", "Kanuri": "kr",
    "Kashmiri": "ks", "Kurdish": "ku", "Komi": "kv", "Cornish": "kw", "Kirghiz": "ky",
    "Latin": "la", "Luxembourgish": "lb", "Ganda": "lg", "Limburgan": "li", "Lingala": "ln",
    "Lao": "lo", "Lithuanian": "lt", "Luba-Katanga": "lu", "Latvian": "lv", "Malagasy": "mg",
    "Marshallese": "mh", "Maori": "mi", "Macedonian": "mk", "Malayalam": "ml", "Mongolian": "mn",
    "Marathi": "mr", "Malay (macrolanguage)": "ms", "Maltese": "mt", "Burmese": "my",
    "Nauru": "na", "Norwegian Bokmål": "nb", "North Ndebele": "nd",
    "Nepali (macrolanguage)": "ne", "Ndonga": "ng", "Dutch": "nl", "Norwegian Nynorsk": "nn",
    "Norwegian": "no", "South Ndebele": "nr", "Navajo": "nv", "Nyanja": "ny",
    "Occitan (post 1500)": "oc", "Ojibwa": "oj", "Oromo": "om", "Oriya (macrolanguage)": "or",
    "Ossetian": "os", "Panjabi": "pa", "Pali": "pi", "Polish": "pl", "Pushto": "ps",
    "Portuguese": "pt", "Quechua": "qu", "Romansh": "rm", "Rundi": "rn", "Romanian": "ro",
    "Russian": "ru", "Kinyarwanda": "rw", "Sanskrit": "sa", "Sardinian": "sc", "Sindhi": "sd",
    "Northern Sami": "se", "Sango": "sg", "Serbo-Croatian": "sh", "Sinhala": "si", "Slovak": "sk",
    "Slovenian": "sl", "Samoan": "sm", "Shona": "sn", "Somali": "so", "Albanian": "sq",
    "Serbian": "sr", "Swati": "ss", "Southern Sotho": "st", "Sundanese": "su", "Swedish": "sv",
    "Swahili (macrolanguage)": "sw", "Tamil": "ta", "Telugu": "te", "Tajik": "tg", "Thai": "th",
    "Tigrinya": "ti", "Turkmen": "tk", "Tagalog": "tl", "Tswana": "tn",
    "Tonga (Tonga Islands)": "to", "Turkish": "tr", "Tsonga": "ts", "Tatar": "tt", "Twi": "tw",
    "Tahitian": "ty", "Uighur": "ug", "Ukrainian": "uk", "Urdu": "ur", "Uzbek": "uz",
    "Venda": "ve", "Vietnamese": "vi", "Volapük": "vo", "Walloon": "wa", "Wolof": "wo",
    "Xhosa": "xh", "Yiddish": "yi", "Yoruba": "yo", "Zhuang": "za", "Chinese": "zh", "Zulu": "zu",
}

# The paper's top-10 library shares (percent of models with a library_name,
# docs/paper-analyses.md 3.3).  These are the dataset itself, so they win over
# the whole-Hub CSV; the CSV only spreads the remaining share.
PAPER_LIBRARIES = [
    ("transformers", 63.17), ("peft", 19.92), ("diffusers", 8.31),
    ("stable-baselines3", 2.14), ("sentence-transformers", 1.32), ("ml-agents", 1.08),
    ("tf-keras", 0.34), ("adapter-transformers", 0.33), ("keras", 0.26), ("mlx", 0.26),
]
# The paper's top-10 task shares (percent of models with a pipeline_tag).
PAPER_PIPELINES = [
    ("text-generation", 41.07), ("text-classification", 13.62), ("text-to-image", 11.40),
    ("reinforcement-learning", 8.66), ("automatic-speech-recognition", 3.49),
    ("token-classification", 3.23), ("image-classification", 2.59), ("fill-mask", 2.10),
    ("feature-extraction", 2.01), ("question-answering", 1.79),
]
# EST: the remaining ~10% of tasks, relative weights guessed from the Hub's
# task listing; normalised to the share the top 10 leave over.
OTHER_PIPELINES = [
    ("text2text-generation", 16), ("sentence-similarity", 15), ("image-text-to-text", 12),
    ("translation", 7), ("text-to-speech", 6), ("object-detection", 5),
    ("audio-classification", 5), ("summarization", 4), ("image-to-text", 4),
    ("image-segmentation", 4), ("robotics", 3), ("image-to-image", 3),
    ("unconditional-image-generation", 2), ("zero-shot-classification", 2),
    ("text-to-audio", 2), ("video-classification", 2), ("text-to-video", 1.5),
    ("any-to-any", 1), ("visual-question-answering", 1), ("audio-to-audio", 1),
    ("zero-shot-image-classification", 1), ("image-feature-extraction", 1),
    ("tabular-classification", 1), ("text-ranking", 1), ("depth-estimation", 0.5),
    ("tabular-regression", 0.5), ("table-question-answering", 0.5),
    ("document-question-answering", 0.5), ("image-to-video", 0.5),
    ("time-series-forecasting", 0.5), ("mask-generation", 0.3),
    ("voice-activity-detection", 0.2), ("graph-ml", 0.2),
]

# Famous bases: the roots of the largest families.  size = family size (weakly
# connected component of the no-merge graph) at 1,860,411 rows; the generator
# scales it with N.  The first ten are the paper's (3.2, fig time_trends c4);
# the rest are EST, kept below the paper's tenth.
# (id, size, license, pipeline, library, language, arch tag, flags)
#   flags: a = children are mostly adapters (LoRA bases), m = multilingual
FAMOUS = [
    ("black-forest-labs/FLUX.1-dev", 33194, "other", "text-to-image", "diffusers", "en", "flux", "a"),
    ("Qwen/Qwen1.5-0.5B", 32557, "other", "text-generation", "transformers", "en", "qwen2", ""),
    ("Qwen/Qwen1.5-1.8B", 30618, "other", "text-generation", "transformers", "en", "qwen2", ""),
    ("meta-llama/Meta-Llama-3-8B", 24318, "llama3", "text-generation", "transformers", "en", "llama", ""),
    ("google/gemma-2b", 23869, "gemma", "text-generation", "transformers", "", "gemma", ""),
    ("meta-llama/Llama-3.1-8B", 11942, "llama3.1", "text-generation", "transformers", "en", "llama", ""),
    ("google/gemma-7b", 9859, "gemma", "text-generation", "transformers", "", "gemma", ""),
    ("distilbert/distilbert-base-uncased", 9669, "apache-2.0", "fill-mask", "transformers", "en", "distilbert", ""),
    ("Qwen/Qwen2.5-7B", 9263, "apache-2.0", "text-generation", "transformers", "en", "qwen2", ""),
    ("stabilityai/stable-diffusion-xl-base-1.0", 8797, "openrail++", "text-to-image", "diffusers", "", "stable-diffusion-xl", "a"),
    # EST below this line
    ("mistralai/Mistral-7B-v0.1", 7800, "apache-2.0", "text-generation", "transformers", "en", "mistral", ""),
    ("Qwen/Qwen1.5-7B", 6600, "other", "text-generation", "transformers", "en", "qwen2", ""),
    ("google-bert/bert-base-uncased", 5800, "apache-2.0", "fill-mask", "transformers", "en", "bert", ""),
    ("meta-llama/Llama-2-7b-hf", 5200, "llama2", "text-generation", "transformers", "en", "llama", ""),
    ("aubmindlab/bert-base-arabertv02", 4100, "", "fill-mask", "transformers", "ar", "bert", ""),
    ("FacebookAI/roberta-base", 3600, "mit", "fill-mask", "transformers", "en", "roberta", ""),
    ("openai/whisper-small", 3300, "apache-2.0", "automatic-speech-recognition", "transformers", "", "whisper", "m"),
    ("Qwen/Qwen2.5-0.5B-Instruct", 2900, "apache-2.0", "text-generation", "transformers", "en", "qwen2", ""),
    ("google/vit-base-patch16-224-in21k", 2600, "apache-2.0", "image-feature-extraction", "transformers", "", "vit", ""),
    ("runwayml/stable-diffusion-v1-5", 2500, "creativeml-openrail-m", "text-to-image", "diffusers", "", "stable-diffusion", "a"),
    ("mistralai/Mistral-7B-Instruct-v0.2", 2400, "apache-2.0", "text-generation", "transformers", "", "mistral", ""),
    ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", 2200, "apache-2.0", "text-generation", "transformers", "en", "llama", ""),
    ("google-t5/t5-small", 2100, "apache-2.0", "translation", "transformers", "en", "t5", "m"),
    ("facebook/wav2vec2-base", 1600, "apache-2.0", "automatic-speech-recognition", "transformers", "en", "wav2vec2", ""),
    ("microsoft/phi-2", 1500, "mit", "text-generation", "transformers", "en", "phi", ""),
    ("meta-llama/Llama-2-7b-chat-hf", 1400, "llama2", "text-generation", "transformers", "en", "llama", ""),
    ("deepseek-ai/DeepSeek-R1", 1200, "mit", "text-generation", "transformers", "", "deepseek_v3", ""),
    ("openai/whisper-large-v3", 1100, "apache-2.0", "automatic-speech-recognition", "transformers", "en", "whisper", "m"),
    ("google-bert/bert-base-multilingual-cased", 1000, "apache-2.0", "fill-mask", "transformers", "", "bert", "m"),
    ("sentence-transformers/all-MiniLM-L6-v2", 900, "apache-2.0", "sentence-similarity", "sentence-transformers", "en", "bert", ""),
    ("FacebookAI/xlm-roberta-base", 900, "mit", "fill-mask", "transformers", "", "xlm-roberta", "m"),
    ("facebook/opt-125m", 800, "other", "text-generation", "transformers", "en", "opt", ""),
]

# Well-known arXiv ids for the `arxiv:` tags (EST weights); the generator
# adds made-up ids for the long tail (the dataset has 8,790 distinct ids).
ARXIV = [
    ("1910.09700", 0),  # the card template's carbon paper: tied to the template, not sampled
    ("1810.04805", 40), ("2106.09685", 60), ("2305.14314", 30), ("1910.01108", 25),
    ("2307.09288", 25), ("2407.21783", 20), ("2309.16609", 15), ("2310.06825", 15),
    ("1907.11692", 15), ("2212.04356", 12), ("2006.11477", 10), ("2010.11929", 12),
    ("1908.10084", 15), ("2112.10752", 12), ("2403.08295", 10), ("2311.03099", 8),
    ("2306.01708", 8), ("2203.05482", 6), ("1911.02116", 8), ("2204.05149", 5),
    ("2501.12948", 10), ("2412.15115", 8), ("2305.18290", 10), ("2402.03300", 6),
    ("1706.03762", 10), ("2005.14165", 6), ("1910.10683", 10), ("2103.00020", 6),
    ("2210.11416", 6),
]


def c_str(s):
    out = ['"']
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    out.append('"')
    return "".join(out)


def emit_weighted(name, rows, comment):
    print("/* %s */" % comment)
    print("const hv_synth_weighted %s[] = {" % name)
    for n, w in rows:
        print("    {%s, %d}," % (c_str(n), int(round(w))))
    print("};")
    print("const size_t %s_n = %d;\n" % (name, len(rows)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aggregates", default=os.path.join(
        os.path.dirname(__file__), "../../../shared/data/real/aggregates"))
    ap.add_argument("--licenses", type=int, default=80)
    ap.add_argument("--languages", type=int, default=184)
    ap.add_argument("--libraries", type=int, default=60)
    ap.add_argument("--datasets", type=int, default=400)
    args = ap.parse_args()

    with open(os.path.join(args.aggregates, "modelbiome_1.86M_tag_language_license_counts.json")) as f:
        agg = json.load(f)
    with open(os.path.join(args.aggregates, "hf_model_count_by_library_2025.csv")) as f:
        libcsv = [(r["Library"], int(r["Model Count"])) for r in csv.DictReader(f)]

    licenses = sorted(agg["licenses"].items(), key=lambda kv: (-kv[1], kv[0]))[: args.licenses]
    languages = sorted(agg["languages"].items(), key=lambda kv: (-kv[1], kv[0]))[: args.languages]
    datasets = sorted(agg["dataset_tags"].items(), key=lambda kv: (-kv[1], kv[0]))
    ds_total = sum(v for _, v in datasets)
    datasets = datasets[: args.datasets]
    ds_top = sum(v for _, v in datasets)
    for name, _ in languages:
        if name not in ISO639_1:
            sys.exit("no ISO 639-1 code for language %r; add it to ISO639_1" % name)

    # Libraries: weights in parts per million of models with a library.
    paper_names = {n for n, _ in PAPER_LIBRARIES}
    # The CSV spells a few libraries twice (gguf/GGUF); keep the larger.
    seen = set(paper_names)
    rest = []
    for n, c in sorted(libcsv, key=lambda kv: (-kv[1], kv[0])):
        if n.lower() not in seen:
            seen.add(n.lower())
            rest.append((n, c))
    rest.sort(key=lambda kv: (-kv[1], kv[0]))
    rest = rest[: args.libraries - len(PAPER_LIBRARIES)]
    rest_share = 100.0 - sum(p for _, p in PAPER_LIBRARIES)
    rest_total = sum(c for _, c in rest)
    libs = [(n, p * 1e4) for n, p in PAPER_LIBRARIES]
    libs += [(n, max(1.0, rest_share * 1e4 * c / rest_total)) for n, c in rest]

    other_total = sum(w for _, w in OTHER_PIPELINES)
    other_share = 100.0 - sum(p for _, p in PAPER_PIPELINES)
    pipes = [(n, p * 1e4) for n, p in PAPER_PIPELINES]
    pipes += [(n, max(1.0, other_share * 1e4 * w / other_total)) for n, w in OTHER_PIPELINES]

    print("/* tables.c - calibration tables for hfviz synth.  GENERATED by")
    print(" * scripts/synth/make-tables.py; do not edit by hand, rerun the script.")
    print(" *")
    print(" * Exact counts over modelbiome/ai_ecosystem_withmodelcards (1,860,411 rows),")
    print(" * from shared/data/real/aggregates/modelbiome_1.86M_tag_language_license_counts.json")
    print(" * (bendlaufer/ai-ecosystem summary_figure.ipynb c10-c13 @ 9d172b395c2d):")
    print(" *   licenses (top %d of %d), languages (top %d of %d), dataset tags (top %d of %d)."
          % (len(licenses), len(agg["licenses"]), len(languages), len(agg["languages"]),
             len(datasets), len(agg["dataset_tags"])))
    print(" * Libraries: the paper's top-10 shares of the dataset (docs/paper-analyses.md 3.3),")
    print(" *   the rest spread by hf_model_count_by_library_2025.csv (whole Hub, 2025).")
    print(" * Tasks: the paper's top-10 shares; the rest are estimates (EST).")
    print(" * Famous families: the paper's ten largest (3.2), then estimates (EST). */")
    print('#include "synth/tables.h"\n')

    emit_weighted("hv_synth_licenses", licenses,
                  "license: tag values -> number of models carrying them (exact)")
    print("/* languages column names -> 2-letter tag -> number of models listing them (exact) */")
    print("const hv_synth_language hv_synth_languages[] = {")
    for n, c in languages:
        print("    {%s, %s, %d}," % (c_str(ISO639_1[n]), c_str(n), c))
    print("};")
    print("const size_t hv_synth_languages_n = %d;\n" % len(languages))
    emit_weighted("hv_synth_libraries", libs,
                  "library_name -> parts per million of models that have one")
    emit_weighted("hv_synth_pipelines", pipes,
                  "pipeline_tag -> parts per million of models that have one (top 10 exact, rest EST)")
    emit_weighted("hv_synth_datasets", [(n[len("dataset:"):], c) for n, c in datasets],
                  "dataset: tags -> number of models (exact); the rest of the mass is the long tail")
    print("/* share (ppm) of dataset: tag mentions outside the table above: %d of %d */"
          % (ds_total - ds_top, ds_total))
    print("const uint32_t hv_synth_datasets_tail_ppm = %d;\n" % round(1e6 * (ds_total - ds_top) / ds_total))
    emit_weighted("hv_synth_arxiv", ARXIV, "arxiv: ids with relative weights (EST)")

    print("/* the largest families' roots; size = family size at 1,860,411 rows */")
    print("const hv_synth_famous hv_synth_famous_bases[] = {")
    for fid, size, lic, pipe, lib, lang, arch, flags in FAMOUS:
        print("    {%s, %d, %s, %s, %s, %s, %s, %d, %d}," % (
            c_str(fid), size, c_str(lic), c_str(pipe), c_str(lib), c_str(lang), c_str(arch),
            1 if "a" in flags else 0, 1 if "m" in flags else 0))
    print("};")
    print("const size_t hv_synth_famous_bases_n = %d;" % len(FAMOUS))


if __name__ == "__main__":
    main()
