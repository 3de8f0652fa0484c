#!/usr/bin/env python3
"""make_model.py OUT_DIR - an all-MiniLM-L6-v2-shaped model folder with the generated random
weights of scripts/make-bert-fixture.py (6 layers, 384 hidden, 12 heads, 1536 intermediate,
vocab 30522, max 256 tokens, mean pooling + Normalize), for the throughput benchmark.
Random weights cost what real ones cost.  Needs numpy only."""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fx", os.path.join(here, "..", "..", "scripts", "make-bert-fixture.py"))
fx = importlib.util.module_from_spec(spec)
sys.modules["torch"] = type(sys)("torch")  # the fixture module imports torch; the writer does not use it
sys.modules["torch"].set_grad_enabled = lambda *a: None
sys.modules["torch"].nn = type(sys)("nn")
sys.modules["torch"].nn.Module = object
spec.loader.exec_module(fx)

out = sys.argv[1]
cfg = {"vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
       "intermediate_size": 1536, "hidden_act": "gelu", "max_position_embeddings": 512, "type_vocab_size": 2,
       "layer_norm_eps": 1e-12, "position_embedding_type": "absolute"}
vocab = fx.make_vocab(size=30522)
fx.write_folder(os.path.dirname(out) or ".", os.path.basename(out), cfg, vocab, fx.formula_weights(cfg),
                lambda i, n: "F32", "mean", True, True, 256, True)
print(out)
