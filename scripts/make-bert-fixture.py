#!/usr/bin/env python3
"""make-bert-fixture.py - the reference embeddings the C BERT encoder is tested against.

Writes tests/fixtures/bert/: small random-weight BERT models in the folder layout the Hub's
cache uses (config.json, model.safetensors, vocab.txt, tokenizer_config.json,
special_tokens_map.json, modules.json, sentence_bert_config.json, 1_Pooling/config.json) and,
per model, expected.json: for a fixed set of texts (English, accents, CJK, emoji, long, empty,
control characters) the token ids and the sentence embeddings of the reference implementation.

Reference: Hugging Face transformers' BertModel + BertTokenizer and sentence-transformers'
pooling when they are importable (the GPU machine of the `device` tool has them); otherwise
this script's own PyTorch implementation of the same model (BertEncoderRef below, written from
transformers' modeling_bert.py: the same embeddings, LayerNorm, attention with the padding
mask, GELU, pooling) and its Python port of BertTokenizer.  expected.json records which one
made it.  With transformers present, the script also checks that both agree.

The all-MiniLM-L6-v2 shape (6 layers, 384 hidden, 12 heads, 1536 intermediate, vocab 30522)
would be 90 MB of weights: its weights are not stored but generated from a formula both this
script and tests/unit/test_bert.c compute (splitmix64 of the tensor's seed and index), so
only its config, vocab and expected outputs are committed.

usage: /usr/bin/python3 scripts/make-bert-fixture.py [OUT_DIR]   (default tests/fixtures/bert)
Needs PyTorch (Debian: python3-torch) and numpy; no network."""
import json
import math
import os
import struct
import sys
import unicodedata

import numpy as np
import torch

torch.set_grad_enabled(False)

try:  # the reference implementation, when present
    import transformers  # noqa: F401
    from transformers import BertConfig, BertModel, BertTokenizer
    HAVE_HF = True
except ImportError:
    HAVE_HF = False

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

TEXTS = [
    "BERT is a transformer model pretrained on English text.",
    "sentence-transformers/all-MiniLM-L6-v2: maps sentences & paragraphs to a 384-dimensional dense vector space!",
    "Café naïve résumé — Ångström, Zürich, São Paulo, façade.",
    "UPPER lower MiXeD CaSe, unaffable, running runner runs.",
    "我爱北京天安门。日本語のテキストとカタカナ。한국어 문장.",
    "Emoji 🤗 transformers 🚀 and symbols ✓ ★ ∑ ≈ ∞.",
    "",
    "   \t\n  ",
    "control\x01chars\x07and\u200bzero\ufeffwidth\ufffdreplacement",
    "numbers 3.14159 2025-04-22 v1.2.3 #42 @user $100 50% (a) [b] {c} <d>",
    "A " + "very long model card that goes on and on about fine-tuning, quantization, adapters and merges " * 12,
    "##not a continuation, [CLS] [SEP] [MASK] [UNK] literal special tokens",
    "supercalifragilisticexpialidocious" * 4,
    "Llama-2-7b-chat-hf fine-tuned on alpaca; license: llama2; pipeline: text-generation",
]

WORDS = """the a an and or of to in on is are was were be been for with by from as at it this that these
those model models text texts english pretrained transformer transformers bert sentence sentences map maps
paragraph paragraphs dense vector space dimensional all mini lm v2 cafe naive resume angstrom zurich sao paulo
facade upper lower mixed case un ##aff ##able running run ##ner ##s ##ning runs emoji and symbols numbers user
very long card goes about fine tuning tuned quantization adapters merges not continuation literal special tokens
super ##cal ##if ##rag ##ili ##stic ##ex ##pi ##ali ##doc ##ious llama chat hf alpaca license pipeline
generation control chars zero width replacement mini ##lm ##m ##ing ##ed ##er ##ly ##tion ##al ##ize
""".split()


# ---------------------------------------------------------------- tokenizer (port of BertTokenizer)

