# flaneur — the two commands a newcomer needs, and a few more.
#   make demo   install what is missing, build the WASM package, serve the demo on http://127.0.0.1:8080
#   make test   install what is missing, run every test suite (native, wasm and Playwright end to end in Chromium and Firefox, fuzz smoke)
#   make package  build the npm package into pkg/ (ES module glue, .wasm, .d.ts, package.json), bundler or not
# Build settings live in wasm-pack.toml; installs in scripts/install.sh.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
PORT ?= 8080

.PHONY: demo test build package serve install-build install-test install-bench fuzz bench bench-browser bench-peers bench-sequence bench-wire bench-scale opt-levels demo-catalog demo-model demo-shards eval eval-spark clean

demo: build
	@PORT=$(PORT) node scripts/serve.mjs

test: install-test
	@scripts/test.sh

build: install-build
	@scripts/build-wasm.sh

package: install-build
	@scripts/package.sh

serve:
	@PORT=$(PORT) node scripts/serve.mjs

install-build:
	@scripts/install.sh build

install-test:
	@scripts/install.sh test

# What the benchmarks in headless Chromium need beside the build: the browsers.
install-bench:
	@scripts/install.sh bench

# The long fuzz runs: every cargo-fuzz target for MINUTES (default 10), two at a time
# (docs/RELIABILITY.md). `make test` runs a 30-second smoke of each.
MINUTES ?= 10
fuzz: install-test
	@scripts/fuzz.sh run $(MINUTES)

# Native medians of the core: catalog load, scoring, recommend, one event (benches/engine.rs),
# then the catalog compiler on a generated 1,000,000-item Merchant Center feed (time, peak memory, size),
# then flaneur against its peers in headless Chromium (bench-peers, below).
bench: bench-peers bench-sequence bench-wire bench-scale
	@cargo bench -p flaneur --bench engine
	@scripts/bench-compiler.sh

# What keeping the profile costs a page, per store, in headless Chromium (scripts/bench-storage.mjs).
bench-browser: build install-bench
	@node scripts/bench-storage.mjs

# flaneur against its peers (tfjs-core wasm, Orama, voy and a plain JS loop) in headless Chromium
# (scripts/bench-peers.mjs, issue #9): top-24 search and recommend() on 10,000 and 100,000 items
# (BENCH_1M=1 adds 1,000,000). The peers are pinned in bench-peers/package.json, apart from the root's
# so make test never installs them. Writes target/bench/report.json and docs/BENCHMARKS.md.
bench-peers: build install-bench
	@npm ci --prefix bench-peers --no-audit --no-fund --loglevel=error
	@node scripts/bench-peers.mjs > /dev/null

# The sequence model in headless Chromium (scripts/bench-sequence.mjs, issue #21): recommend() and
# record() on binary catalogs carrying a model of the evaluation's shape, at 3,416 and 100,000 items.
bench-sequence: build install-bench
	@cargo run --release --example sequence_catalogs -- target/bench > /dev/null
	@node scripts/bench-sequence.mjs

# The demo on the wire (scripts/bench-wire.mjs, issue #22): scripts/serve.mjs with compression (br or
# gzip as accepted) and without (COMPRESS=0), in headless Chromium over an emulated 10 Mbit/s, 40 ms link:
# bytes received and time to the first personalized slate. Writes target/bench/wire.json and docs/BENCHMARKS.md.
bench-wire: build install-bench
	@node scripts/bench-wire.mjs

# The evaluations (scripts/eval.sh): the seeded divergence simulation, quality
# on MovieLens-100k/-1M against most-popular, item-kNN and ALS, and next-basket
# quality on The Complete Journey's even households against G-TopFreq,
# P-TopFreq, TIFU-KNN and ALS, and next-item quality on the standard
# sequential protocol (5-core ML-1M; the transition model and the sequence
# model beside the anchors; a strict split) (data and a Python venv cached
# under target/eval/); tables written into docs/EVALUATION.md, the reports into
# target/eval/report.json, target/eval/grocery-report.json and
# target/eval/sequential-report.json.
eval:
	@scripts/eval.sh

# Item factors from a Spark job (scripts/eval-spark.sh, issue #23; not part of make eval or make test):
# PySpark's ALS (implicit preferences, pinned from PyPI into target/eval/spark-venv, Java 17) trained on
# local[2] on the ML-1M training split of make eval's movielens protocol, its itemFactors written to
# Parquet, compiled by `flaneur catalog build --vectors`, scored by the same device replay; prepares
# what it needs of make eval itself. The row "Spark ALS factors → flaneur fold-in" goes into the ML-1M
# table of docs/EVALUATION.md, the report into target/eval/ml-1m/spark/report.json (17 minutes here).
eval-spark:
	@scripts/eval-spark.sh

# Size and speed of the .wasm at opt-level "z", "s" and 3 (see docs/ARCHITECTURE.md).
opt-levels: install-build
	@scripts/compare-opt-levels.sh

# Regenerate www/demo/catalog.json (deterministic).
demo-catalog:
	@node scripts/make-demo-catalog.mjs

# Regenerate the demo's sequence model and binary catalog (deterministic; about 15 minutes on
# 2 cores): the synthetic session log of scripts/make-demo-sessions.mjs, `flaneur model train`,
# then `flaneur catalog build --sequence-model` into www/demo/catalog.bin.
demo-model:
	@node scripts/make-demo-sessions.mjs target/demo/sessions.csv
	@cargo run --release -p flaneur-compiler --bin flaneur -- model train target/demo/sessions.csv \
	  -o www/demo/model.safetensors --dims 32 --ffn 32 --heads 2 --max-len 50 --batch 64 --lr 3e-3 \
	  --max-epochs 30 --patience 3 --seed 1
	@cargo run --release -p flaneur-compiler --bin flaneur -- catalog build www/demo/catalog.json \
	  --sequence-model www/demo/model.safetensors -o www/demo/catalog.bin
	@$(MAKE) --no-print-directory demo-shards

# Cut www/demo/catalog.bin into the sharded catalog the demo opens (www/demo/catalog/: manifest.json,
# a core of the 300 most popular items and one shard per department; byte-identical for the same input),
# then the next build's manifest and patches the end-to-end tests serve (scripts/make-demo-next.sh).
demo-shards:
	@rm -rf www/demo/catalog
	@cargo run --release -p flaneur-compiler --bin flaneur -- catalog split www/demo/catalog.bin \
	  -o www/demo/catalog --shards 1 --core-items 300
	@scripts/make-demo-next.sh

clean:
	cargo clean
	rm -rf www/pkg pkg node_modules

# A 100,000-product shop's sharded catalog on the wire (scripts/bench-scale.mjs, issue #22): a first
# visit (one department page, then home) and a returning shopper after 1% of prices and availability
# changed, in gzipped bytes; then in headless Chromium at 10 Mbit/s (scripts/bench-scale-browser.mjs): a first
# visit's bytes and the cold first personalized slate; merged into target/bench/report.json under `scale`.
bench-scale: build install-bench
	@node scripts/bench-scale.mjs > /dev/null
