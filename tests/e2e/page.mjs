// What the storefront specs share about a page: no error and no CSP violation may reach
// it (watchPage), screenshots attached to the results and kept in target/e2e-screenshots/
// (shot, Chromium only), and axe's serious or critical findings (seriousA11yViolations).
import { mkdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

const SCREENSHOTS = "target/e2e-screenshots";
const AXE = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/** Fails each test of `test` whose page saw an error or a CSP violation. */
export function watchPage(test) {
  let pageErrors;
  test.beforeEach(async ({ page }) => {
    pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(err));
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
  });
  test.afterEach(async ({ page }) => {
    expect(pageErrors.map(String), "no error reached the page").toEqual([]);
    if (!page.isClosed()) expect(await page.evaluate(() => window.__cspViolations ?? [])).toEqual([]);
  });
}

/**
 * The viewport as a PNG: attached to the test's results and kept in target/e2e-screenshots/.
 * Chromium's only: in Firefox, Playwright's screenshot adds a <style> to the page for a moment,
 * which the demo's CSP refuses and reports, the very thing watchPage fails a test for.
 */
export async function shot(page, testInfo, name, scrollTo) {
  if (testInfo.project.name !== "chromium") return;
  if (scrollTo) await scrollTo.scrollIntoViewIfNeeded();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const body = await page.screenshot({ path: `${SCREENSHOTS}/${name}`, fullPage: false });
  await testInfo.attach(name, { body, contentType: "image/png" });
}

/** axe's serious and critical violations on the page, as "id: nodes". */
export async function seriousA11yViolations(page) {
  await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => window.axe.run());
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.length}`);
}

/**
 * Whether axe runs in this test's engine. In Firefox ESR 153, axe.run crashes the content
 * process (SIGSEGV, "A content process crashed") in the components, slates and buy-again specs,
 * whichever of several rules runs alone (aria-allowed-attr, landmark-unique, target-size…). A
 * spec of a few lines on the components demo shows it once Playwright has a route or an init
 * script in the page, and not without. The journey's axe checks (the home page with its
 * shelves, the open panel) pass in both engines and run in both; the others in Chromium.
 */
export function axeRunsHere() {
  return test.info().project.name === "chromium";
}
