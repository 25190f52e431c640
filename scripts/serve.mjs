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
// One more route plays the shop's server for anonymous reports (docs/PRIVACY.md):
// POST /flaneur-reports takes one LDP report, exactly { v, question, answer,
// epsilon, day } and nothing else, and appends it as a line to REPORTS
// (default target/ldp/reports.jsonl), ready for `flaneur ldp aggregate`.
// It refuses a request from another origin (Origin, Sec-Fetch-Site: 403),
// a body that is not application/json (415), and a report that is not v2,
// of the demo catalog's question schema, ε 0.5 or 1, and a real UTC date not
// after today (400).
import { createServer } from "node:http";
import { appendFile, mkdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

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
// The question schema (src/ldp/question.rs): slot kinds, and the demo catalog's divergence axes.
const axes = await readFile(new URL("../www/demo/catalog.json", import.meta.url), "utf8")
  .then((text) => Object.entries(JSON.parse(text).facets ?? {}).filter(([, f]) => f.divergence).map(([name]) => name))
  .catch(() => null);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const AXIS = axes ? ["category", ...axes].map(escape).join("|") : "[A-Za-z0-9_-]+";
const QUESTION = new RegExp(`^((shown|engaged)\\.(personal|divergent|popular)|divergent\\.(shown|accepted)\\.(${AXIS}))$`);
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
    const body = await readFile(path);
    res.writeHead(200, { ...headers, "Content-Type": types[extname(path)] ?? "application/octet-stream" });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch (err) {
    const status = err.status ?? (err.code === "ENOENT" || err.code === "ENOTDIR" ? 404 : 500);
    res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${status}\n`);
  }
});

server.listen(port, host, () => {
  const what = process.env.ROOT ? `serving ${mounts[0][1]}` : "flaneur demo storefront";
  console.log(`${what}: http://${host}:${port}/  (Ctrl-C to stop)`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
