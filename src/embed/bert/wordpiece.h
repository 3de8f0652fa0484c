/* wordpiece.h - the tokenizer of BERT-family models: Hugging Face's slow
 * BertTokenizer (BasicTokenizer + WordpieceTokenizer), reproduced step by
 * step so that a text gets the ids transformers gives it.
 *
 * For one text:
 *   1. occurrences of the special tokens (opts.never_split: [UNK] [SEP]
 *      [PAD] [CLS] [MASK] by default) in the raw text are cut out and become
 *      their own ids (PreTrainedTokenizer.tokenize's added-token split);
 *   2. with do_lower_case, every other character is lower-cased, one code
 *      point at a time (str.lower(); U+0130 becomes "i" U+0307);
 *   3. clean: U+0000, U+FFFD and category C* (Cc Cf Cs Co Cn) go, except
 *      \t \n \r; those and Zs become spaces;
 *   4. tokenize_chinese_chars: spaces around CJK ideographs (_is_chinese_char);
 *   5. NFC, then split on whitespace (Python's str.split: also U+2028/9);
 *   6. per word, unless it equals a never_split token: lower-case again;
 *      strip accents (NFD, drop Mn) when strip_accents is on, or unset and
 *      do_lower_case is on; split off every punctuation character (ASCII
 *      33-47 58-64 91-96 123-126, category P*);
 *   7. WordPiece per piece: greedy longest match first, "##" before a
 *      continuation; a piece over 100 code points, or one with a part no
 *      vocabulary entry matches, is a single [UNK].
 * The output is [CLS] pieces... [SEP], cut to max_len by dropping pieces
 * from the end (sentence-transformers' truncation).
 *
 * Unicode tables are utf8proc's (its Unicode version may differ from the
 * Python that made a model's reference outputs; only code points new in
 * between can tokenize differently).  Invalid UTF-8 is read as U+FFFD per
 * bad byte, which step 3 drops. */
#ifndef HV_WORDPIECE_H
#define HV_WORDPIECE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HV_WP_MAX_WORD_CHARS 100 /* WordpieceTokenizer.max_input_chars_per_word */
#define HV_WP_NO_ID UINT32_MAX

typedef struct hv_wp_opts {
    bool do_lower_case;          /* tokenizer_config.json; HF's default true */
    int strip_accents;           /* -1: unset (follow do_lower_case), 0: no, 1: yes */
    bool tokenize_chinese_chars; /* default true */
    /* The special tokens (all_special_tokens): never split, never
     * lower-cased; NULL: the five defaults.  The strings are copied. */
    const char *const *never_split;
    size_t n_never_split;
    /* NULL: "[UNK]", "[CLS]", "[SEP]".  Each must be in the vocabulary. */
    const char *unk_token, *cls_token, *sep_token;
} hv_wp_opts;

/* HF's defaults (lower case, accents follow, CJK split, the five specials). */
void wp_opts_default(hv_wp_opts *o);

typedef struct hv_wordpiece hv_wordpiece;

/* Load vocab.txt: one token a line, id = line index (0-based), lines end
 * with \n, \r\n or \r (Python's universal newlines); a token listed twice
 * keeps its last id.  HV_EINPUT for invalid UTF-8 (naming the line and
 * byte) or a vocabulary without the unk/cls/sep tokens.  o may be NULL
 * (defaults). */
int wp_load(const char *vocab_path, const hv_wp_opts *o, hv_wordpiece **out, hv_err *e);
/* The same from memory; name is used in messages. */
int wp_load_mem(const char *data, size_t n, const char *name, const hv_wp_opts *o, hv_wordpiece **out, hv_err *e);
void wp_free(hv_wordpiece *wp);

/* The id of token (exact, NUL-terminated) or HV_WP_NO_ID. */
uint32_t wp_token_id(const hv_wordpiece *wp, const char *token);
/* One past the largest id: the rows an embedding matrix needs.  (HF's
 * vocab_size, len(vocab), is smaller by the number of repeated lines.) */
uint32_t wp_vocab_size(const hv_wordpiece *wp);
uint32_t wp_unk_id(const hv_wordpiece *wp);
uint32_t wp_cls_id(const hv_wordpiece *wp);
uint32_t wp_sep_id(const hv_wordpiece *wp);

/* Tokenize text[0..len) into ids[0..*n): [CLS] ... [SEP], *n <= max_len.
 * ids must hold max_len entries; max_len >= 2 (else HV_EUSAGE).  Stops
 * reading the text once max_len is reached.  Thread-safe: wp is only read.
 * HV_ENOMEM is the only other failure. */
int wp_encode(const hv_wordpiece *wp, const char *text, size_t len, uint32_t max_len, uint32_t *ids, uint32_t *n,
              hv_err *e);

#endif
