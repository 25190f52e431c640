#!/usr/bin/env python3
"""`make eval-spark` (issue #23): a shop's Spark job, pyspark.ml.recommendation.ALS on its interaction log.

Usage: target/eval/spark-venv/bin/python scripts/eval/spark_als.py DIR

DIR (target/eval/ml-1m/spark, written by `flaneur-eval spark --prepare-only`) holds
  train.tsv   user_id<TAB>item_id<TAB>timestamp after a header: the leave-last-out training split of
              `flaneur-eval movielens` (every user's history but the test item), one line a rating;
  items.tsv   item_id after a header: the catalog's items (every rated movie, test-only ones included).
The job reads them as it would read tables of the warehouse, and writes to DIR
  item-factors.parquet  ALSModel.itemFactors keyed by the shop's item ids: `id` (string),
                        `features` (list<float>), one row a catalog item (a zero vector for an item not in
                        the log); the single part file Spark wrote under item-factors/;
  spark-top10.tsv       Spark's own top 10 per user (its user factors; training items excluded), in
                        als-top10.tsv's format, for the server-side comparison;
  spark.json            versions, the grid with validation metrics, the chosen setting, times, sizes.

ALS: implicit preferences, every rating an interaction of value 1 (repeats of a pair counted once), users and
items indexed by StringIndexer (Spark's ALS wants integer ids), MAX_ITER iterations, seed 42, rank RANK (the
factors `implicit` chose on ML-1M, scripts/eval/als.py). Spark's regularization is ALS-WR: each user's (item's)
normal equations get regParam * n_u (n_i, its number of interactions) on the diagonal, where `implicit` adds
one fixed lambda; and Spark's confidence is 1 + alpha * r where implicit 0.7.3 uses alpha * r. So implicit's
lambda = 1 is about regParam 0.006 for the mean ML-1M user (165 interactions), and implicit's alpha 10 is Spark's
alpha 9. Tuning, as scripts/eval/als.py tunes implicit: each user's last training interaction (by timestamp,
then item id byte by byte) is held out; GRID is fit on the rest and scored by NDCG@10 of that item in Spark's
own ranking (user factor . item factor over the items outside the user's tuning history); the best setting
(the first in grid order on a tie) is refit on the whole log.

Runs on local[LOCAL_THREADS]; on a cluster the same job is submitted with spark-submit and only the master and
the paths change (docs/ARCHITECTURE.md, "Item factors from a Spark job, on a real cluster"). The scoring of the
validation items and spark-top10.tsv collects the factors on the driver (numpy): a local convenience for the
evaluation, not part of the job a shop runs.
"""
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

RANK = 128
MAX_ITER = 15
SEED = 42
K = 10
LOCAL_THREADS = 2
# regParam around implicit's lambda = 1 spread over a mean user's 165 interactions (ALS-WR), a factor of 3 either
# way; alpha at implicit's chosen confidence on ML-1M (10 = 1 + 9). One fit at rank 128 takes about 5 minutes on
# 2 cores, so the grid is small: 3 fits, then the refit.
GRID = {"regParam": [0.003, 0.01, 0.03], "alpha": [9.0]}


def spark_session():
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master(f"local[{LOCAL_THREADS}]").appName("flaneur-eval-spark-als")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "6g")
            .config("spark.sql.shuffle.partitions", str(4 * LOCAL_THREADS))
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate())


def read_log(spark, path):
    """The interaction log: user_id, item_id, timestamp (TAB-separated, a header, no quoting)."""
    schema = "user_id string, item_id string, timestamp long"
    return spark.read.csv(path, sep="\t", header=True, quote="", schema=schema)


def fit(ratings, reg, alpha):
    from pyspark.ml.recommendation import ALS

    als = ALS(rank=RANK, maxIter=MAX_ITER, regParam=reg, alpha=alpha, implicitPrefs=True, seed=SEED,
              userCol="user", itemCol="item", ratingCol="rating", nonnegative=False)
    t0 = time.perf_counter()
    model = als.fit(ratings)
    model.itemFactors.count()  # fit is lazy in part: make the factors exist before the clock stops
    return model, time.perf_counter() - t0


