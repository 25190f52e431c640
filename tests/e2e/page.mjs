// What the storefront specs share about a page: no error and no CSP violation may reach
// it (watchPage), screenshots attached to the results and kept in target/e2e-screenshots/
// (shot), and axe's serious or critical findings (seriousA11yViolations).
import { mkdirSync, readFileSync } from "node:fs";
import { expect } from "@playwright/test";

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

/** The viewport as a PNG: attached to the test's results and kept in target/e2e-screenshots/. */
export async function shot(page, testInfo, name, scrollTo) {
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
