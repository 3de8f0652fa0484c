/* names.c - model, author and dataset names in the Hub's styles. */
#include "synth/names.h"

#include <stdio.h>
#include <string.h>

#include "ingest/record.h"
#include "synth/rng.h"

/* Purposes keep the name streams apart from the row's other draws. */
enum { P_AUTHOR = 11, P_ROOTNAME = 12, P_CHILDNAME = 13, P_TAILDS = 14 };

const char *const hv_synth_words[] = {
    "alpha", "nova", "tiny", "mega", "turbo", "lite", "chat", "instruct", "coder", "math",
    "orca", "dolphin", "hermes", "zephyr", "phoenix", "aurora", "falcon", "sage", "atlas",
    "ember", "luna", "sol", "vega", "nexus", "pulse", "spark", "quill", "echo", "delta",
    "omega", "sigma", "kappa", "storm", "frost", "blaze", "drift", "pixel", "prism", "vertex",
    "cobalt", "amber", "ivory", "onyx", "jade", "ruby", "saffron", "maple", "cedar", "willow",
    "rp", "uncensored", "reasoning", "distill", "sft", "dpo", "orpo", "grpo", "base", "v2",
    "thinker", "writer", "tutor", "medic", "legal", "finance", "poet", "story", "anime",
    "realistic", "portrait", "sketch", "watercolor", "cyberpunk", "vintage", "neon",
};
const unsigned hv_synth_words_n = sizeof hv_synth_words / sizeof hv_synth_words[0];

const char *const hv_synth_ds_words[] = {
    "imdb", "sst2", "squad", "gsm8k", "alpaca", "dolly", "emotion", "ner", "conll", "xsum",
    "cnn", "glue", "mrpc", "cola", "wikitext", "openhermes", "ultrachat", "tweet-eval",
    "amazon-reviews", "yelp", "common-voice", "librispeech", "fleurs", "cifar10", "mnist",
    "food101", "beans", "medical", "legal", "code", "math", "arabic", "hindi", "korean",
    "persian", "turkish", "vietnamese", "sentiment", "qa", "summarization", "chat", "rlhf",
};
const unsigned hv_synth_ds_words_n = sizeof hv_synth_ds_words / sizeof hv_synth_ds_words[0];

static const char *const syllables[] = {
    "ka", "ri", "to", "mi", "an", "el", "jo", "sa", "ven", "lo", "tek", "ra", "zu", "ne", "ol",
    "da", "vi", "kon", "mar", "li", "sh", "wen", "yu", "hao", "chen", "bo", "ta", "ni", "ax",
    "ber", "gal", "or",
};
static const char *const org_suffix[] = {"-ai", "-lab", "-labs", "AI", "-research", "-org", "ML", "-nlp"};
static const char *const arches[] = {
    "bert-base", "distilbert", "roberta-base", "xlm-roberta", "t5-small", "gpt2", "llama",
    "mistral", "qwen", "phi", "gemma", "whisper-small", "wav2vec2", "vit-base", "resnet50",
    "deberta-v3", "electra", "bart-large", "mt5", "falcon", "opt", "pythia", "smollm",
};
static const char *const sizes[] = {"0.5B", "1B", "1.5B", "3B", "7B", "8B", "13B", "14B", "32B", "70B", "125M", "350M"};
static const char *const rl_algos[] = {"ppo", "dqn", "a2c", "sac", "td3", "poca", "qrdqn", "Reinforce"};
static const char *const rl_envs[] = {
    "LunarLander-v2", "CartPole-v1", "Huggy", "SoccerTwos", "SnowballTarget", "Pyramids",
    "PandaReachDense-v3", "SpaceInvadersNoFrameskip-v4", "Taxi-v3", "FrozenLake-v1-4x4-noSlippery",
    "MountainCar-v0", "BipedalWalker-v3", "Pixelcopter-PLE-v0", "doom_health_gathering_supreme",
};
static const char *const quant_suffix[] = {
    "-GGUF", "-Q4_K_M-GGUF", "-Q8_0-GGUF", "-Q5_K_M-GGUF", "-i1-GGUF", "-AWQ", "-GPTQ",
    "-GPTQ-Int4", "-4bit", "-bnb-4bit", "-8bit", "-mlx-4bit", "-exl2", "-fp8",
};

#define PICK(r, arr) (arr[hv_rng_below((r), sizeof(arr) / sizeof((arr)[0]))])
#define WORD(r) (hv_synth_words[hv_rng_below((r), hv_synth_words_n)])
#define DSWORD(r) (hv_synth_ds_words[hv_rng_below((r), hv_synth_ds_words_n)])

