// What other scripts on the shop's page can read of flaneur (issue #19): the
// change event, the console, and the elements' own markup. Analytics tags,
// session-replay tools and error trackers run on the same page; none of them
// should learn item ids, titles, tastes or values from flaneur.
import { expect, test } from "@playwright/test";

const DEMO = "/components-demo.html";
const MODULE = "/components/flaneur-elements.js";
const PANEL = "Your privacy & personalization";

let consoleLines;
test.beforeEach(async ({ page }) => {
  consoleLines = [];
  page.on("console", (message) => consoleLines.push(message.text()));
  // Everything flaneur dispatches as flaneur:change, as a listening tag would see it.
  await page.addInitScript(() => {
    window.__changes = [];
    document.addEventListener("flaneur:change", (e) => window.__changes.push(e.detail));
  });
  await page.goto(DEMO);
  await expect(page.locator("flaneur-shelf")).toHaveAttribute("data-state", "ready");
});

/** Views of the first `n` items of the demo page's first group, through its buttons. */
async function viewSome(page, n) {
  const buttons = page.locator(".demo-group").first().locator("button");
  for (let i = 0; i < n; i++) await buttons.nth(i).click();
  await expect(page.locator("flaneur-shelf [data-item-id]").first()).toBeVisible();
}

test("flaneur:change carries only the kind of change, never ids, targets or values", async ({ page }) => {
  await viewSome(page, 3);
  const card = page.locator("flaneur-shelf [data-item-id]").first();
  const dismissed = await card.getAttribute("data-item-id");
  await card.getByRole("button", { name: "Not interested", exact: true }).click();
  await page.locator("flaneur-preferences").getByRole("button", { name: PANEL }).click();
  const dialog = page.getByRole("dialog", { name: PANEL });
  await dialog.locator(".fl-taste").first().getByRole("button", { name: "Forget", exact: true }).click();
  await dialog.getByRole("switch", { name: "Personalize suggestions for me" }).click();
  const changes = await page.evaluate(() => window.__changes);
  const reasons = new Set(changes.map((d) => d.reason));
  for (const reason of ["record", "dismiss", "forget", "preferences"]) expect(reasons).toContain(reason);
  for (const detail of changes) expect(Object.keys(detail)).toEqual(["reason"]);
  expect(JSON.stringify(changes)).not.toContain(dismissed);
});

test("the console names no item, title or value, even for a refused call", async ({ page }) => {
  const secret = "sku-secret-4242";
  const learned = await page.evaluate(
    async ([m, id]) => (await import(m)).record({ type: "view", itemId: id }),
    [MODULE, secret],
  );
  expect(learned).toBe(false);
  await page.evaluate((m) => import(m).then((f) => f.notify({ reason: "record", itemId: "sku-leak" })), MODULE);
  await viewSome(page, 2);
  const warnings = consoleLines.filter((line) => line.startsWith("flaneur"));
  expect(warnings.some((line) => line.includes("UNKNOWN_ITEM")), warnings.join("\n")).toBe(true);
  for (const line of consoleLines) {
    expect(line).not.toContain(secret);
    expect(line).not.toContain("sku-leak");
  }
  const changes = await page.evaluate(() => window.__changes);
  expect(JSON.stringify(changes)).not.toContain("sku-leak");
});

test("flaneur's own markup is masked for replay tools, and its buttons' names hold no title", async ({ page }) => {
  await viewSome(page, 3);
  const shelf = page.locator("flaneur-shelf section.fl-shelf");
  await page.locator("flaneur-preferences").getByRole("button", { name: PANEL }).click();
  const dialog = page.getByRole("dialog", { name: PANEL });
  for (const root of [shelf, dialog]) {
    for (const attribute of ["data-private", "data-hj-suppress", "data-sentry-mask", "data-heap-redact-text"]) {
      await expect(root).toHaveAttribute(attribute, "");
    }
    await expect(root).toHaveAttribute("data-clarity-mask", "true");
    await expect(root).toHaveClass(/\bfs-mask\b/);
    await expect(root).toHaveClass(/\bph-no-capture\b/);
  }
  await page.keyboard.press("Escape");
  const card = page.locator("flaneur-shelf [data-item-id]").first();
  const title = (await card.locator('[id^="fl-title"]').textContent()).trim();
  const why = card.getByRole("button", { name: "Why this?", exact: true });
  const dismiss = card.getByRole("button", { name: "Not interested", exact: true });
  // The title is the buttons' description, so a screen reader still says which item.
  await expect(why).toHaveAccessibleDescription(title);
  await expect(dismiss).toHaveAccessibleDescription(title);
  expect(await why.textContent()).toBe("Why this?");
  expect(await dismiss.textContent()).toBe("Not interested");
});
