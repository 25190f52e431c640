#!/usr/bin/env node
// WebAssembly memory of a catalog opened in the engine (issue #22), in Node (the same .wasm as the
// browser's, www/pkg/, storage "memory"): `whole` opens WHOLE (DIR/../whole.bin), `sharded` opens the
// manifest of DIR with its core and then adds every shard in department order (`sharded-reverse`:
// in the reverse order), `returning` opens it with every part at once (a returning shopper whose
// cache holds them all). Prints the bytes of wasm memory after, and how long each shard took to
// join (`addPart`). WebAssembly memory never shrinks, so this is the peak of the whole run; where
// the allocator finds room for each join's new columns moves it by several percent from one
// order (or build) to another.
//   node scripts/bench-scale-memory.mjs whole|sharded|sharded-reverse|returning DIR [WHOLE]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const [mode, dir] = process.argv.slice(2);
const engine = await import(join(repo, "www/pkg/flaneur.js"));
const wasm = engine.initSync({ module: readFileSync(join(repo, "www/pkg/flaneur_bg.wasm")) });
let p;
const joins = [];
if (mode === "whole") {
  const file = process.argv[4] ?? join(dir, "../whole.bin");
  p = await engine.Personalizer.open({ catalog: readFileSync(file), storage: "memory", seed: 1 });
} else if (mode === "returning") {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const parts = {};
  for (const part of [manifest.core, ...manifest.shards]) parts[part.file] = readFileSync(join(dir, part.file));
  p = await engine.Personalizer.open({ catalog: { manifest, parts }, storage: "memory", seed: 1 });
} else {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const parts = { [manifest.core.file]: readFileSync(join(dir, manifest.core.file)) };
  p = await engine.Personalizer.open({ catalog: { manifest, parts }, storage: "memory", seed: 1 });
  const shards = mode === "sharded-reverse" ? [...manifest.shards].reverse() : manifest.shards;
  for (const shard of shards) {
    const bytes = readFileSync(join(dir, shard.file));
    const started = performance.now();
    p.addPart(shard.file, bytes);
    joins.push(performance.now() - started);
  }
}
const sorted = [...joins].sort((a, b) => a - b);
const ms = (x) => (x === undefined ? null : Math.round(x * 10) / 10);
console.log(JSON.stringify({
  mode,
  items: p.itemCount,
  wasm_memory_bytes: wasm.memory.buffer.byteLength,
  // `addPart` of each shard in turn (department order): the median and the slowest, in ms.
  join_median_ms: ms(sorted[sorted.length >> 1]),
  join_max_ms: ms(sorted[sorted.length - 1]),
}));
