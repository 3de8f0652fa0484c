/* bert_int.h - the encoder's weights, shared by bert_load.c and bert.c. */
#ifndef HV_BERT_INT_H
#define HV_BERT_INT_H

#include "embed/bert/bert.h"
#include "embed/bert/wordpiece.h"

typedef struct bert_layer {
    float *w_qkv, *b_qkv; /* [3H][H] (query, key, value rows), [3H] */
    float *w_o, *b_o;     /* attention output [H][H], [H] */
    float *ln1_g, *ln1_b; /* attention LayerNorm */
    float *w_1, *b_1;     /* intermediate [I][H], [I] */
    float *w_2, *b_2;     /* output [H][I], [H] */
    float *ln2_g, *ln2_b; /* output LayerNorm */
} bert_layer;

struct hv_bert {
    hv_bert_info info;
    float *word;     /* [vocab][H] */
    float *pos;      /* [max_position][H] */
    float *type0;    /* [H]: token type 0 */
    float *emb_ln_g, *emb_ln_b;
    bert_layer *layer;
    float *arena;    /* every tensor above lives in here */
    hv_wordpiece *wp;
    bool lowercase_input; /* sentence_bert_config.json do_lower_case */
};

#endif
