#!/usr/bin/python3
"""pynnd_bench.py - times pynndescent's kNN graph on the benchmark vectors.

    pynnd_bench.py VEC.npy TRUTH.npy K N_JOBS
Warms numba up on a small random set first, so JIT compilation is not
timed.  pynndescent counts a point as its own first neighbour, so it is
asked for K+1 and the point itself is dropped (as umap-learn does).
Prints: tool, setting, n, seconds, recall@K, peak RSS MiB (tab-separated)."""
import resource
import sys
import time

import numpy as np
import pynndescent


def recall(found, truth):
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(f.tolist()) & set(t.tolist()))
    return hits / truth.size


def drop_self(ind, k):
    out = np.empty((ind.shape[0], k), dtype=np.int64)
    for i, row in enumerate(ind):
        row = row[row != i]
        out[i] = row[:k]
    return out


def main():
    vec, truth_path, k, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    x = np.load(vec)
    truth = np.load(truth_path)
    warm = np.random.default_rng(0).standard_normal((3000, x.shape[1])).astype(np.float32)
    pynndescent.NNDescent(warm, n_neighbors=k + 1, metric="cosine", n_jobs=jobs, random_state=None).neighbor_graph
    t0 = time.perf_counter()
    index = pynndescent.NNDescent(x, n_neighbors=k + 1, metric="cosine", n_jobs=jobs, random_state=None)
    ind, _ = index.neighbor_graph
    secs = time.perf_counter() - t0
    r = recall(drop_self(ind, k), truth[:, :k])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pynndescent-{pynndescent.__version__ if hasattr(pynndescent, '__version__') else '0.5.8'}\tdefault n_jobs={jobs}\t{x.shape[0]}\t{secs:.2f}\t{r:.4f}\t{rss:.0f}", flush=True)


if __name__ == "__main__":
    main()
