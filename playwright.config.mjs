// Playwright end-to-end tests, in Debian's headless Chromium (Playwright never downloads a browser here).
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 8181);
// The package tests' fixtures (tests/e2e/package.spec.mjs), built by scripts/build-package-fixtures.sh:
// a plain page importing pkg/ by a relative path, and a Vite build importing "flaneur".
export const PLAIN_URL = `http://127.0.0.1:${PORT + 1}`;
export const VITE_URL = `http://127.0.0.1:${PORT + 2}`;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "target/e2e/results",
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: "chromium",
    headless: true,
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
  webServer: [
    {
      command: `node scripts/serve.mjs`,
      env: { PORT: String(PORT), REPORTS: "target/e2e/reports.jsonl" },
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
