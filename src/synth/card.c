/* card.c - synthetic model cards in the Hub's shapes. */
#include "synth/card.h"

#include <string.h>

#include "ingest/record.h"
#include "synth/names.h"
#include "synth/rng.h"

enum { P_CARD = 21 };

#define PUT(b, s) hv_buf_append((b), (s), sizeof(s) - 1)
#define PUTSV(b, v) hv_buf_append((b), (v).p, (v).n)

/* Free-form paragraphs.  Real cards are mostly English prose with install
 * notes, usage code, result tables and the odd paragraph in another script;
 * each shape below is common in the real sample (shared/data/real/model_cards). */
static const char *const paragraphs[] = {
    "## Model description\n\nThis model was trained to follow instructions, answer questions, and hold a "
    "conversation. It is small enough to run on a single consumer GPU, yet it handles \"everyday\" "
    "reasoning, summarization, and simple code generation surprisingly well.\n\n",
    "## Intended uses & limitations\n\nUse it for research, prototyping, and education. Do not use it for "
    "medical, legal, or financial advice; outputs may be wrong, biased, or offensive, and they should be "
    "reviewed by a person before being relied upon.\n\n",
    "## Training data\n\nThe training mix combines public instruction datasets, synthetic dialogues, and a "
    "small set of hand-written examples. Duplicates were removed with MinHash (threshold 0.85), and samples "
    "longer than 4,096 tokens were dropped.\n\n",
    "## Evaluation\n\n| Benchmark | Score | Notes |\n|---|---|---|\n| MMLU (5-shot) | 61.2 | \"acc\" |\n"
    "| GSM8K | 48.7 | strict match |\n| HellaSwag | 79.3 | acc_norm |\n| ARC-Challenge | 55.0 | |\n\n",
    "## How to use\n\n```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
    "tokenizer = AutoTokenizer.from_pretrained(\"MODEL_ID\")\nmodel = AutoModelForCausalLM.from_pretrained("
    "\"MODEL_ID\", torch_dtype=\"auto\", device_map=\"auto\")\n\nmessages = [{\"role\": \"user\", \"content\": "
    "\"Hello, who are you?\"}]\ninputs = tokenizer.apply_chat_template(messages, return_tensors=\"pt\")\n"
    "print(tokenizer.decode(model.generate(inputs, max_new_tokens=64)[0]))\n```\n\n",
    "### Training hyperparameters\n\n- learning_rate: 2e-05\n- train_batch_size: 16\n- eval_batch_size: 16\n"
    "- seed: 42\n- optimizer: AdamW with betas=(0.9,0.999) and epsilon=1e-08\n- lr_scheduler_type: linear\n"
    "- num_epochs: 3\n\n",
    "## Limitations\n\nThe model can hallucinate facts, repeat itself, or switch languages mid-answer. It was "
    "not aligned with RLHF, so it may follow harmful instructions; add your own safety layer.\n\n",
    "## Citation\n\n```bibtex\n@misc{model2024,\n  title={A Small, Open, Instruction-Tuned Model},\n"
    "  author={Doe, Jane and Roe, Richard},\n  year={2024},\n  eprint={2401.00001},\n"
    "  archivePrefix={arXiv}\n}\n```\n\n",
    "## 模型介绍\n\n本模型在开源数据上进行了指令微调，支持中文和英文对话。请勿用于违法用途。\n\n",
    "## Acknowledgements\n\nThanks to the open-source community 🤗, to the authors of the base model, and to "
    "everyone who reported bugs, especially @someone, @another_one, and the folks on Discord.\n\n",
    "## Prompt format\n\n```\n<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
    "{prompt}<|im_end|>\n<|im_start|>assistant\n```\n\n",
    "## Trigger words\n\nYou should use `ohwx style` to trigger the image generation. Works best with CFG 3.5, "
    "28 steps, and the \"euler\" sampler; see the gallery below for prompts, e.g. \"a cat, watercolor, soft "
    "light\".\n\n",
    "## Results\n\nIt achieves the following results on the evaluation set:\n- Loss: 0.3412\n- Accuracy: 0.9131\n"
    "- F1: 0.9128\n\n",
    "## Modèle\n\nCe modèle a été entraîné sur des données publiques en français ; il reste expérimental, "
    "et les résultats peuvent être « surprenants ».\n\n",
    "## Environmental impact\n\n- Hardware type: 8x A100 80GB\n- Hours used: 36\n- Cloud provider: none, "
    "on-premise\n- Carbon emitted: about 4.1 kg CO2eq\n\n",
    "## License\n\nThe weights are released under the same license as the base model; by downloading them you "
    "agree to its terms, including the acceptable-use policy.\n\n",
};
#define N_PARAGRAPHS (sizeof paragraphs / sizeof paragraphs[0])

