// The benchmark page of `make bench-peers` (scripts/bench-peers.mjs drives it through window.bench).
// One page per catalog size: setup(N) generates the seeded catalog and the 200-event profile and
// opens flaneur; runA(name) times Task A (top 24 by dot product against the shopper's interest
// vector) for flaneur or one peer; runB() times flaneur's recommend({k: 24}); recordCost() times
// record(). Served by scripts/bench-peers.mjs: /pkg/ is www/pkg/, /peers/ is bench-peers/node_modules/.
import init, { Personalizer } from "/pkg/flaneur.js";

const DIMS = 64, K = 24, EVENTS = 200, LEAVES = 200;
const WARMUP = 5, RUNS = 31;
const FACETS = {
  colour: ["red", "navy", "green", "cream", "black", "mustard"],
  brand: ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"],
  material: ["wool", "cotton", "linen", "silk", "denim"],
  style: ["classic", "casual", "sport", "formal"],
  size: ["xs", "s", "m", "l", "xl"],
  season: ["spring", "summer", "autumn", "winter"],
};

let wasm;              // flaneur's wasm exports (init's result): its `memory`
let S = null;          // state of the current catalog size

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const summary = (xs) => {
  const s = sorted(xs);
  return { median_ms: round(s[s.length >> 1], 4), p95_ms: round(s[Math.floor(s.length * 0.95)], 4), runs: s.length };
};
const round = (x, d) => Number(x.toFixed(d));

// Times fn (sync or async): WARMUP runs, then RUNS timed runs. Returns the timings and the last result.
async function timeIt(fn) {
  const times = [];
  let last;
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const t0 = performance.now();
    let out = fn();
    if (out && typeof out.then === "function") out = await out;
    const t1 = performance.now();
    if (r >= WARMUP) times.push(t1 - t0);
    last = out;
  }
  return { ...summary(times), last };
}

