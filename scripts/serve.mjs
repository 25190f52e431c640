#!/usr/bin/env node
// Serves www/ on http://127.0.0.1:PORT (default 8080) for the demo and the end-to-end tests;
// ROOT=DIR serves another directory instead (the package tests' fixture pages).
//
// Static files only, from www/ (or ROOT), with the right MIME types (application/wasm
// for .wasm, so browsers can stream-compile it) and the strict
// Content-Security-Policy a storefront would set. Ctrl-C stops it cleanly.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.env.ROOT
  ? resolve(process.env.ROOT) + sep
  : fileURLToPath(new URL("../www/", import.meta.url));
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";

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

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
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
  const what = process.env.ROOT ? `serving ${root}` : "flaneur demo storefront";
  console.log(`${what}: http://${host}:${port}/  (Ctrl-C to stop)`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