static int put_str_list(hv_buf *b, const char *key, const hv_sv *v, size_t n) {
    if (!n) return 0;
    if (hv_buf_printf(b, "%s:\n", key)) return -1;
    for (size_t i = 0; i < n; i++)
        if (PUT(b, "- ") || PUTSV(b, v[i]) || PUT(b, "\n")) return -1;
    return 0;
}

static int front_matter(hv_buf *b, const synth_card_ctx *c) {
    /* Cards without metadata have no front matter at all on the Hub. */
    if (!c->license && !c->n_langs && !c->n_datasets && !c->n_bases && !c->library && !c->pipeline &&
        c->kind != SYNTH_CARD_TRAINER && c->kind != SYNTH_CARD_GGUF && c->kind != SYNTH_CARD_MERGEKIT)
        return 0;
    if (PUT(b, "---\n")) return -1;
    if (c->license && hv_buf_printf(b, "license: %s\n", c->license)) return -1;
    if (c->n_langs) {
        if (PUT(b, "language:\n")) return -1;
        for (size_t i = 0; i < c->n_langs; i++)
            if (hv_buf_printf(b, "- %s\n", c->langs[i])) return -1;
    }
    if (put_str_list(b, "datasets", c->datasets, c->n_datasets)) return -1;
    if (c->n_bases == 1) {
        if (PUT(b, "base_model: ") || PUTSV(b, c->bases[0]) || PUT(b, "\n")) return -1;
    } else if (put_str_list(b, "base_model", c->bases, c->n_bases)) {
        return -1;
    }
    if (c->relation == HV_REL_QUANTIZED && PUT(b, "base_model_relation: quantized\n")) return -1;
    if (c->library && hv_buf_printf(b, "library_name: %s\n", c->library)) return -1;
    if (c->pipeline && hv_buf_printf(b, "pipeline_tag: %s\n", c->pipeline)) return -1;
    switch (c->kind) {
    case SYNTH_CARD_TRAINER:
        if (PUT(b, "tags:\n- generated_from_trainer\nmodel-index:\n- name: ") || PUTSV(b, c->name) ||
            PUT(b, "\n  results: []\n"))
            return -1;
        break;
    case SYNTH_CARD_GGUF:
        if (PUT(b, "tags:\n- llama-cpp\n- gguf-my-repo\n")) return -1;
        break;
    case SYNTH_CARD_MERGEKIT:
        if (PUT(b, "tags:\n- mergekit\n- merge\n")) return -1;
        break;
    default:
        break;
    }
    return PUT(b, "---\n\n");
}

