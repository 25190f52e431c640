#!/usr/bin/env python3
"""The server-side anchor of `make eval`: implicit's ALS on a MovieLens atomic file, leave-last-out.

Usage: target/eval/venv/bin/python scripts/eval/als.py DATASET_DIR OUT_DIR [--device-users FILE]

DATASET_DIR holds <name>.inter (name = the directory's name), TAB-separated, with the typed header
`user_id:token  item_id:token  rating:float  timestamp:float` (scripts/eval-data.sh extracts it).

Protocol (the Rust side, flaneur-eval, follows the same rules, so both rank the same held-out items):
  * Every rating is an interaction, with value 1 (the rating itself is ignored).
  * Per user, interactions are sorted by (timestamp as a number, item_id as UTF-8 bytes).
  * Users with fewer than 5 interactions are skipped entirely (neither trained on nor tested).
    MovieLens-100k and -1M have none (every user has at least 20).
  * The last interaction is the test item; the rest is the user's training set.
  * Tuning: the last item of each training list (same order) is the validation item, the rest is the
    tuning-training set. Grid over factors x regularization x alpha; each configuration is scored by
    NDCG@10 of the validation item among all items not in the user's tuning-training set.
  * The best configuration (highest validation NDCG@10; the first in grid order on a tie) is refit on
    the full training set, and the top 10 items (training items excluded) of every test user are written.
  * Items are the distinct item ids in the .inter file; an item seen only as a test or validation item
    stays a candidate.
  * implicit 0.7.3 uses confidence c = alpha * value, so on binary data c = alpha (not 1 + alpha).

Writes OUT_DIR/als-top10.tsv (`user_id<TAB>item1<TAB>...<TAB>item10`, users in byte order of user_id) and
OUT_DIR/als.json (versions, the grid with validation metrics, the best configuration, timings, sizes).
HR@10/NDCG@10 on the test items are printed as a sanity check only; flaneur-eval computes the reported metrics
from als-top10.tsv.

--device-users FILE (one user id a line; the strict split of `flaneur-eval sequential`): those users are held out
of training entirely. Every configuration is fit once on the other users' whole histories (test item included:
nobody evaluates them); a device user's factor is implicit's least-squares fold-in from their own history only
(recalculate_user). Tuning: the fold-in from the history before the last two interactions, scored on the
second-to-last; the best configuration's lists are the fold-in from the whole training history (all but the last),
for the device users only.
"""
import json
import os
import sys
import time

# One BLAS thread, set before numpy is imported (implicit warns otherwise; the machine has 2 cores).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

MIN_INTERACTIONS = 5
K = 10
ITERATIONS = 15
RANDOM_STATE = 42
# The same grid on both datasets: on 2 cores with one thread it takes ~20 s on ML-100k and ~140 s on ML-1M.
GRID = {"factors": [32, 64, 128], "regularization": [0.1, 1.0, 10.0], "alpha": [10.0, 20.0]}


def read_inter(path):
    """Return {user_id: [(timestamp, item_id), ...]} from a RecBole atomic .inter file."""
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        names = [h.split(":")[0] for h in header]
        try:
            iu, ii, it = (names.index(c) for c in ("user_id", "item_id", "timestamp"))
        except ValueError:
            sys.exit(f"{path}: header {header} lacks user_id, item_id or timestamp")
        per_user = {}
        for line_no, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != len(header):
                sys.exit(f"{path}:{line_no}: {len(fields)} fields, expected {len(header)}")
            per_user.setdefault(fields[iu], []).append((float(fields[it]), fields[ii]))
    return per_user


def byte_key(s):
    return s.encode("utf-8")


def split(per_user):
    """Leave-last-out split. Returns users, items (both in byte order) and per-user index lists."""
    users = sorted((u for u, lst in per_user.items() if len(lst) >= MIN_INTERACTIONS), key=byte_key)
    skipped = len(per_user) - len(users)
    items = sorted({i for u in users for _, i in per_user[u]}, key=byte_key)
    index = {i: k for k, i in enumerate(items)}
    train, valid, test = [], [], []
    duplicates = 0
    for u in users:
        lst = sorted(per_user[u], key=lambda t: (t[0], byte_key(t[1])))
        seq = [index[i] for _, i in lst]
        duplicates += len(seq) - len(set(seq))
        test.append(seq[-1])
        valid.append(seq[-2])
        train.append(seq[:-1])  # the tuning-training set is train[u][:-1]
    return users, items, train, valid, test, skipped, duplicates


def binary_matrix(rows, n_items):
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    m = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), n_items))
    m.sum_duplicates()
    m.data[:] = 1.0  # binary even if a (user, item) pair repeats
    return m


