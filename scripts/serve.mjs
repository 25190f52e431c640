#!/usr/bin/env node
// Serves the demo on http://127.0.0.1:PORT (default 8080) for people and the end-to-end tests;
// ROOT=DIR serves that one directory instead (the package tests' fixture pages).
//
// The demo's URLs (see www/README.md): the parts of flaneur at their own paths, the
// demo everywhere else, as a shop would serve them beside its own pages:
//   /components/…  www/components/  the web components (they load ../pkg/flaneur.js)
//   /worker/…      www/worker/      the worker entry's sources (the package ships them from pkg/)
//   /pkg/…         www/pkg/         the built package (scripts/build-wasm.sh)
//   /…             www/demo/        the demo shop (/), its catalog, the components' demo page
//
// Static files, with the right MIME types (application/wasm for .wasm, so
// browsers can stream-compile it) and the strict Content-Security-Policy a
// storefront would set. Ctrl-C stops it cleanly.
//
// On the wire, what a CDN would send (issue #22):
// - Compression, negotiated on Accept-Encoding: br (brotli, quality 11) when the request
//   accepts it, else gzip (level 9), else the file as it is; only for text and binary
//   types that compress (.js .mjs .json .wasm .css .html .svg .ts, and .bin, the binary
//   catalog), never for .png or .ico, and never when compressing would not make it smaller.
//   Each file is compressed once per encoding (node:zlib, off the main thread) and kept in
//   memory with its bytes, keyed by its path and checked against its mtime and size: a
//   rebuilt file is read and compressed again (files over 8 MiB are neither compressed nor
//   kept). Brotli at quality 11 is slow (about 3 s for the .wasm on a 2-core machine), so
//   no response waits for it: it runs in the background, one file at a time, and until a
//   file's brotli is ready the request gets gzip (level 9, milliseconds). On start the
//   demo's files (the first 100 compressible ones; not with ROOT=DIR, which compresses
//   what is asked for) are compressed ahead of the first visitor, in the background.
//   Responses of those types carry `Vary: Accept-Encoding`, the Content-Encoding sent and
//   the Content-Length of the bytes sent (HEAD gets the same headers, no body).
//   COMPRESS=0 turns compression off (every response as the file is, no Vary), to
//   measure both ways (scripts/bench-wire.mjs, `make bench-wire`).
// - Caching: a file whose name carries a content hash (a "-" or "." and 16 or more hex
//   digits before the extension, shard-3fa9c2e01b7d44aa.bin) is
//   `Cache-Control: public, max-age=31536000, immutable`; every other file stays
//   `no-cache`, to be revalidated. Every file has a strong ETag, a hash of its bytes,
//   with the encoding appended for a compressed representation ("…-br", "…-gzip": each
//   representation its own validator); If-None-Match naming the one the request would
//   get (or "*") answers 304 Not Modified without a body.
//
// One more route plays the shop's server for anonymous reports (docs/PRIVACY.md):
// POST /flaneur-reports takes one LDP report, exactly { v, question, answer,
// epsilon, day } and nothing else, and appends it as a line to REPORTS
// (default target/ldp/reports.jsonl), ready for `flaneur ldp aggregate`.
// It refuses a request from another origin (Origin, Sec-Fetch-Site: 403),
// a body that is not application/json (415), and a report that is not v2,
// of the demo catalog's question schema, ε 0.5 or 1, and a real UTC date not
// after today (400).
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { appendFile, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";

const www = (dir) => fileURLToPath(new URL(`../www/${dir}/`, import.meta.url));
// [URL prefix, directory], the first prefix that matches wins.
const mounts = process.env.ROOT
  ? [["/", resolve(process.env.ROOT) + sep]]
  : [
      ["/components/", www("components")],
      ["/worker/", www("worker")],
      ["/pkg/", www("pkg")],
      ["/", www("demo")],
    ];
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
const reports = resolve(process.env.REPORTS ?? fileURLToPath(new URL("../target/ldp/reports.jsonl", import.meta.url)));
const REPORT_KEYS = ["answer", "day", "epsilon", "question", "v"];
// The question schema (src/ldp/question.rs): slot kinds, and the demo catalog's divergence axes,
// each alone and within each of its report departments (`colour@Women`).
const demo = await readFile(new URL("../www/demo/catalog.json", import.meta.url), "utf8")
  .then((text) => JSON.parse(text))
  .catch(() => null);
const axes = demo && Object.entries(demo.facets ?? {}).filter(([, f]) => f.divergence).map(([name]) => name);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const AXIS = axes ? ["category", ...axes].map(escape).join("|") : "[A-Za-z0-9_-]+";
const DEPARTMENTS = (demo?.report_departments ?? []).map(escape);
const GROUP = DEPARTMENTS.length ? `(${AXIS})(@(${DEPARTMENTS.join("|")}))?` : `(${AXIS})`;
const QUESTION = new RegExp(`^((shown|engaged)\\.(personal|divergent|popular)|divergent\\.(shown|accepted)\\.${GROUP})$`);
const EPSILONS = [0.5, 1];

/** Whether `day` is a real YYYY-MM-DD date, not after today (UTC). */
function pastDay(day) {
  if (typeof day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day &&
    day <= new Date().toISOString().slice(0, 10);
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".ico": "image/x-icon",
};
const headers = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self'; style-src 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

// On the wire (the header comment above): what compresses, what is immutable, how.
const COMPRESS = process.env.COMPRESS !== "0";
const COMPRESSIBLE = new Set([".js", ".mjs", ".json", ".wasm", ".css", ".html", ".svg", ".ts", ".bin"]);
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Whether a file's name carries a content hash: "-" or "." and 16+ hex digits before the extension. */
const hashedName = (path) => /[-.][0-9a-f]{16,}\.[a-z0-9]+$/i.test(basename(path));
const compressors = {
  br: (bytes) => promisify(brotliCompress)(bytes, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }),
  gzip: (bytes) => promisify(gzip)(bytes, { level: 9 }),
};

/**
 * The encodings an Accept-Encoding header accepts, best first: "br" and "gzip" when their q
 * (named, or through "*") is above 0, the higher q first, br first on a tie; [] for none.
 */
function negotiate(accept) {
  if (!accept) return [];
  const q = new Map();
  for (const part of accept.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name === "x-gzip" ? "gzip" : name, Number.isFinite(value) ? value : 0);
  }
  const of = (coding) => q.get(coding) ?? q.get("*") ?? 0;
  return ["br", "gzip"].filter((c) => of(c) > 0).sort((a, b) => of(b) - of(a));
}

