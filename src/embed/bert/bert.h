/* bert.h - a BERT-family sentence encoder (all-MiniLM-L6-v2, bge-small,
 * e5-small, gte-small, ...) from a local Hugging Face model folder, in C:
 * safetensors weights, the WordPiece tokenizer, the encoder's forward pass
 * with OpenBLAS GEMMs, mean / CLS / max pooling, optional L2 normalisation.
 *
 * Files:
 *   safetensors.c  the weights file (mmap'ed; F32, F16, BF16)
 *   wordpiece.c    BertTokenizer: basic tokenization + WordPiece
 *   bert_load.c    the model folder: config.json, modules.json, pooling, tokenizer files
 *   bert.c         the forward pass
 *
 * A batch packs its sequences back to back (no padding): the linear layers
 * run as one GEMM over every token of the batch, attention runs per
 * sequence and head over that sequence's own tokens only, which is what a
 * padded batch with its attention mask computes, without the padding. */
#ifndef HV_BERT_H
#define HV_BERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"
#include "embed/embed.h"

typedef struct hv_bert hv_bert;

enum { BERT_POOL_MEAN, BERT_POOL_CLS, BERT_POOL_MAX };
enum { BERT_ACT_GELU, BERT_ACT_GELU_TANH, BERT_ACT_RELU };

typedef struct hv_bert_info {
    uint32_t vocab, hidden, layers, heads, intermediate, max_position, max_len;
    int pooling, activation;
    bool normalize;
    float layer_norm_eps;
} hv_bert_info;

/* Load a model folder (docs/bert.md lists the files).  A missing or
 * malformed file, an architecture other than BERT, or a tensor of the wrong
 * shape is HV_EINPUT naming the file and what is wrong. */
int bert_load(const char *dir, hv_bert **out, hv_err *e);
void bert_free(hv_bert *b);
/* The output dimensions a folder's model gives (its hidden size), reading
 * only modules.json and config.json. */
int bert_probe_dims(const char *dir, uint32_t *dims, hv_err *e);
const hv_bert_info *bert_info(const hv_bert *b);

/* Token ids of a text: [CLS] pieces... [SEP], at most max_len (truncated as
 * sentence-transformers truncates).  ids has room for max_len. */
int bert_tokenize(const hv_bert *b, const char *text, size_t len, uint32_t *ids, uint32_t *n, hv_err *e);

/* Embed nseq token sequences (seqs[i], lens[i] ids each, 1..max_len) into
 * out (nseq x hidden), pooled and normalised as the folder says.  Runs them
 * as one packed batch. */
int bert_embed_ids(const hv_bert *b, const uint32_t *const *seqs, const uint32_t *lens, size_t nseq, float *out,
                   hv_err *e);

/* Texts -> vectors: rows 0..n-1 from the callback (embed/embed.h), in
 * chunks that are tokenized, sorted by length and packed into batches of
 * about BERT_BATCH_TOKENS tokens.  out is n x hidden in row order. */
int bert_embed_rows(const hv_bert *b, uint32_t n, hv_text_fn text, void *ud, float *out, hv_progress *p, hv_err *e);

/* Tokens per packed batch (bounds the activations: tokens x (3 + 4) x hidden
 * floats, 48 MB at 384 dimensions): at least one sequence a batch. */
#define BERT_BATCH_TOKENS 4096u

#endif
