#!/usr/bin/env node
// Debian's firefox-esr as Playwright's "moz-firefox" channel: the end-to-end suites run in
// stock Firefox over WebDriver BiDi (playwright.config.mjs, project "firefox").
//
// Playwright launches this file as the browser. It starts firefox-esr with the same
// arguments, passes its output through, and stands between the two on the BiDi socket:
// every message goes through unchanged, except that a command this Firefox does not know
// yet and that changes nothing a test looks at (UNKNOWN_BUT_HARMLESS) is answered with an
// empty success instead of "unknown command". Playwright sends such a command for every
// new context (the emulated color scheme, which flaneur's tests never set), so without
// this no test could start. Any other error reaches Playwright as it came.
//
// FIREFOX overrides the browser binary (default /usr/bin/firefox-esr).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { WebSocket, WebSocketServer } from "ws";

/** BiDi commands newer than Firefox ESR that only emulate what the tests never set. */
const UNKNOWN_BUT_HARMLESS = new Set(["emulation.setMediaFeaturesOverride"]);
const LISTENING = /WebDriver BiDi listening on (ws:\/\/\S+)$/;

const firefox = spawn(process.env.FIREFOX ?? "/usr/bin/firefox-esr", process.argv.slice(2), {
  stdio: ["ignore", "inherit", "pipe"],
});
firefox.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => firefox.kill(signal));

createInterface({ input: firefox.stderr }).on("line", (line) => {
  const listening = line.match(LISTENING);
  if (listening) relay(listening[1]);
  else process.stderr.write(`${line}\n`);
});

/** Listens on a port of its own and announces it the way Firefox announces its own. */
function relay(upstream) {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("listening", () => {
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${server.address().port}\n`);
  });
  server.on("connection", (client, request) => bridge(client, new WebSocket(`${upstream}${request.url}`)));
}

/** Passes messages both ways; answers UNKNOWN_BUT_HARMLESS commands Firefox refused. */
function bridge(client, browser) {
  const queued = [];
  const harmless = new Set();
  browser.on("open", () => queued.splice(0).forEach((text) => browser.send(text)));
  client.on("message", (data) => {
    const text = data.toString();
    const { id, method } = JSON.parse(text);
    if (UNKNOWN_BUT_HARMLESS.has(method)) harmless.add(id);
    if (browser.readyState === WebSocket.OPEN) browser.send(text);
    else queued.push(text);
  });
  browser.on("message", (data) => {
    const text = data.toString();
    const message = JSON.parse(text);
    if (message.id !== undefined && harmless.delete(message.id) && message.error === "unknown command") {
      client.send(JSON.stringify({ type: "success", id: message.id, result: {} }));
    } else {
      client.send(text);
    }
  });
  browser.on("close", () => client.close());
  client.on("close", () => browser.close());
  browser.on("error", () => client.close());
  client.on("error", () => browser.close());
}
