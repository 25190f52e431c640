// On the wire (issue #22): what scripts/serve.mjs sends, as a CDN would. The browser asks
// for br and gets the .wasm and the catalog's core brotli-compressed, the bytes exactly the
// files on disk once decoded, with Content-Length the bytes sent and Vary: Accept-Encoding;
// a client asking for identity gets the file as it is; a revalidation with the ETag gets 304
// without a body. On a server of its own (ROOT=DIR over a temporary folder): a file whose
// name carries a content hash is immutable while every other file stays no-cache, and a
// file rewritten on disk is served, and compressed, anew.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpGet } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";

const disk = (path) => readFileSync(new URL(`../../www/${path}`, import.meta.url));
const WASM = disk("pkg/flaneur_bg.wasm");
const BIN = disk("demo/catalog.bin");
// The demo's sharded catalog (www/demo/catalog/): the core every page fetches, its name content-addressed.
const MANIFEST = JSON.parse(disk("demo/catalog/manifest.json"));
const CORE = `/catalog/${MANIFEST.core.file}`;

/** GET (or `method`) `url` with node:http: the status, the headers and the body exactly as sent (not decoded). */
function rawGet(url, headers = {}, method = "GET") {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers, method }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });
}

/**
 * Waits until the server sends `path` in brotli: it compresses the demo in the background as
 * it starts, and sends gzip until then (a few seconds, when this file runs first).
 */
async function brotliReady(baseURL, path) {
  await expect.poll(async () => (await rawGet(new URL(path, baseURL), { "Accept-Encoding": "br, gzip" }, "HEAD")).headers["content-encoding"], {
    message: `${path} compressed with brotli`,
    timeout: 20_000,
    intervals: [100],
  }).toBe("br");
}

