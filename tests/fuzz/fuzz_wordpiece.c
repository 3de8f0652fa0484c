/* fuzz_wordpiece.c - libFuzzer target: any bytes as a text to tokenize (the
 * first byte picks lower-casing, accent stripping and max_len) with a small
 * vocabulary: ids stay in the vocabulary, [CLS] first, [SEP] last, the count
 * within max_len. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed/bert/wordpiece.h"

static const char VOCAB[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nmodel\n##s\n##ing\nun\n##aff\n##able\na\nb\nc\n"
                            "##a\n##b\n##c\n.\n,\n!\n我\n爱\ne\n##e\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    hv_wp_opts o;
    wp_opts_default(&o);
    o.do_lower_case = data[0] & 1;
    o.strip_accents = (data[0] >> 1) % 3 - 1;
    o.tokenize_chinese_chars = (data[0] >> 3) & 1;
    uint32_t max_len = 2 + (data[0] >> 4) * 8;
    hv_wordpiece *wp;
    hv_err e = {0};
    if (wp_load_mem(VOCAB, sizeof VOCAB - 1, "fuzz-vocab", &o, &wp, &e) != HV_OK) abort();
    uint32_t ids[2 + 15 * 8], n = 0;
    if (wp_encode(wp, (const char *)data + 1, size - 1, max_len, ids, &n, &e) == HV_OK) {
        if (n < 2 || n > max_len || ids[0] != wp_cls_id(wp) || ids[n - 1] != wp_sep_id(wp)) abort();
        for (uint32_t i = 0; i < n; i++)
            if (ids[i] >= wp_vocab_size(wp)) abort();
    } else if (e.code != HV_ENOMEM) {
        abort();
    }
    wp_free(wp);
    return 0;
}