// What is kept of each file served: path → { mtimeMs, size, file }, where `file` is the
// promise of { bytes, etag, keep, encoded: { br, gzip } (the jobs of encoded(), below) }.
const files = new Map();
// Larger files are neither compressed nor kept in memory (ROOT=DIR may serve big ones:
// brotli at quality 11 takes about 3.5 s a megabyte here).
const KEEP_MAX = 8 * 1024 * 1024;

/** The file at `path`, read once while its mtime and size stay the same. */
async function load(path) {
  const { mtimeMs, size } = await stat(path);
  const known = files.get(path);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known.file;
  const file = readFile(path).then((bytes) => ({
    bytes,
    etag: createHash("sha256").update(bytes).digest("base64url").slice(0, 27),
    encoded: {},
    keep: size <= KEEP_MAX,
  }));
  if (size <= KEEP_MAX) {
    files.set(path, { mtimeMs, size, file });
    file.catch(() => files.delete(path));
  }
  return file;
}

// Brotli at quality 11 takes seconds (about 3 s for the demo's .wasm here): one file at a
// time, in the background, never in a response's way. gzip (level 9, tens of milliseconds
// for the largest file) is made when first asked for.
let brotliLine = Promise.resolve();

/**
 * `file` in `coding`, compressed once: { done, bytes } (bytes null when compressing would not
 * make the file smaller) and `promise`, which resolves once done. Starts the work if needed.
 */
function encoded(file, coding) {
  if (!file.keep) return { done: true, bytes: null, promise: Promise.resolve(null) };
  if (!file.encoded[coding]) {
    const job = { done: false, bytes: null };
    const compress = () => compressors[coding](file.bytes).then(
      (out) => (out.length < file.bytes.length ? out : null),
      () => null,
    ).then((bytes) => Object.assign(job, { done: true, bytes }).bytes);
    if (coding === "br") {
      job.promise = brotliLine.then(compress);
      brotliLine = job.promise;
    } else {
      job.promise = compress();
    }
    file.encoded[coding] = job;
  }
  return file.encoded[coding];
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks) or is "*". */
function matches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === `"${etag}"`);
}