static int trainer_body(hv_buf *b, const synth_card_ctx *c, hv_rng *r) {
    if (PUT(b, "<!-- This model card has been generated automatically according to the information the "
               "Trainer had access to. You\nshould probably proofread and complete it, then remove this "
               "comment. -->\n\n# ") || PUTSV(b, c->name) || PUT(b, "\n\n"))
        return -1;
    if (c->n_bases) {
        if (PUT(b, "This model is a fine-tuned version of [") || PUTSV(b, c->bases[0]) ||
            PUT(b, "](https://huggingface.co/") || PUTSV(b, c->bases[0]) || PUT(b, ") on "))
            return -1;
    } else if (PUT(b, "This model was trained from scratch on ")) {
        return -1;
    }
    if (c->n_datasets ? (PUT(b, "the ") || PUTSV(b, c->datasets[0]) || PUT(b, " dataset.\n"))
                      : PUT(b, "the None dataset.\n"))
        return -1;
    double loss = 0.2 + hv_rng_unit(r) * 1.5;
    if (hv_buf_printf(b, "It achieves the following results on the evaluation set:\n- Loss: %.4f\n\n", loss) ||
        PUT(b, "## Model description\n\nMore information needed\n\n## Intended uses & limitations\n\n"
               "More information needed\n\n## Training and evaluation data\n\nMore information needed\n\n"
               "## Training procedure\n\n### Training hyperparameters\n\nThe following hyperparameters were "
               "used during training:\n"))
        return -1;
    static const char *const lrs[] = {"2e-05", "5e-05", "0.0002", "1e-05", "3e-05", "0.0001"};
    unsigned bs = 4u << hv_rng_below(r, 4);
    unsigned epochs = 1 + (unsigned)hv_rng_below(r, 10);
    if (hv_buf_printf(b, "- learning_rate: %s\n- train_batch_size: %u\n- eval_batch_size: %u\n- seed: 42\n"
                         "- optimizer: Use adamw_torch with betas=(0.9,0.999) and epsilon=1e-08 and "
                         "optimizer_args=No additional optimizer arguments\n- lr_scheduler_type: linear\n"
                         "- num_epochs: %u\n\n### Training results\n\n| Training Loss | Epoch | Step | "
                         "Validation Loss |\n|:-------------:|:-----:|:----:|:---------------:|\n",
                      lrs[hv_rng_below(r, 6)], bs, bs, epochs))
        return -1;
    for (unsigned ep = 1; ep <= epochs; ep++) {
        loss *= 0.8 + 0.15 * hv_rng_unit(r);
        if (hv_buf_printf(b, "| %.4f | %.1f | %u | %.4f |\n", loss * 1.1, (double)ep, ep * 500, loss)) return -1;
    }
    return PUT(b, "\n\n### Framework versions\n\n- Transformers 4.44.2\n- Pytorch 2.4.0+cu121\n"
                  "- Datasets 2.21.0\n- Tokenizers 0.19.1\n");
}

