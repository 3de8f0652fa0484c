#!/usr/bin/python3
"""gen_vectors.py - synthetic embedding-like vectors for the kNN benchmark.

Shaped like TF-IDF + SVD embeddings of model cards: a few hundred topical
blobs of very different sizes (Zipf) and spreads, an anisotropic spectrum
(variance decays with the component index, as singular values do), some
background points that belong to no topic, and a share of exact duplicates
(the Hub has many copied cards).  Rows are L2-normalised float32.

    gen_vectors.py N D SEED OUT.npy
The blob centres depend only on (D, SEED), so sets of different N are
drawn from the same distribution.  Written in chunks to an .npy memmap so
1.86M x 96 needs little memory."""
import sys

import numpy as np


def main():
    n, d, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    n_blobs = 400
    rs = np.random.default_rng(seed)
    spectrum = (1.0 + np.arange(d)) ** -0.5  # decaying "singular values"
    centres = rs.standard_normal((n_blobs, d)) * spectrum
    spread = np.exp(rs.uniform(np.log(0.15), np.log(0.9), n_blobs))  # varied blob widths
    weight = 1.0 / (1.0 + np.arange(n_blobs)) ** 0.9  # Zipf-like blob sizes
    weight /= weight.sum()
    gscale = np.sqrt((centres ** 2).mean(axis=0))  # background: the global spread

    rows = np.random.default_rng(seed * 1000003 + n)
    arr = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(n, d))
    chunk = 1 << 18
    for lo in range(0, n, chunk):
        m = min(chunk, n - lo)
        blob = rows.choice(n_blobs, size=m, p=weight)
        z = rows.standard_normal((m, d))
        v = centres[blob] + z * spectrum * spread[blob, None] * np.linalg.norm(centres[blob], axis=1)[:, None] / np.linalg.norm(spectrum)
        bg = rows.random(m) < 0.05
        v[bg] = rows.standard_normal((bg.sum(), d)) * gscale
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        arr[lo:lo + m] = v.astype(np.float32)
    # 3 % exact duplicates of earlier rows, as copied cards give
    dup = rows.random(n) < 0.03
    dup[0] = False
    idx = np.nonzero(dup)[0]
    src = (rows.random(idx.size) * idx).astype(np.int64)
    arr[idx] = arr[src]
    arr.flush()


if __name__ == "__main__":
    main()