def fit(matrix, factors, regularization, alpha):
    from implicit.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=factors, regularization=regularization, alpha=alpha, iterations=ITERATIONS,
        dtype=np.float32, use_gpu=False, num_threads=1, random_state=RANDOM_STATE)
    t0 = time.perf_counter()
    model.fit(matrix, show_progress=False)
    return model, time.perf_counter() - t0


def top10(model, matrix):
    """Top-10 item indices per user (row of matrix), the user's items in matrix excluded."""
    userids = np.arange(matrix.shape[0])
    ids, _ = model.recommend(userids, matrix, N=K, filter_already_liked_items=True)
    return ids


def hit_metrics(top, target):
    """HR@10 and NDCG@10 of one held-out item per user, from each user's top-10 list."""
    hits = top == np.asarray(target)[:, None]
    found = hits.any(axis=1)
    pos = hits.argmax(axis=1)
    gains = np.where(found, 1.0 / np.log2(pos + 2.0), 0.0)
    return float(found.mean()), float(gains.mean())


def strict_top10(model, rows, n_items):
    """Top-10 per row of item indices, each user's factor folded in from that row alone."""
    matrix = binary_matrix(rows, n_items)
    userids = np.arange(matrix.shape[0])
    ids, _ = model.recommend(userids, matrix, N=K, filter_already_liked_items=True, recalculate_user=True)
    return ids