static int hub_body(hv_buf *b, const synth_card_ctx *c) {
    /* The huggingface_hub default template, abridged; its carbon section
     * links arXiv 1910.09700, which is why such rows carry that tag. */
    static const char head[] =
        "# Model Card for Model ID\n\n<!-- Provide a quick summary of what the model is/does. -->\n\n\n\n"
        "## Model Details\n\n### Model Description\n\n<!-- Provide a longer summary of what this model is. -->\n\n"
        "This is the model card of a \xF0\x9F\xA4\x97 transformers model that has been pushed on the Hub. "
        "This model card has been automatically generated.\n\n"
        "- **Developed by:** [More Information Needed]\n- **Funded by [optional]:** [More Information Needed]\n"
        "- **Shared by [optional]:** [More Information Needed]\n- **Model type:** [More Information Needed]\n"
        "- **Language(s) (NLP):** [More Information Needed]\n- **License:** [More Information Needed]\n"
        "- **Finetuned from model [optional]:** [More Information Needed]\n\n"
        "### Model Sources [optional]\n\n- **Repository:** [More Information Needed]\n"
        "- **Paper [optional]:** [More Information Needed]\n- **Demo [optional]:** [More Information Needed]\n\n"
        "## Uses\n\n### Direct Use\n\n[More Information Needed]\n\n### Downstream Use [optional]\n\n"
        "[More Information Needed]\n\n### Out-of-Scope Use\n\n[More Information Needed]\n\n"
        "## Bias, Risks, and Limitations\n\n[More Information Needed]\n\n### Recommendations\n\n"
        "Users (both direct and downstream) should be made aware of the risks, biases and limitations of the "
        "model. More information needed for further recommendations.\n\n"
        "## How to Get Started with the Model\n\nUse the code below to get started with the model.\n\n"
        "[More Information Needed]\n\n## Training Details\n\n### Training Data\n\n[More Information Needed]\n\n"
        "### Training Procedure\n\n#### Preprocessing [optional]\n\n[More Information Needed]\n\n"
        "#### Training Hyperparameters\n\n- **Training regime:** [More Information Needed]\n\n"
        "#### Speeds, Sizes, Times [optional]\n\n[More Information Needed]\n\n## Evaluation\n\n"
        "### Testing Data, Factors & Metrics\n\n#### Testing Data\n\n[More Information Needed]\n\n"
        "#### Factors\n\n[More Information Needed]\n\n#### Metrics\n\n[More Information Needed]\n\n"
        "### Results\n\n[More Information Needed]\n\n#### Summary\n\n\n\n"
        "## Environmental Impact\n\nCarbon emissions can be estimated using the [Machine Learning Impact "
        "calculator](https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)]"
        "(https://arxiv.org/abs/1910.09700).\n\n- **Hardware Type:** [More Information Needed]\n"
        "- **Hours used:** [More Information Needed]\n- **Cloud Provider:** [More Information Needed]\n"
        "- **Compute Region:** [More Information Needed]\n- **Carbon Emitted:** [More Information Needed]\n\n"
        "## Technical Specifications [optional]\n\n### Model Architecture and Objective\n\n"
        "[More Information Needed]\n\n### Compute Infrastructure\n\n[More Information Needed]\n\n"
        "## Citation [optional]\n\n**BibTeX:**\n\n[More Information Needed]\n\n**APA:**\n\n"
        "[More Information Needed]\n\n## Model Card Contact\n\n[More Information Needed]\n";
    if (PUT(b, head)) return -1;
    if (c->relation == HV_REL_ADAPTER && PUT(b, "### Framework versions\n\n- PEFT 0.12.0\n")) return -1;
    return 0;
}

static int gguf_body(hv_buf *b, const synth_card_ctx *c) {
    hv_sv base = c->n_bases ? c->bases[0] : c->name;
    if (PUT(b, "# ") || PUTSV(b, c->id) ||
        PUT(b, "\nThis model was converted to GGUF format from [`") || PUTSV(b, base) ||
        PUT(b, "`](https://huggingface.co/") || PUTSV(b, base) ||
        PUT(b, ") using llama.cpp via the ggml.ai's [GGUF-my-repo](https://huggingface.co/spaces/ggml-org/"
               "gguf-my-repo) space.\nRefer to the [original model card](https://huggingface.co/") ||
        PUTSV(b, base) ||
        PUT(b, ") for more details on the model.\n\n## Use with llama.cpp\n\n```bash\nbrew install llama.cpp\n"
               "llama-cli --hf-repo ") ||
        PUTSV(b, c->id) ||
        PUT(b, " --hf-file model-q4_k_m.gguf -p \"The meaning to life and the universe is\"\n```\n"))
        return -1;
    return 0;
}