def is_whitespace(ch):
    if ch in " \t\n\r":
        return True
    return unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or
            0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or
            0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class Tokenizer:
    def __init__(self, vocab, lower=True, strip_accents=None, chinese=True):
        self.vocab = vocab
        self.lower = lower
        self.strip = lower if strip_accents is None else strip_accents
        self.chinese = chinese

    def basic(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or is_control(ch):
                continue
            out.append(" " if is_whitespace(ch) else ch)
        text = "".join(out)
        if self.chinese:
            text = "".join(" %s " % c if is_cjk(ord(c)) else c for c in text)
        text = unicodedata.normalize("NFC", text)
        tokens = []
        for tok in text.strip().split():
            if tok in SPECIAL:
                tokens.append(tok)
                continue
            if self.lower:
                tok = tok.lower()
            if self.strip:
                tok = "".join(c for c in unicodedata.normalize("NFD", tok) if unicodedata.category(c) != "Mn")
            cur = []
            for c in tok:
                if is_punctuation(c):
                    if cur:
                        tokens.append("".join(cur))
                        cur = []
                    tokens.append(c)
                else:
                    cur.append(c)
            if cur:
                tokens.append("".join(cur))
        return tokens

    def wordpiece(self, word):
        if len(word) > 100:
            return ["[UNK]"]
        pieces, start = [], 0
        while start < len(word):
            end, cur = len(word), None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    cur = sub
                    break
                end -= 1
            if cur is None:
                return ["[UNK]"]
            pieces.append(cur)
            start = end
        return pieces

    def encode(self, text, max_len):
        toks = []
        for w in self.basic(text):
            toks.extend(self.wordpiece(w))
        toks = toks[:max_len - 2]
        return [self.vocab["[CLS]"]] + [self.vocab.get(t, self.vocab["[UNK]"]) for t in toks] + [self.vocab["[SEP]"]]


def make_vocab(extra_words=(), size=None):
    toks = list(SPECIAL)
    seen = set(toks)

    def add(t):
        if t not in seen:
            seen.add(t)
            toks.append(t)
    for t in list(string_printable()) + ["##" + c for c in string_printable() if c.isalnum()]:
        add(t)
    for t in WORDS + list(extra_words):
        add(t)
    for t in "我爱北京天安门日本語のテキストとカタカナ한국어문장。":
        add(t)
    for t in "éöåü":  # kept by the cased variant
        add(t)
        add("##" + t)
    if size:
        i = 0
        while len(toks) < size:
            add("[unused%d]" % i)
            i += 1
    return toks


def string_printable():
    return [chr(c) for c in range(33, 127)]


# ---------------------------------------------------------------- weights

MASK64 = (1 << 64) - 1


def splitmix_array(seed, n):
    """splitmix64(seed * 2^32 + i) for i < n, as uniform floats in [-1, 1) (vectorised)."""
    i = np.arange(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) << np.uint64(32)) + i + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.float64) / float(1 << 24) * 2.0 - 1.0).astype(np.float32)


def tensor_names(cfg):
    H, I, V, P = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"], cfg["max_position_embeddings"]
    names = [("embeddings.word_embeddings.weight", [V, H]), ("embeddings.position_embeddings.weight", [P, H]),
             ("embeddings.token_type_embeddings.weight", [cfg["type_vocab_size"], H]),
             ("embeddings.LayerNorm.weight", [H]), ("embeddings.LayerNorm.bias", [H])]
    for l in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % l
        for m in ("query", "key", "value"):
            names += [(p + "attention.self.%s.weight" % m, [H, H]), (p + "attention.self.%s.bias" % m, [H])]
        names += [(p + "attention.output.dense.weight", [H, H]), (p + "attention.output.dense.bias", [H]),
                  (p + "attention.output.LayerNorm.weight", [H]), (p + "attention.output.LayerNorm.bias", [H]),
                  (p + "intermediate.dense.weight", [I, H]), (p + "intermediate.dense.bias", [I]),
                  (p + "output.dense.weight", [H, I]), (p + "output.dense.bias", [H]),
                  (p + "output.LayerNorm.weight", [H]), (p + "output.LayerNorm.bias", [H])]
    names += [("pooler.dense.weight", [H, H]), ("pooler.dense.bias", [H])]
    return names


def formula_weights(cfg):
    """The generated weights: tensor k (in tensor_names order) = scale * u(seed = k + 1, index);
    LayerNorm weights 1 + 0.1 u, biases 0.05 u, matrices u * sqrt(3 / fan_in) (unit variance out)."""
    out = {}
    for k, (name, shape) in enumerate(tensor_names(cfg)):
        n = int(np.prod(shape))
        u = splitmix_array(k + 1, n).astype(np.float64)  # computed in double, rounded once (as the C test)
        if name.endswith("LayerNorm.weight"):
            v = 1.0 + 0.1 * u
        elif name.endswith("bias"):
            v = 0.05 * u
        elif "embeddings" in name:
            v = 0.5 * u
        else:
            v = u * math.sqrt(3.0 / shape[1])
        out[name] = v.astype(np.float32).reshape(shape)
    return out


def to_f16(a):
    return a.astype(np.float16)


def to_bf16_bits(a):
    """Round-to-nearest-even float32 -> bfloat16 bits."""
    b = a.astype(np.float32).view(np.uint32)
    rounding = ((b >> 16) & 1) + 0x7FFF
    return ((b + rounding) >> 16).astype(np.uint16)


