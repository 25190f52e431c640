// Playwright end-to-end tests, in Debian's headless Chromium and Firefox ESR (Playwright never
// downloads a browser here).
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 8181);
// The package tests' fixtures (tests/e2e/package.spec.mjs), built by scripts/build-package-fixtures.sh:
// a plain page importing pkg/ by a relative path, and a Vite build importing "flaneur".
export const PLAIN_URL = `http://127.0.0.1:${PORT + 1}`;
export const VITE_URL = `http://127.0.0.1:${PORT + 2}`;
// Where the demo server keeps the anonymous reports it takes (tests/e2e/reports.spec.mjs).
export const REPORTS = "target/e2e/reports.jsonl";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "target/e2e/results",
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  use: { baseURL: `http://127.0.0.1:${PORT}`, headless: true },
  // The same specs in both engines: `playwright test --project chromium|firefox`.
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
    // Debian's firefox-esr over WebDriver BiDi (Playwright's "moz-firefox" channel), through
    // scripts/firefox-bidi.mjs, which answers the one BiDi command this Firefox lacks.
    {
      name: "firefox",
      use: {
        browserName: "firefox",
        channel: "moz-firefox",
        launchOptions: {
          executablePath: "scripts/firefox-bidi.mjs",
          // Each test's context starts with an empty HTTP cache, as in Chromium (Firefox's
          // contexts share one otherwise, and a file fetched by an earlier test comes back 304).
          firefoxUserPrefs: { "browser.cache.disk.enable": false, "browser.cache.memory.enable": false },
        },
      },
    },
  ],
  webServer: [
    {
      command: `node scripts/serve.mjs`,
      env: { PORT: String(PORT), REPORTS },
      url: `http://127.0.0.1:${PORT}/`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
    // Same server, same headers, other roots. Waits for the port only, so the storefront
    // tests still run when the fixtures were not built.
    ...[
      ["target/package-site", PORT + 1],
      ["target/vite-app/dist", PORT + 2],
    ].map(([root, port]) => ({
      command: `node scripts/serve.mjs`,
      env: { PORT: String(port), ROOT: root },
      port,
      reuseExistingServer: false,
      timeout: 20_000,
    })),
  ],
});
