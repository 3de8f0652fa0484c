/* simtext.h - the texts ("DNA") the similarity analysis compares and the
 * three measures (paper-analyses.md §2.1).
 *
 * Artifacts:
 *  - metadata: the model's Hub API record rendered as the Python dict repr
 *    the paper compared (str(fullJson)): keys id, likes, trendingScore,
 *    private, downloads, tags, pipeline_tag, library_name, createdAt,
 *    modelId, in the API's order; absent fields are left out.  With strip,
 *    the model's own id is left empty and its base_model: tags are dropped
 *    (the confounders of §2.1: siblings share their parent's tags);
 *  - card: the first 512 characters (code points) of the model card, kept
 *    only when the card has at least 512 characters and is not
 *    auto-generated; with drop_frontmatter the YAML front matter is removed
 *    first and the rule applies to the body.
 * Measures: normalized Levenshtein similarity over code points
 * (1 - d / max(len), 1 for two empty strings), and the cosine of bag-of-words
 * and TF-IDF vectors over a vocabulary of the 512 most frequent 1- and
 * 2-grams (sklearn's CountVectorizer / TfidfVectorizer defaults: lower-case,
 * tokens of 2+ word characters, raw counts, idf = ln((1+N)/(1+df)) + 1,
 * L2 norm). */
#ifndef HV_SCI_SIMTEXT_H
#define HV_SCI_SIMTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/cardstore.h"
#include "core/buf.h"
#include "core/strpool.h"
#include "science/view.h"

#define SCI_CARD_CHARS 512
#define SCI_VOCAB 512

int sci_meta_text(const hv_sci_view *v, uint32_t row, bool strip, hv_buf *out);

/* *valid tells whether the row has a card that qualifies; out gets the
 * first 512 characters then.  cards may be NULL (no card text): never valid. */
int sci_card_text(hv_cardstore *cards, const hv_sci_view *v, uint32_t row, bool drop_frontmatter, hv_buf *tmp,
                  hv_buf *out, bool *valid, hv_err *e);

/* The whole card of a row (for the diff view): *has false when the row
 * has none in the store. */
int sci_card_full(hv_cardstore *cards, const hv_sci_view *v, uint32_t row, bool drop_frontmatter, hv_buf *out,
                  bool *has, hv_err *e);

/* Levenshtein distance over the code points of a and b (bit-parallel,
 * Myers/Hyyro), and the normalized similarity.  Invalid UTF-8 bytes count
 * as one symbol each. */
uint64_t sci_levenshtein(hv_sv a, hv_sv b);
double sci_lev_similarity(hv_sv a, hv_sv b);

/* The vocabulary: fit by adding documents, then finish. */
typedef struct sci_vocab {
    hv_strpool *terms;
    uint64_t *count, *df; /* per term id */
    uint32_t *last_doc;
    uint32_t cap;
    uint64_t ndocs;
    uint32_t nfeat;
    uint32_t feat_term[SCI_VOCAB]; /* feature -> term id */
    uint32_t *feat_of_term;        /* term id -> feature or UINT32_MAX (after finish) */
    double idf[SCI_VOCAB];
    hv_buf scratch;
} sci_vocab;

int sci_vocab_init(sci_vocab *v);
int sci_vocab_add(sci_vocab *v, hv_sv text);
int sci_vocab_finish(sci_vocab *v);
void sci_vocab_free(sci_vocab *v);

/* A document as sparse feature counts (sorted by feature). */
typedef struct sci_vec {
    uint16_t feat[SCI_VOCAB];
    uint32_t cnt[SCI_VOCAB];
    uint32_t n;
} sci_vec;

int sci_vectorize(sci_vocab *v, hv_sv text, sci_vec *out);
double sci_cos_bow(const sci_vec *a, const sci_vec *b);
double sci_cos_tfidf(const sci_vocab *v, const sci_vec *a, const sci_vec *b);

#endif
