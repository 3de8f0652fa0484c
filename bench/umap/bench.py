#!/usr/bin/python3
"""UMAP benchmark helpers (run with Debian's /usr/bin/python3: umap-learn 0.5.3).

  bench.py gen N OUT.npy            clustered float32 vectors, d=96, L2-normalised
  bench.py umap IN.npy OUT.npy MODE  umap-learn layout; MODE seeded | parallel
  bench.py quality IN.npy LAYOUT.npy trustworthiness + 30-NN preservation
"""
import json
import sys
import time

import numpy as np


def gen(n, out):
    # a few hundred Gaussian blobs of varied spread and size, as embeddings of
    # a catalogue of model cards tend to be: tight families, loose topics
    rng = np.random.default_rng(1234)
    d, nb = 96, 300
    centers = rng.normal(size=(nb, d))
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    spread = rng.uniform(0.15, 0.7, size=nb)  # per-coordinate sigma * sqrt(d)
    sizes = rng.lognormal(0, 1, size=nb)
    lab = rng.choice(nb, size=n, p=sizes / sizes.sum())
    x = centers[lab] + rng.normal(size=(n, d)) * (spread[lab] / np.sqrt(d))[:, None]
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    np.save(out, x.astype(np.float32))
    np.save(out.replace(".npy", "-labels.npy"), lab.astype(np.int32))


def run_umap(inp, out, mode):
    import umap
    x = np.load(inp)
    kw = dict(n_neighbors=30, min_dist=0.3, spread=1.5, metric="cosine", n_components=2,
              n_epochs=200)
    if mode == "seeded":
        kw["random_state"] = 42  # umap-learn then runs single-threaded
    else:
        kw["n_jobs"] = 2
    # warm-up: numba compiles every kernel on first use; exclude that
    umap.UMAP(**kw).fit_transform(x[:3000])
    t0 = time.perf_counter()
    y = umap.UMAP(**kw).fit_transform(x)
    dt = time.perf_counter() - t0
    np.save(out, y.astype(np.float32))
    print(json.dumps({"impl": "umap-learn", "mode": mode, "n": len(x), "seconds": round(dt, 2)}))


def quality(inp, lay):
    from sklearn.manifold import trustworthiness
    x = np.load(inp).astype(np.float64)
    y = np.load(lay).astype(np.float64)
    rng = np.random.default_rng(7)
    sub = np.sort(rng.choice(len(x), size=min(5000, len(x)), replace=False))
    xs, ys = x[sub], y[sub]
    tw = trustworthiness(xs, ys, n_neighbors=15, metric="cosine")
    # 30-NN preservation, neighbours searched inside the 5k subsample
    k = 30
    dx = 1 - xs @ xs.T
    np.fill_diagonal(dx, np.inf)
    sq = (ys * ys).sum(1)
    dy = sq[:, None] + sq[None, :] - 2 * ys @ ys.T
    np.fill_diagonal(dy, np.inf)
    nx = np.argpartition(dx, k, axis=1)[:, :k]
    ny = np.argpartition(dy, k, axis=1)[:, :k]
    pres = np.mean([len(np.intersect1d(nx[i], ny[i])) / k for i in range(len(sub))])
    print(json.dumps({"layout": lay, "trustworthiness": round(float(tw), 4),
                      "nn30_preservation": round(float(pres), 4)}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(int(sys.argv[2]), sys.argv[3])
    elif cmd == "umap":
        run_umap(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "quality":
        quality(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