static int mergekit_body(hv_buf *b, const synth_card_ctx *c, hv_rng *r) {
    static const char *const methods[] = {"SLERP", "TIES", "DARE TIES", "linear", "task arithmetic"};
    const char *m = methods[hv_rng_below(r, 5)];
    if (PUT(b, "# ") || PUTSV(b, c->name) ||
        hv_buf_printf(b, "\n\nThis is a merge of pre-trained language models created using "
                         "[mergekit](https://github.com/cg123/mergekit).\n\n## Merge Details\n### Merge "
                         "Method\n\nThis model was merged using the %s merge method.\n\n### Models Merged\n\n"
                         "The following models were included in the merge:\n", m))
        return -1;
    for (size_t i = 0; i < c->n_bases; i++)
        if (PUT(b, "* [") || PUTSV(b, c->bases[i]) || PUT(b, "](https://huggingface.co/") ||
            PUTSV(b, c->bases[i]) || PUT(b, ")\n"))
            return -1;
    if (PUT(b, "\n### Configuration\n\nThe following YAML configuration was used to produce this model:\n\n"
               "```yaml\nmodels:\n"))
        return -1;
    for (size_t i = 0; i < c->n_bases; i++)
        if (PUT(b, "  - model: ") || PUTSV(b, c->bases[i]) ||
            hv_buf_printf(b, "\n    parameters:\n      weight: %.2f\n", 1.0 / (double)c->n_bases))
            return -1;
    return PUT(b, "merge_method: slerp\ndtype: bfloat16\n```\n");
}

/* Free-form text: paragraphs until the target length.  The usage snippet
 * gets the row's id so cards differ where real ones do. */
static int free_body(hv_buf *b, const synth_card_ctx *c, hv_rng *r) {
    if (c->opening.n) {
        /* planted: the body starts with it, no blank line before */
        if (b->n >= 2 && b->p[b->n - 1] == '\n' && b->p[b->n - 2] == '\n') b->n--;
        if (PUTSV(b, c->opening) || PUT(b, "\n\n")) return -1;
    }
    size_t start = b->n;
    if (PUT(b, "# ") || PUTSV(b, c->name) || PUT(b, "\n\n")) return -1;
    if (c->n_bases && (PUT(b, "A fine-tuned version of [") || PUTSV(b, c->bases[0]) ||
                       PUT(b, "](https://huggingface.co/") || PUTSV(b, c->bases[0]) || PUT(b, ").\n\n")))
        return -1;
    while (b->n - start < c->target) {
        const char *p = paragraphs[hv_rng_below(r, N_PARAGRAPHS)];
        const char *hole = strstr(p, "MODEL_ID");
        if (!hole) {
            if (hv_buf_append(b, p, strlen(p))) return -1;
            continue;
        }
        while (hole) { /* splice the id into the snippet */
            if (hv_buf_append(b, p, (size_t)(hole - p)) || PUTSV(b, c->id)) return -1;
            p = hole + 8;
            hole = strstr(p, "MODEL_ID");
        }
        if (hv_buf_append(b, p, strlen(p))) return -1;
    }
    return 0;
}

int synth_card_write(hv_buf *out, const synth_card_ctx *c) {
    hv_rng r = hv_rng_for(c->seed, c->row, P_CARD);
    size_t start = out->n;
    if (front_matter(out, c)) return -1;
    int rc = 0;
    switch (c->kind) {
    case SYNTH_CARD_TRAINER: rc = trainer_body(out, c, &r); break;
    case SYNTH_CARD_HUB: rc = hub_body(out, c); break;
    case SYNTH_CARD_GGUF: rc = gguf_body(out, c); break;
    case SYNTH_CARD_MERGEKIT: rc = mergekit_body(out, c, &r); break;
    case SYNTH_CARD_STUB: rc = PUT(out, "# ") || PUTSV(out, c->name) || PUT(out, "\n"); break;
    default: rc = free_body(out, c, &r); break;
    }
    if (rc) return -1;
    /* About 1 card in 50 was written on Windows: CRLF line ends inside a
     * quoted CSV field are a classic reader bug. */
    if (c->kind == SYNTH_CARD_FREE && hv_rng_below(&r, 50) == 0) {
        size_t lf = 0;
        for (size_t i = start; i < out->n; i++) lf += out->p[i] == '\n';
        if (hv_buf_reserve(out, lf)) return -1;
        size_t src = out->n, dst = out->n + lf;
        out->n = dst;
        while (src > start) {
            char ch = out->p[--src];
            out->p[--dst] = ch;
            if (ch == '\n') out->p[--dst] = '\r';
        }
        out->p[out->n] = 0;
    }
    return 0;
}