function makeRand(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function normalize(v) {
  let n = 0;
  for (let j = 0; j < v.length; j++) n += v[j] * v[j];
  n = Math.sqrt(n) || 1;
  for (let j = 0; j < v.length; j++) v[j] /= n;
  return v;
}

// The seeded synthetic catalog: N items in LEAVES leaf categories (3-level paths), each leaf a
// direction in 64-d; an item's vector is its leaf's direction plus noise, unit length (so dot
// product, cosine and Euclidean nearest neighbours rank alike, and every peer answers the same question).
function generate(N) {
  const rand = makeRand(42);
  const centroids = Array.from({ length: LEAVES }, () => normalize(Float32Array.from({ length: DIMS }, () => rand() * 2 - 1)));
  const vectors = new Float32Array(N * DIMS);
  const items = new Array(N);
  const names = Object.keys(FACETS);
  for (let i = 0; i < N; i++) {
    const leaf = i % LEAVES, c = centroids[leaf];
    const v = vectors.subarray(i * DIMS, (i + 1) * DIMS);
    for (let j = 0; j < DIMS; j++) v[j] = c[j] + 0.22 * (rand() * 2 - 1);
    normalize(v);
    const attributes = {};
    for (const f of names) attributes[f] = FACETS[f][Math.floor(rand() * FACETS[f].length)];
    items[i] = {
      id: `sku-${i}`,
      title: `Item ${i}`,
      category: `Dept ${Math.floor(leaf / 40)} > Cat ${Math.floor(leaf / 5)} > Leaf ${leaf}`,
      attributes,
      popularity: rand(),
      vector: Array.from(v),
    };
  }
  const facets = Object.fromEntries(names.map((f) => [f, { divergence: f === "colour" || f === "material" }]));
  const catalog = { version: 1, shop: "bench", dims: DIMS, facets, items };
  // The profile: 200 events on items of three leaves (every 10th an add_to_cart).
  const interests = [17, 42, 143];
  const now = Date.now();
  const events = [];
  for (let e = 0; e < EVENTS; e++) {
    const leaf = interests[e % 3];
    const i = leaf + LEAVES * Math.floor(rand() * Math.floor(N / LEAVES));
    events.push({ type: e % 10 === 0 ? "add_to_cart" : "view", itemId: `sku-${i}`, at: now - (EVENTS - e) * 60_000 });
  }
  // The query: the mean of the event items' vectors, normalized.
  const query = new Float32Array(DIMS);
  for (const ev of events) {
    const i = Number(ev.itemId.slice(4));
    for (let j = 0; j < DIMS; j++) query[j] += vectors[i * DIMS + j];
  }
  normalize(query);
  return { catalog, vectors, events, query };
}

// The exact reference: one pass over the Float32Array, then the top K by insertion (ties by index).
function exactTopK(vectors, query, n, k) {
  const topS = new Float32Array(k).fill(-Infinity), topI = new Int32Array(k).fill(-1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * DIMS;
    for (let j = 0; j < DIMS; j++) s += vectors[o + j] * query[j];
    if (s > topS[k - 1]) {
      let p = k - 1;
      while (p > 0 && topS[p - 1] < s) { topS[p] = topS[p - 1]; topI[p] = topI[p - 1]; p--; }
      topS[p] = s; topI[p] = i;
    }
  }
  return topI;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

const recallOf = (ids) => {
  const ref = S.refIds;
  let hit = 0;
  for (const id of new Set(ids)) if (ref.has(id)) hit++;
  return round(hit / K, 4);
};

// Each runner: prepare() (index build, untimed for search but reported) returns the search function;
// the search returns the ids of its top K.
const runners = {
  async flaneur() {
    if (typeof S.p.nearest !== "function") throw new Error("nearest() not available in this build");
    return { search: () => S.p.nearest(S.query, K).ids };
  },
  async js() {
    return { search: () => Array.from(exactTopK(S.vectors, S.query, S.N, K), (i) => `sku-${i}`) };
  },
  async tfjs() {
    if (!window.tf?.wasm) {
      await loadScript("/peers/@tensorflow/tfjs-core/dist/tf-core.min.js");
      await loadScript("/peers/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js");
    }
    const tf = window.tf;
    // One thread, like flaneur (threads need a worker script and COOP/COEP): the SIMD build.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    tf.wasm.setWasmPaths("/peers/@tensorflow/tfjs-backend-wasm/dist/");
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend failed to initialize");
    await tf.ready();
    const t0 = performance.now();
    const M = tf.tensor2d(S.vectors, [S.N, DIMS]);
    const q = tf.tensor2d(S.query, [DIMS, 1]);
    const build_ms = performance.now() - t0;
    const search = () => {
      const idx = tf.tidy(() => tf.topk(tf.reshape(tf.matMul(M, q), [S.N]), K).indices);
      const out = idx.dataSync();
      idx.dispose();
      return Array.from(out, (i) => `sku-${i}`);
    };
    return {
      search, build_ms,
      info: { backend: tf.getBackend(), simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"), threads: false, version: tf.version_core },
      cleanup: () => { M.dispose(); q.dispose(); },
    };
  },
  async orama() {
    const { create, insertMultiple, search: oramaSearch } = await import("/peers/@orama/orama/dist/browser/index.js");
    const t0 = performance.now();
    const db = create({ schema: { id: "string", embedding: `vector[${DIMS}]` } });
    const docs = new Array(S.N);
    for (let i = 0; i < S.N; i++) docs[i] = { id: `sku-${i}`, embedding: Array.from(S.vectors.subarray(i * DIMS, (i + 1) * DIMS)) };
    await insertMultiple(db, docs, 5000);
    const build_ms = performance.now() - t0;
    const value = Array.from(S.query);
    const params = { mode: "vector", vector: { value, property: "embedding" }, similarity: 0, limit: K, includeVectors: false };
    const run = (res) => res.hits.map((h) => h.document?.id ?? h.id);
    const search = () => {
      const res = oramaSearch(db, params);
      return typeof res.then === "function" ? res.then(run) : run(res);
    };
    return { search, build_ms };
  },
  async voy() {
    const bg = await import("/peers/voy-search/voy_search_bg.js");
    if (!window.__voyReady) {
      // The package is wasm-bindgen's "bundler" flavour: instantiate its .wasm against the glue by hand.
      const bytes = await (await fetch("/peers/voy-search/voy_search_bg.wasm")).arrayBuffer();
      const { instance } = await WebAssembly.instantiate(bytes, { "./voy_search_bg.js": bg });
      bg.__wbg_set_wasm(instance.exports);
      window.__voyReady = true;
    }
    const t0 = performance.now();
    const embeddings = new Array(S.N);
    for (let i = 0; i < S.N; i++) embeddings[i] = { id: `sku-${i}`, title: "", url: "", embeddings: Array.from(S.vectors.subarray(i * DIMS, (i + 1) * DIMS)) };
    const index = new bg.Voy({ embeddings });
    const build_ms = performance.now() - t0;
    return { search: () => index.search(S.query, K).neighbors.map((n) => n.id), build_ms, cleanup: () => index.free() };
  },
};

window.bench = {
  async setup(N) {
    if (!wasm) wasm = await init();
    const g0 = performance.now();
    const { catalog, vectors, events, query } = generate(N);
    const generate_ms = performance.now() - g0;
    const t0 = performance.now();
    const p = await Personalizer.open({ catalog, storage: "memory", seed: 1 });
    const load_ms = performance.now() - t0;
    for (const ev of events) p.record(ev);
    S = { N, p, vectors, query, events };
    S.refIds = new Set(Array.from(exactTopK(vectors, query, N, K), (i) => `sku-${i}`));
    return {
      N, items: p.itemCount, generate_ms: round(generate_ms, 1), load_ms: round(load_ms, 2),
      memory_bytes: wasm?.memory instanceof WebAssembly.Memory ? wasm.memory.buffer.byteLength : null,
      has_nearest: typeof p.nearest === "function",
      cross_origin_isolated: self.crossOriginIsolated,
    };
  },
  async runA(name) {
    const r = await runners[name]();
    try {
      const t = await timeIt(r.search);
      const out = { median_ms: t.median_ms, p95_ms: t.p95_ms, runs: t.runs, recall: recallOf(t.last) };
      if (r.build_ms !== undefined) out.build_ms = round(r.build_ms, 1);
      if (r.info) out.info = r.info;
      return out;
    } finally {
      r.cleanup?.();
    }
  },
  // Task B times the full pipeline, divergence included. Divergence learns from every slate
  // shown (ignored directions fade, and a session holds at most 24 divergent impressions),
  // so back-to-back slates would soon skip it. Each run therefore starts from the same
  // profile (imported from a snapshot, untimed) and is asked 31 minutes after the previous
  // one (a new session), on a clock the page moves forward.
  async runB() {
    const snapshot = S.p.exportProfile();
    const realNow = Date.now;
    let offset = 0;
    Date.now = () => realNow.call(Date) + offset;
    const times = [], divergent = [];
    let slate;
    try {
      for (let r = 0; r < WARMUP + RUNS; r++) {
        S.p.importProfile(snapshot);
        offset += 31 * 60_000;
        const t0 = performance.now();
        slate = S.p.recommend({ k: K });
        const t1 = performance.now();
        if (r >= WARMUP) {
          times.push(t1 - t0);
          divergent.push(slate.items.filter((i) => i.kind === "divergent").length);
        }
      }
    } finally {
      Date.now = realNow;
      S.p.importProfile(snapshot);
    }
    return { ...summary(times), items: slate.items.length, withheld: slate.withheld,
      divergent: slate.items.filter((i) => i.kind === "divergent").length,
      divergent_mean: round(divergent.reduce((a, b) => a + b, 0) / divergent.length, 2) };
  },
  // record() cost: 1000 calls in 40 bursts of 25 (the timer is coarse outside cross-origin
  // isolation); the median of the bursts' per-call means, in µs. Run last: it changes the profile.
  recordCost() {
    const ids = S.events.map((e) => e.itemId);
    const per = [];
    for (let b = 0; b < 40; b++) {
      const t0 = performance.now();
      for (let i = 0; i < 25; i++) S.p.record({ type: "view", itemId: ids[(b * 25 + i) % ids.length] });
      per.push(((performance.now() - t0) * 1000) / 25);
    }
    const s = sorted(per);
    return round(s[s.length >> 1], 2);
  },
  memory() {
    return wasm?.memory instanceof WebAssembly.Memory ? wasm.memory.buffer.byteLength : null;
  },
};
window.benchReady = true;
