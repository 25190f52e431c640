#!/usr/bin/env python3
"""The server-side ALS of the grocery evaluation: implicit's ALS on the shop's training order log.

Usage: target/eval/venv/bin/python scripts/eval/grocery_als.py ORDERS_CSV OUT_DIR

ORDERS_CSV is the training order log flaneur-eval grocery writes
(target/eval/data/completejourney/orders-even.csv): header `user,item,timestamp`, one line per
product of each training basket. The protocol (which households, which baskets are training) is
the Rust side's (eval/src/grocery_data.rs); this script only learns from that log.

  * The matrix: households x products, the value of a cell the number of training baskets of the
    household that hold the product (implicit 0.7.3: confidence = alpha x value).
  * ALS with FACTORS = 128 (regularization 0.01, alpha 1, 15 iterations: implicit's defaults),
    one thread, random_state 42. Its top LIST products per household are written twice: among all
    products (als-top20.tsv; a grocery household buys again) and among the products the household
    never bought (als-unseen-top20.tsv). `household<TAB>product1<TAB>...`, households in id order.
  * The catalog's item factors: the same ALS with CATALOG_FACTORS = 64, written as
    item-factors-64.csv (`product,x1,...,x64`, products in id order).

Also writes OUT_DIR/als.json (versions, settings, sizes, timings). scripts/eval.sh skips this
script when its outputs are newer than ORDERS_CSV and the script.
"""
import json
import os
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

LIST = 20
FACTORS = 128
CATALOG_FACTORS = 64
REGULARIZATION = 0.01
ALPHA = 1.0
ITERATIONS = 15
RANDOM_STATE = 42


def read_orders(path):
    """(users, items, matrix): ids sorted numerically, the matrix of basket counts."""
    cells = {}
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip()
        if header != "user,item,timestamp":
            sys.exit(f"{path}: header {header!r}, expected user,item,timestamp")
        for line in f:
            user, item, _ = line.rstrip("\n").split(",")
            key = (int(user), int(item))
            cells[key] = cells.get(key, 0) + 1
    users = sorted({u for u, _ in cells})
    items = sorted({i for _, i in cells})
    ui = {u: n for n, u in enumerate(users)}
    ii = {i: n for n, i in enumerate(items)}
    keys = sorted(cells)
    rows = np.fromiter((ui[u] for u, _ in keys), dtype=np.int32, count=len(keys))
    cols = np.fromiter((ii[i] for _, i in keys), dtype=np.int32, count=len(keys))
    vals = np.fromiter((cells[k] for k in keys), dtype=np.float32, count=len(keys))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(users), len(items)))
    return users, items, m


def fit(matrix, factors):
    from implicit.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=factors, regularization=REGULARIZATION, alpha=ALPHA, iterations=ITERATIONS,
        dtype=np.float32, use_gpu=False, num_threads=1, random_state=RANDOM_STATE)
    t0 = time.perf_counter()
    model.fit(matrix, show_progress=False)
    return model, time.perf_counter() - t0


def write_lists(path, users, items, ids):
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for u, row in zip(users, ids):
            f.write("\t".join([str(u)] + [str(items[i]) for i in row]) + "\n")
    os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    orders, out = sys.argv[1], sys.argv[2]
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    import implicit

    started = time.perf_counter()
    users, items, matrix = read_orders(orders)
    print(f"grocery ALS: {len(users)} households, {len(items)} products, {matrix.nnz} cells "
          f"({int(matrix.sum())} basket lines) from {orders}", flush=True)
    os.makedirs(out, exist_ok=True)
    model, fit_seconds = fit(matrix, FACTORS)
    everyone = np.arange(matrix.shape[0])
    for name, unseen in (("als-top20.tsv", False), ("als-unseen-top20.tsv", True)):
        ids, _ = model.recommend(everyone, matrix, N=LIST, filter_already_liked_items=unseen)
        write_lists(os.path.join(out, name), users, items, ids)
    small, small_seconds = fit(matrix, CATALOG_FACTORS)
    factors = small.item_factors
    factors = factors.to_numpy() if hasattr(factors, "to_numpy") else np.asarray(factors)
    path = os.path.join(out, f"item-factors-{CATALOG_FACTORS}.csv")
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for item, row in zip(items, factors):
            f.write(",".join([str(item)] + [f"{x:.6g}" for x in row]) + "\n")
    os.replace(path + ".tmp", path)
    report = {
        "implicit_version": implicit.__version__,
        "numpy_version": np.__version__,
        "factors": FACTORS,
        "catalog_factors": CATALOG_FACTORS,
        "regularization": REGULARIZATION,
        "alpha": ALPHA,
        "iterations": ITERATIONS,
        "random_state": RANDOM_STATE,
        "threads": 1,
        "value": "training baskets of the household holding the product",
        "households": len(users),
        "products": len(items),
        "cells": int(matrix.nnz),
        "fit_seconds": round(fit_seconds, 3),
        "catalog_fit_seconds": round(small_seconds, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
    }
    with open(os.path.join(out, "als.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(f"grocery ALS: fit {fit_seconds:.1f}s (f={FACTORS}), {small_seconds:.1f}s "
          f"(f={CATALOG_FACTORS}), total {report['total_seconds']:.0f}s -> {out}")


if __name__ == "__main__":
    main()