test("the demo's .wasm and catalog core come brotli-compressed to Chromium, the same bytes once decoded", async ({ page, baseURL }) => {
  const wanted = { "/pkg/flaneur_bg.wasm": WASM, [CORE]: disk(`demo${CORE}`) };
  const caching = { "/pkg/flaneur_bg.wasm": "no-cache", [CORE]: "public, max-age=31536000, immutable" };
  for (const path of Object.keys(wanted)) await brotliReady(baseURL, path);
  const responses = Object.keys(wanted).map((path) => page.waitForResponse((r) => new URL(r.url()).pathname === path));
  await page.goto("/");
  for (const response of await Promise.all(responses)) {
    const path = new URL(response.url()).pathname;
    const sent = await response.request().allHeaders();
    expect(sent["accept-encoding"], `Chromium asks for br (${path})`).toMatch(/\bbr\b/);
    const headers = await response.allHeaders();
    expect(headers["content-encoding"], path).toBe("br");
    expect(headers.vary, path).toMatch(/accept-encoding/i);
    expect(headers["content-security-policy"], path).toContain("default-src 'self'");
    expect(headers["cache-control"], path).toBe(caching[path]);
    expect((await response.body()).equals(wanted[path]), `${path} decoded is the file on disk`).toBe(true);
  }
  // The same over a plain socket: Content-Length counts the compressed bytes, which are smaller.
  for (const [path, file] of Object.entries(wanted)) {
    const r = await rawGet(new URL(path, baseURL), { "Accept-Encoding": "gzip, deflate, br" });
    expect(r.headers["content-encoding"]).toBe("br");
    expect(Number(r.headers["content-length"])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(file.length * 0.7);
    expect(brotliDecompressSync(r.body).equals(file), `${path}: brotli-decoded is the file`).toBe(true);
  }
});

test("identity when asked for, a correct Content-Length, and 304 on If-None-Match", async ({ request, baseURL }) => {
  const plain = await request.get("/catalog.bin", { headers: { "Accept-Encoding": "identity" } });
  expect(plain.status()).toBe(200);
  expect(plain.headers()["content-encoding"]).toBeUndefined();
  expect(plain.headers()["content-length"]).toBe(String(BIN.length));
  expect(plain.headers().vary).toMatch(/accept-encoding/i);
  expect((await plain.body()).equals(BIN)).toBe(true);
  const etag = plain.headers().etag;
  expect(etag).toMatch(/^"[\w-]+"$/);

  const again = await request.get("/catalog.bin", { headers: { "Accept-Encoding": "identity", "If-None-Match": etag } });
  expect(again.status()).toBe(304);
  expect((await again.body()).length).toBe(0);
  expect(again.headers().etag).toBe(etag);
  expect(again.headers()["cache-control"]).toBe("no-cache");

  // HEAD: the headers a GET would get, the br representation its own validator.
  await brotliReady(baseURL, "/pkg/flaneur_bg.wasm");
  const head = await request.head("/pkg/flaneur_bg.wasm", { headers: { "Accept-Encoding": "br" } });
  expect(head.headers()["content-encoding"]).toBe("br");
  expect(Number(head.headers()["content-length"])).toBeLessThan(WASM.length);
  expect(head.headers().etag).not.toBe(etag);
  const revalidated = await request.get("/pkg/flaneur_bg.wasm", { headers: { "Accept-Encoding": "br", "If-None-Match": head.headers().etag } });
  expect(revalidated.status()).toBe(304);
  // A changed or foreign ETag is not a match.
  const other = await request.get("/catalog.bin", { headers: { "Accept-Encoding": "identity", "If-None-Match": '"not-this-one"' } });
  expect(other.status()).toBe(200);
});

test.describe("a server over a temporary folder (ROOT=DIR)", () => {
  let dir;
  let server;
  let origin;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "flaneur-wire-"));
    const text = "a line of a shard that compresses well\n".repeat(200);
    for (const name of ["shard-3fa9c2e01b7d44aa.bin", "app.0123456789abcdef01.js", "shard-3fa9c2e01b7d44.bin", "catalog.bin", "logo.png"]) {
      writeFileSync(join(dir, name), text);
    }
    // A free port: ask the system for one, then hand it to the server.
    const port = await new Promise((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
    });
    server = spawn(process.execPath, ["scripts/serve.mjs"], { env: { ...process.env, ROOT: dir, PORT: String(port), COMPRESS: "1" }, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve, reject) => {
      server.stdout.on("data", (d) => String(d).includes("serving") && resolve());
      server.on("exit", (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
    origin = `http://127.0.0.1:${port}`;
  });

  test.afterAll(() => {
    server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("names with a content hash are immutable; other names stay no-cache; .png is never compressed", async ({ request }) => {
    const headersOf = async (name) => (await request.get(`${origin}/${name}`, { headers: { "Accept-Encoding": "br, gzip" } })).headers();
    for (const name of ["shard-3fa9c2e01b7d44aa.bin", "app.0123456789abcdef01.js"]) {
      const h = await headersOf(name);
      expect(h["cache-control"], name).toBe("public, max-age=31536000, immutable");
      expect(h["content-encoding"], name).toMatch(/^(br|gzip)$/); // gzip until brotli is ready
    }
    // 14 hex digits, or none: revalidated on every use.
    for (const name of ["shard-3fa9c2e01b7d44.bin", "catalog.bin"]) expect((await headersOf(name))["cache-control"], name).toBe("no-cache");
    const png = await headersOf("logo.png");
    expect(png["content-encoding"]).toBeUndefined();
    expect(png.vary).toBeUndefined();
    expect(png["content-type"]).toBe("image/png");
  });

  test("a rebuilt file is read and compressed again", async () => {
    const path = join(dir, "rebuilt.json");
    const get = async () => {
      const r = await rawGet(`${origin}/rebuilt.json`, { "Accept-Encoding": "gzip" });
      expect(r.headers["content-encoding"]).toBe("gzip");
      return { etag: r.headers.etag, text: gunzipSync(r.body).toString() };
    };
    writeFileSync(path, JSON.stringify({ build: 1, pad: "x".repeat(500) }));
    const before = await get();
    expect(JSON.parse(before.text).build).toBe(1);
    writeFileSync(path, JSON.stringify({ build: 22, pad: "y".repeat(600) }));
    const after = await get();
    expect(JSON.parse(after.text).build).toBe(22);
    expect(after.etag).not.toBe(before.etag);
  });
});