/**
 * Compresses the compressible files under `dir` in the background, one at a time, the
 * first `budget.files` of them (the demo has about 40).
 */
async function warm(dir, budget) {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (budget.files <= 0) return;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) await warm(path, budget);
    else if (entry.isFile() && COMPRESSIBLE.has(extname(path))) {
      budget.files--;
      const file = await load(path).catch(() => null);
      if (file) for (const coding of Object.keys(compressors)) await encoded(file, coding).promise;
    }
  }
}

/**
 * Serves the file at `path` for `req`: the best accepted encoding that is ready (brotli once
 * compressed, gzip meanwhile), caching headers, 304 on a matching ETag.
 */
async function sendFile(req, res, path) {
  const file = await load(path);
  const ext = extname(path);
  const compressible = COMPRESS && COMPRESSIBLE.has(ext);
  let body = file.bytes;
  let sent = null;
  for (const coding of compressible ? negotiate(req.headers["accept-encoding"]) : []) {
    const job = encoded(file, coding);
    if (coding === "br" && !job.done) continue; // compressing in the background: the next best now
    const bytes = await job.promise;
    if (bytes) {
      [body, sent] = [bytes, coding];
      break;
    }
  }
  const etag = sent ? `${file.etag}-${sent}` : file.etag;
  const common = {
    ...headers,
    "Cache-Control": hashedName(path) ? IMMUTABLE : "no-cache",
    ETag: `"${etag}"`,
    ...(compressible ? { Vary: "Accept-Encoding" } : {}),
  };
  if ((req.method === "GET" || req.method === "HEAD") && matches(req.headers["if-none-match"], etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, {
    ...common,
    "Content-Type": types[ext] ?? "application/octet-stream",
    ...(sent ? { "Content-Encoding": sent } : {}),
    "Content-Length": body.length,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** The report a request body holds, or null: a small JSON object with exactly the report's fields. */
function readReport(body) {
  try {
    const report = JSON.parse(body);
    const keys = Object.keys(report ?? {}).sort();
    const typed = report.v === 2 && typeof report.question === "string" && QUESTION.test(report.question) &&
      typeof report.answer === "boolean" && EPSILONS.includes(report.epsilon) && pastDay(report.day);
    return typed && keys.join() === REPORT_KEYS.join() ? report : null;
  } catch {
    return null;
  }
}

/** Why a report request is refused before its body is read (a status), or 0. */
function refuse(req) {
  const site = req.headers["sec-fetch-site"];
  const origin = req.headers.origin;
  if (site !== undefined && site !== "same-origin") return 403;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) return 403;
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json" ? 0 : 415;
}

async function takeReport(req, res) {
  const status = refuse(req);
  if (status) {
    res.writeHead(status, headers);
    res.end();
    req.resume();
    return;
  }
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 1024) break;
  }
  const report = body.length <= 1024 ? readReport(body) : null;
  if (report) {
    await mkdir(dirname(reports), { recursive: true });
    await appendFile(reports, `${JSON.stringify(report)}\n`);
  }
  res.writeHead(report ? 204 : 400, headers);
  res.end();
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/flaneur-reports" && req.method === "POST") return await takeReport(req, res);
    const [prefix, root] = mounts.find(([prefix]) => url.pathname.startsWith(prefix));
    let path = normalize(join(root, decodeURIComponent(url.pathname.slice(prefix.length))));
    if (!path.startsWith(root) && path + sep !== root) throw Object.assign(new Error("outside root"), { status: 403 });
    if ((await stat(path)).isDirectory()) path = join(path, "index.html");
    await sendFile(req, res, path);
  } catch (err) {
    const status = err.status ?? (err.code === "ENOENT" || err.code === "ENOTDIR" ? 404 : 500);
    res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${status}\n`);
  }
});

server.listen(port, host, () => {
  const what = process.env.ROOT ? `serving ${mounts[0][1]}` : "flaneur demo storefront";
  const wire = COMPRESS ? "br or gzip as accepted" : "uncompressed (COMPRESS=0)";
  console.log(`${what}: http://${host}:${port}/  ${wire}  (Ctrl-C to stop)`);
  // The demo: compress ahead of the first visitor (ROOT=DIR compresses what is asked for).
  if (COMPRESS && !process.env.ROOT) {
    (async () => {
      const budget = { files: 100 };
      for (const [, dir] of mounts) await warm(dir, budget);
    })();
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