def main_strict(name, inter, out_dir, device_file):
    """The strict split: device users held out of training, folded in from their own history."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    import implicit

    t_start = time.perf_counter()
    with open(device_file, encoding="utf-8") as f:
        device = {line.strip() for line in f if line.strip()}
    users, items, train, valid, test, skipped, _ = split(read_inter(inter))
    n_items = len(items)
    held = [k for k, u in enumerate(users) if u in device]
    if len(held) != len(device):
        sys.exit(f"{device_file}: {len(device) - len(held)} device users are not in {inter}")
    # Training users: their whole history (train + test).
    rows = [train[k] + [test[k]] for k, u in enumerate(users) if u not in device]
    full = binary_matrix(rows, n_items)
    print(f"{name} strict: {len(rows)} training users, {len(held)} device users, {n_items} items", flush=True)
    grid = []
    t_grid = time.perf_counter()
    for factors in GRID["factors"]:
        for regularization in GRID["regularization"]:
            for alpha in GRID["alpha"]:
                model, seconds = fit(full, factors, regularization, alpha)
                top = strict_top10(model, [train[k][:-1] for k in held], n_items)
                hr, ndcg = hit_metrics(top, [valid[k] for k in held])
                grid.append({"factors": factors, "regularization": regularization, "alpha": alpha,
                             "validation_ndcg10": ndcg, "validation_hr10": hr, "fit_seconds": round(seconds, 3)})
                print(f"  factors={factors:<3} regularization={regularization:<4} alpha={alpha:<4} "
                      f"validation NDCG@10={ndcg:.4f} HR@10={hr:.4f}  fit {seconds:.1f}s", flush=True)
    grid_seconds = time.perf_counter() - t_grid
    best = max(grid, key=lambda g: g["validation_ndcg10"])
    model, fit_seconds = fit(full, best["factors"], best["regularization"], best["alpha"])
    top = strict_top10(model, [train[k] for k in held], n_items)
    test_hr, test_ndcg = hit_metrics(top, [test[k] for k in held])
    os.makedirs(out_dir, exist_ok=True)
    tsv = os.path.join(out_dir, "als-top10.tsv")
    with open(tsv + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for k, row in zip(held, top):
            f.write("\t".join([users[k]] + [items[i] for i in row]) + "\n")
    os.replace(tsv + ".tmp", tsv)
    total_seconds = time.perf_counter() - t_start
    report = {
        "dataset": name, "split": "strict", "implicit_version": implicit.__version__, "grid": grid,
        "grid_axes": GRID,
        "best": {k: best[k] for k in ("factors", "regularization", "alpha", "validation_ndcg10", "validation_hr10")},
        "iterations": ITERATIONS, "random_state": RANDOM_STATE, "threads": 1,
        "fit_seconds": round(fit_seconds, 3), "grid_seconds": round(grid_seconds, 3),
        "total_seconds": round(total_seconds, 3), "training_users": len(rows), "device_users": len(held),
        "items": n_items, "sanity_test_hr10": test_hr, "sanity_test_ndcg10": test_ndcg,
        "protocol": ("strict: device users in no training data; fit on the other users' whole histories; "
                     "device users folded in (recalculate_user) from their own history; tuned on their "
                     "second-to-last item"),
    }
    with open(os.path.join(out_dir, "als.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    b = best
    print(f"{name} strict: best factors={b['factors']} regularization={b['regularization']} alpha={b['alpha']} "
          f"(validation NDCG@10 {b['validation_ndcg10']:.4f}); total {total_seconds:.0f}s; sanity test "
          f"HR@10 {test_hr:.4f}, NDCG@10 {test_ndcg:.4f} -> {tsv}")


def main():
    args = sys.argv[1:]
    device_file = None
    if len(args) == 4 and args[2] == "--device-users":
        device_file = args[3]
        args = args[:2]
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    dataset_dir, out_dir = args
    name = os.path.basename(os.path.normpath(dataset_dir))
    inter = os.path.join(dataset_dir, f"{name}.inter")
    if not os.path.isfile(inter):
        sys.exit(f"{inter} not found (run scripts/eval-data.sh first)")
    if device_file is not None:
        main_strict(name, inter, out_dir, device_file)
        return

    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    import implicit

    t_start = time.perf_counter()
    users, items, train, valid, test, skipped, duplicates = split(read_inter(inter))
    n_items = len(items)
    full = binary_matrix(train, n_items)
    tuning = binary_matrix([r[:-1] for r in train], n_items)
    print(f"{name}: {len(users)} users ({skipped} skipped with < {MIN_INTERACTIONS}), {n_items} items, "
          f"{full.nnz} training / {tuning.nnz} tuning-training interactions, "
          f"load {time.perf_counter() - t_start:.1f}s", flush=True)
    if duplicates:
        print(f"warning: {duplicates} repeated (user, item) pairs; the matrix is binary", flush=True)

    grid = []
    t_grid = time.perf_counter()
    for factors in GRID["factors"]:
        for regularization in GRID["regularization"]:
            for alpha in GRID["alpha"]:
                model, seconds = fit(tuning, factors, regularization, alpha)
                hr, ndcg = hit_metrics(top10(model, tuning), valid)
                grid.append({"factors": factors, "regularization": regularization, "alpha": alpha,
                             "validation_ndcg10": ndcg, "validation_hr10": hr, "fit_seconds": round(seconds, 3)})
                print(f"  factors={factors:<3} regularization={regularization:<4} alpha={alpha:<4} "
                      f"validation NDCG@10={ndcg:.4f} HR@10={hr:.4f}  fit {seconds:.1f}s", flush=True)
    grid_seconds = time.perf_counter() - t_grid
    best = max(grid, key=lambda g: g["validation_ndcg10"])  # max keeps the first of equal values

    model, fit_seconds = fit(full, best["factors"], best["regularization"], best["alpha"])
    top = top10(model, full)
    test_hr, test_ndcg = hit_metrics(top, test)

    os.makedirs(out_dir, exist_ok=True)
    tsv = os.path.join(out_dir, "als-top10.tsv")
    with open(tsv + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for u, row in zip(users, top):  # users are in byte order already
            f.write("\t".join([u] + [items[i] for i in row]) + "\n")
    os.replace(tsv + ".tmp", tsv)

    total_seconds = time.perf_counter() - t_start
    report = {
        "dataset": name,
        "implicit_version": implicit.__version__,
        "numpy_version": np.__version__,
        "grid": grid,
        "grid_axes": GRID,
        "grid_note": "full grid (not reduced), single seed per configuration",
        "best": {k: best[k] for k in ("factors", "regularization", "alpha", "validation_ndcg10", "validation_hr10")},
        "iterations": ITERATIONS,
        "random_state": RANDOM_STATE,
        "threads": 1,
        "fit_seconds": round(fit_seconds, 3),
        "grid_seconds": round(grid_seconds, 3),
        "total_seconds": round(total_seconds, 3),
        "users": len(users),
        "skipped_users": skipped,
        "items": n_items,
        "train_interactions": int(full.nnz),
        "tuning_train_interactions": int(tuning.nnz),
        "sanity_test_hr10": test_hr,
        "sanity_test_ndcg10": test_ndcg,
        "confidence_note": "implicit 0.7.3: confidence = alpha × 1 (c = alpha * value on binary data, not 1 + alpha)",
        "protocol": ("leave-last-out; per user sort by (timestamp, item_id bytes); users with < 5 interactions "
                     "skipped; binary interactions; validation = last training item; candidates = all items "
                     "in the .inter file not in the user's (tuning-)training set"),
    }
    with open(os.path.join(out_dir, "als.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")

    b = best
    print(f"{name}: best factors={b['factors']} regularization={b['regularization']} alpha={b['alpha']} "
          f"(validation NDCG@10 {b['validation_ndcg10']:.4f}, HR@10 {b['validation_hr10']:.4f}); "
          f"grid {grid_seconds:.0f}s, final fit {fit_seconds:.1f}s, total {total_seconds:.0f}s")
    print(f"{name}: sanity check on the test items: HR@10 {test_hr:.4f}, NDCG@10 {test_ndcg:.4f} "
          f"({len(users)} users) -> {tsv}")


if __name__ == "__main__":
    main()