def bf16_bits_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype "F32"|"F16"|"BF16", numpy array in that storage)."""
    header, blobs, off = {"__metadata__": {"format": "pt", "made_by": "hfviz scripts/make-bert-fixture.py"}}, [], 0
    for name, dt, arr in tensors:
        data = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- the reference model (PyTorch)

class BertEncoderRef(torch.nn.Module):
    """BertModel's forward as transformers' modeling_bert.py computes it (eval mode, absolute
    positions, token type 0), with the extended attention mask (1 - mask) * finfo.min."""

    def __init__(self, cfg, w):
        super().__init__()
        self.cfg = cfg
        self.w = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in w.items()}

    def ln(self, x, p):
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), self.w[p + ".weight"], self.w[p + ".bias"],
                                              self.cfg["layer_norm_eps"])

    def lin(self, x, p):
        return torch.nn.functional.linear(x, self.w[p + ".weight"], self.w[p + ".bias"])

    def act(self, x):
        a = self.cfg["hidden_act"]
        if a == "gelu":
            return torch.nn.functional.gelu(x)
        if a in ("gelu_new", "gelu_pytorch_tanh"):
            return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
        if a == "relu":
            return torch.relu(x)
        raise ValueError(a)

    def forward(self, ids, mask):
        cfg, w = self.cfg, self.w
        B, L = ids.shape
        H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
        d = H // nh
        pos = torch.arange(L).unsqueeze(0).expand(B, L)
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos] +
             w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)])
        x = self.ln(x, "embeddings.LayerNorm")
        ext = (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        for l in range(cfg["num_hidden_layers"]):
            p = "encoder.layer.%d." % l

            def heads(t):
                return t.view(B, L, nh, d).permute(0, 2, 1, 3)
            q = heads(self.lin(x, p + "attention.self.query"))
            k = heads(self.lin(x, p + "attention.self.key"))
            v = heads(self.lin(x, p + "attention.self.value"))
            s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + ext
            ctx = torch.matmul(torch.softmax(s, dim=-1), v).permute(0, 2, 1, 3).reshape(B, L, H)
            x = self.ln(self.lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            hmid = self.act(self.lin(x, p + "intermediate.dense"))
            x = self.ln(self.lin(hmid, p + "output.dense") + x, p + "output.LayerNorm")
        return x


def pool(tok, mask, mode, normalize):
    m = mask.unsqueeze(-1).to(tok.dtype)
    if mode == "mean":
        v = (tok * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
    elif mode == "cls":
        v = tok[:, 0]
    else:  # max: padding set to -1e9 as sentence-transformers does
        v = torch.where(m > 0, tok, torch.full_like(tok, -1e9)).max(1).values
    if normalize:
        v = torch.nn.functional.normalize(v, p=2, dim=1)
    return v


# ---------------------------------------------------------------- a fixture folder

def write_folder(out, name, cfg, vocab_tokens, weights, storage, pooling, normalize, lower, max_seq,
                 write_weights=True):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "1_Pooling"), exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump({"architectures": ["BertModel"], "model_type": "bert", **cfg}, f, indent=2)
    with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in vocab_tokens))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": lower, "strip_accents": None, "tokenize_chinese_chars": True,
                   "model_max_length": max_seq, "tokenizer_class": "BertTokenizer",
                   "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                   "mask_token": "[MASK]"}, f, indent=2)
    with open(os.path.join(d, "special_tokens_map.json"), "w") as f:
        json.dump({"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                   "mask_token": "[MASK]"}, f, indent=2)
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    with open(os.path.join(d, "modules.json"), "w") as f:
        json.dump(modules, f, indent=2)
    with open(os.path.join(d, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": max_seq, "do_lower_case": False}, f, indent=2)
    with open(os.path.join(d, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": cfg["hidden_size"], "pooling_mode_cls_token": pooling == "cls",
                   "pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_max_tokens": pooling == "max",
                   "pooling_mode_mean_sqrt_len_tokens": False}, f, indent=2)
    # storage: the weights as the file holds them; the reference uses exactly those values
    used, tensors = {}, []
    for i, (tname, _) in enumerate(tensor_names(cfg)):
        a = weights[tname]
        dt = storage(i, tname)
        if dt == "F16":
            s = to_f16(a)
            used[tname] = s.astype(np.float32)
        elif dt == "BF16":
            s = to_bf16_bits(a)
            used[tname] = bf16_bits_to_f32(s).reshape(a.shape)
        else:
            s = a
            used[tname] = a
        tensors.append((tname, dt, s))
    if write_weights:
        write_safetensors(os.path.join(d, "model.safetensors"), tensors)
    return d, used


def reference(d, cfg, vocab_tokens, used, pooling, normalize, lower, max_seq):
    vocab = {}
    for i, t in enumerate(vocab_tokens):
        vocab[t] = i
    tok = Tokenizer(vocab, lower=lower)
    ids = [tok.encode(t, max_seq) for t in TEXTS]
    made_by = "hfviz PyTorch port (transformers not installed)"
    L = max(len(x) for x in ids)
    batch = torch.zeros((len(ids), L), dtype=torch.long)
    mask = torch.zeros((len(ids), L), dtype=torch.long)
    for i, x in enumerate(ids):
        batch[i, :len(x)] = torch.tensor(x)
        mask[i, :len(x)] = 1
    model = BertEncoderRef(cfg, used)
    emb = pool(model(batch, mask), mask, pooling, normalize)
    if HAVE_HF:  # the reference proper: it must agree with the port
        hf_tok = BertTokenizer(os.path.join(d, "vocab.txt"), do_lower_case=lower)
        hf_ids = [hf_tok(t, truncation=True, max_length=max_seq)["input_ids"] for t in TEXTS]
        assert hf_ids == ids, "tokenizer port disagrees with transformers"
        hf = BertModel(BertConfig(**cfg), add_pooling_layer=True).eval()
        missing, unexpected = hf.load_state_dict({k: torch.from_numpy(v) for k, v in used.items()}, strict=False)
        assert not unexpected and all(k.endswith("position_ids") or k.endswith("token_type_ids") for k in missing)
        out = hf(input_ids=batch, attention_mask=mask).last_hidden_state
        hf_emb = pool(out, mask, pooling, normalize)
        diff = float((hf_emb - emb).abs().max())
        assert diff < 1e-5, "PyTorch port differs from transformers by %g" % diff
        emb = hf_emb
        made_by = "transformers %s BertModel + BertTokenizer" % transformers.__version__
    return ids, emb.numpy(), made_by


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures",
                                                             "bert")
    out = os.path.normpath(out)
    variants = []
    vocab_small = make_vocab()
    tiny = {"vocab_size": len(vocab_small), "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "intermediate_size": 64, "hidden_act": "gelu", "max_position_embeddings": 64, "type_vocab_size": 2,
            "layer_norm_eps": 1e-12, "position_embedding_type": "absolute", "initializer_range": 0.02,
            "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "pad_token_id": 0}
    # 1. uncased, mean pooling + Normalize, F32 weights, truncation at 48 tokens
    variants.append(("tiny-mean", tiny, vocab_small, lambda i, n: "F32", "mean", True, True, 48, True))
    # 2. cased, CLS pooling, no Normalize, tanh GELU, weights stored as F16 and BF16
    cased = dict(tiny, hidden_act="gelu_new", layer_norm_eps=1e-6)
    variants.append(("tiny-cls-f16", cased, vocab_small, lambda i, n: "BF16" if i % 3 == 0 else "F16", "cls",
                     False, False, 64, True))
    # 3. the all-MiniLM-L6-v2 shape: generated weights (not stored), real vocab size (padded with [unusedN])
    vocab_big = make_vocab(size=30522)
    minilm = {"vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
              "intermediate_size": 1536, "hidden_act": "gelu", "max_position_embeddings": 512, "type_vocab_size": 2,
              "layer_norm_eps": 1e-12, "position_embedding_type": "absolute", "initializer_range": 0.02,
              "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "pad_token_id": 0}
    variants.append(("minilm-l6-shape", minilm, vocab_big, lambda i, n: "F32", "mean", True, True, 256, False))
    for name, cfg, vocab, storage, pooling, normalize, lower, max_seq, write_weights in variants:
        w = formula_weights(cfg)
        d, used = write_folder(out, name, cfg, vocab, w, storage, pooling, normalize, lower, max_seq, write_weights)
        ids, emb, made_by = reference(d, cfg, vocab, used, pooling, normalize, lower, max_seq)
        exp = {"reference": made_by, "torch": torch.__version__, "weights": "stored" if write_weights else
               "generated: tests/unit/test_bert.c recreates model.safetensors from the formula",
               "pooling": pooling, "normalize": normalize, "max_seq_length": max_seq,
               "texts": TEXTS, "ids": ids, "embeddings": [[float("%.9g" % v) for v in row] for row in emb]}
        with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(exp, f, ensure_ascii=False, separators=(",", ":"))
        print("%s: %d texts, dim %d, %s" % (d, len(TEXTS), emb.shape[1], made_by))


if __name__ == "__main__":
    main()