int synth_author(hv_buf *out, uint64_t seed, uint64_t idx) {
    hv_rng r = hv_rng_for(seed, idx, P_AUTHOR);
    unsigned n = 2 + (unsigned)hv_rng_below(&r, 3);
    char s[64];
    size_t len = 0;
    for (unsigned k = 0; k < n; k++) {
        const char *y = PICK(&r, syllables);
        size_t yl = strlen(y);
        memcpy(s + len, y, yl);
        len += yl;
    }
    unsigned style = (unsigned)hv_rng_below(&r, 8);
    if (style < 3) { /* handles with digits are the most common on the Hub */
        len += (size_t)snprintf(s + len, sizeof s - len, "%u", (unsigned)hv_rng_below(&r, 2000));
    } else if (style == 3) {
        const char *x = PICK(&r, org_suffix);
        size_t xl = strlen(x);
        memcpy(s + len, x, xl);
        len += xl;
    } else if (style == 4) {
        s[0] = (char)(s[0] - 'a' + 'A');
    }
    /* The rank keeps handles distinct where syllables would collide. */
    len += (size_t)snprintf(s + len, sizeof s - len, "%s", idx % 7 == 3 ? "-x" : "");
    if (idx >= 4096) len += (size_t)snprintf(s + len, sizeof s - len, "%llu", (unsigned long long)(idx % 997));
    return hv_buf_append(out, s, len);
}

int synth_root_name(hv_buf *out, uint64_t seed, uint64_t row, const char *pipeline) {
    hv_rng r = hv_rng_for(seed, row, P_ROOTNAME);
    if (pipeline && strcmp(pipeline, "reinforcement-learning") == 0)
        return hv_buf_printf(out, "%s-%s", PICK(&r, rl_algos), PICK(&r, rl_envs));
    if (pipeline && strcmp(pipeline, "text-to-image") == 0) {
        switch (hv_rng_below(&r, 3)) {
        case 0: return hv_buf_printf(out, "%s-%s-diffusion", WORD(&r), WORD(&r));
        case 1: return hv_buf_printf(out, "%s_%s_style", WORD(&r), WORD(&r));
        default: return hv_buf_printf(out, "%sMix-v%u", WORD(&r), 1 + (unsigned)hv_rng_below(&r, 9));
        }
    }
    switch (hv_rng_below(&r, 6)) {
    case 0: return hv_buf_printf(out, "%s-finetuned-%s", PICK(&r, arches), DSWORD(&r));
    case 1: return hv_buf_printf(out, "my_awesome_%s_model", DSWORD(&r));
    case 2: return hv_buf_printf(out, "%s-%s-%s", WORD(&r), WORD(&r), PICK(&r, sizes));
    case 3: return hv_buf_printf(out, "%s-%s", PICK(&r, arches), DSWORD(&r));
    case 4: return hv_buf_printf(out, "%s_%s_%u", DSWORD(&r), WORD(&r), (unsigned)hv_rng_below(&r, 100));
    default: return hv_buf_printf(out, "%s-%s-v%u", WORD(&r), DSWORD(&r), 1 + (unsigned)hv_rng_below(&r, 5));
    }
}

int synth_child_name(hv_buf *out, uint64_t seed, uint64_t row, int kind, const char *stem,
                     size_t stem_n, int lora_base) {
    hv_rng r = hv_rng_for(seed, row, P_CHILDNAME);
    int sn = (int)stem_n;
    switch (kind) {
    case HV_REL_QUANTIZED:
        return hv_buf_printf(out, "%.*s%s", sn, stem, PICK(&r, quant_suffix));
    case HV_REL_ADAPTER:
        if (lora_base)
            return hv_buf_printf(out, "%s-%s-%s-lora", hv_rng_chance(&r, 0.5) ? "flux" : "sdxl",
                                 WORD(&r), WORD(&r));
        switch (hv_rng_below(&r, 3)) {
        case 0: return hv_buf_printf(out, "%.*s-lora-%s", sn, stem, DSWORD(&r));
        case 1: return hv_buf_printf(out, "%s-%s-lora", WORD(&r), DSWORD(&r));
        default: return hv_buf_printf(out, "%.*s-%s-adapter-%u", sn, stem, DSWORD(&r),
                                      (unsigned)hv_rng_below(&r, 1000));
        }
    case HV_REL_MERGE:
        switch (hv_rng_below(&r, 3)) {
        case 0: return hv_buf_printf(out, "%.*s-%s-slerp", sn, stem, WORD(&r));
        case 1: return hv_buf_printf(out, "%s%s-%s-merge", WORD(&r), WORD(&r), PICK(&r, sizes));
        default: return hv_buf_printf(out, "%.*s-ties-%s", sn, stem, WORD(&r));
        }
    default:
        switch (hv_rng_below(&r, 5)) {
        case 0: return hv_buf_printf(out, "%.*s-finetuned-%s", sn, stem, DSWORD(&r));
        case 1: return hv_buf_printf(out, "%.*s-%s", sn, stem, WORD(&r));
        case 2: return hv_buf_printf(out, "%s-%.*s-sft", WORD(&r), sn, stem);
        case 3: return hv_buf_printf(out, "%.*s-%s-v%u", sn, stem, DSWORD(&r), 1 + (unsigned)hv_rng_below(&r, 9));
        default: return hv_buf_printf(out, "%.*s_%s_%u", sn, stem, DSWORD(&r), (unsigned)hv_rng_below(&r, 10000));
        }
    }
}

int synth_tail_dataset(hv_buf *out, uint64_t seed, uint64_t idx) {
    if (synth_author(out, seed ^ 0x5eedda7aull, idx + 17)) return -1;
    hv_rng r = hv_rng_for(seed, idx, P_TAILDS);
    return hv_buf_printf(out, "/%s-%s", DSWORD(&r), WORD(&r));
}