def factors(frame, n):
    """A (n, RANK) array of a factor DataFrame (id, features); rows Spark has not are zero."""
    out = np.zeros((n, RANK), dtype=np.float32)
    for row in frame.collect():
        out[row["id"]] = row["features"]
    return out


def top10(model, n_users, n_items, seen):
    """Each user's 10 best items by user . item factor, the items in seen[u] excluded."""
    users = factors(model.userFactors, n_users)
    items = factors(model.itemFactors, n_items)
    scores = users @ items.T
    for u, s in enumerate(seen):
        scores[u, s] = -np.inf
    top = np.argpartition(-scores, K, axis=1)[:, :K]
    order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(top, order, axis=1)


def ndcg(top, target):
    hits = top == np.asarray(target)[:, None]
    gains = np.where(hits.any(axis=1), 1.0 / np.log2(hits.argmax(axis=1) + 2.0), 0.0)
    return float(hits.any(axis=1).mean()), float(gains.mean())


def java_version():
    out = subprocess.run(["java", "-version"], capture_output=True, text=True)
    return (out.stderr or out.stdout).splitlines()[0] if (out.stderr or out.stdout) else "unknown"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    out_dir = sys.argv[1]
    train_path, items_path = os.path.join(out_dir, "train.tsv"), os.path.join(out_dir, "items.tsv")
    for path in (train_path, items_path):
        if not os.path.isfile(path):
            sys.exit(f"{path} not found (run target/release/flaneur-eval spark --prepare-only first)")

    t_start = time.perf_counter()
    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    import pyspark
    from pyspark.ml.feature import StringIndexer
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    log = read_log(spark, train_path)
    catalog = spark.read.csv(items_path, sep="\t", header=True, quote="", schema="item_id string")
    pairs = log.groupBy("user_id", "item_id").agg(F.max("timestamp").alias("timestamp"))
    indexers = [StringIndexer(inputCol=c, outputCol=c.split("_")[0] + "_index", stringOrderType="alphabetAsc")
                for c in ("user_id", "item_id")]
    user_ix, item_ix = (ix.fit(pairs) for ix in indexers)
    ratings = (item_ix.transform(user_ix.transform(pairs))
               .select(F.col("user_index").cast("int").alias("user"), F.col("item_index").cast("int").alias("item"),
                       "item_id", "timestamp", F.lit(1.0).alias("rating"))
               .cache())
    users, items = user_ix.labelsArray[0], item_ix.labelsArray[0]
    n_users, n_items, n_ratings = len(users), len(items), ratings.count()
    print(f"spark {pyspark.__version__} on local[{LOCAL_THREADS}]: {n_users} users, {n_items} items, "
          f"{n_ratings} interactions, load {time.perf_counter() - t_start:.1f}s", flush=True)

    # Validation: each user's last interaction (timestamp, then item id byte by byte) held out.
    last = Window.partitionBy("user").orderBy(F.col("timestamp").desc(), F.col("item_id").desc())
    ranked = ratings.withColumn("n", F.row_number().over(last))
    tuning = ranked.where("n > 1").select("user", "item", "rating").cache()
    valid_rows = ranked.where("n = 1").select("user", "item").collect()
    valid = np.zeros(n_users, dtype=np.int64)
    for row in valid_rows:
        valid[row["user"]] = row["item"]
    seen_rows = tuning.groupBy("user").agg(F.collect_list("item").alias("items")).collect()
    tuning_seen = [np.zeros(0, dtype=np.int64)] * n_users
    for row in seen_rows:
        tuning_seen[row["user"]] = np.asarray(row["items"], dtype=np.int64)

    grid = []
    t_grid = time.perf_counter()
    for reg in GRID["regParam"]:
        for alpha in GRID["alpha"]:
            model, seconds = fit(tuning, reg, alpha)
            hr, nd = ndcg(top10(model, n_users, n_items, tuning_seen), valid)
            grid.append({"regParam": reg, "alpha": alpha, "validation_ndcg10": nd, "validation_hr10": hr,
                         "fit_seconds": round(seconds, 3)})
            print(f"  rank={RANK} regParam={reg:<6} alpha={alpha:<5} validation NDCG@10={nd:.4f} HR@10={hr:.4f}  "
                  f"fit {seconds:.1f}s", flush=True)
    grid_seconds = time.perf_counter() - t_grid
    best = max(grid, key=lambda g: g["validation_ndcg10"])  # max keeps the first of equal values

    model, fit_seconds = fit(ratings, best["regParam"], best["alpha"])
    labels = spark.createDataFrame(list(enumerate(items)), "item int, item_id string")
    zero = F.array(*[F.lit(0.0).cast("float")] * RANK)
    item_factors = (catalog.join(labels, "item_id", "left")
                    .join(model.itemFactors.withColumnRenamed("id", "item"), "item", "left")
                    .select(F.col("item_id").alias("id"), F.coalesce("features", zero).alias("features")))
    parts = os.path.join(out_dir, "item-factors")
    item_factors.coalesce(1).write.mode("overwrite").parquet(parts)
    written = glob.glob(os.path.join(parts, "part-*.parquet"))
    if len(written) != 1:
        sys.exit(f"{parts}: expected one part file, found {len(written)}")
    shutil.copyfile(written[0], os.path.join(out_dir, "item-factors.parquet.tmp"))
    os.replace(os.path.join(out_dir, "item-factors.parquet.tmp"), os.path.join(out_dir, "item-factors.parquet"))
    catalog_items = catalog.count()
    without = catalog.join(labels, "item_id", "left_anti").count()

    full_seen_rows = ratings.groupBy("user").agg(F.collect_list("item").alias("items")).collect()
    full_seen = [np.zeros(0, dtype=np.int64)] * n_users
    for row in full_seen_rows:
        full_seen[row["user"]] = np.asarray(row["items"], dtype=np.int64)
    top = top10(model, n_users, n_items, full_seen)
    tsv = os.path.join(out_dir, "spark-top10.tsv")
    with open(tsv + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for u, row in enumerate(top):
            f.write("\t".join([users[u]] + [items[i] for i in row]) + "\n")
    os.replace(tsv + ".tmp", tsv)
    total_seconds = time.perf_counter() - t_start
    report = {
        "pyspark_version": pyspark.__version__,
        "java": java_version(),
        "python": platform.python_version(),
        "master": f"local[{LOCAL_THREADS}]",
        "rank": RANK,
        "max_iter": MAX_ITER,
        "seed": SEED,
        "grid_axes": GRID,
        "grid": grid,
        "best": {k: best[k] for k in ("regParam", "alpha", "validation_ndcg10", "validation_hr10")},
        "fit_seconds": round(fit_seconds, 3),
        "grid_seconds": round(grid_seconds, 3),
        "total_seconds": round(total_seconds, 3),
        "users": n_users,
        "items_trained": n_items,
        "catalog_items": catalog_items,
        "items_without_factors": without,
        "interactions": n_ratings,
        "regularization_note": ("Spark ALS-WR: regParam * n_u (n_i) on each user's (item's) diagonal; implicit "
                                "0.7.3 adds a fixed lambda"),
        "confidence_note": "Spark: confidence = 1 + alpha * r; implicit 0.7.3: alpha * r",
    }
    with open(os.path.join(out_dir, "spark.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    spark.stop()
    print(f"best regParam={best['regParam']} alpha={best['alpha']} (validation NDCG@10 "
          f"{best['validation_ndcg10']:.4f}); grid {grid_seconds:.0f}s, final fit {fit_seconds:.1f}s, total "
          f"{total_seconds:.0f}s; {catalog_items} catalog items, {without} without factors -> "
          f"{os.path.join(out_dir, 'item-factors.parquet')}", flush=True)


if __name__ == "__main__":
    main()
