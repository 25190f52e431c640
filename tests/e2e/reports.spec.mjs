// Anonymous reports (local differential privacy, docs/PRIVACY.md) on the demo shop:
// without the shopper's opt-in the page's `send` is never called and no request carries
// anything; with it, one randomized answer a day reaches the shop's server, without cookie or
// referrer and 5 to 60 s after the page load, and neither reloads, a second tab nor a page
// clock moved ahead buy another one. The page asks for a report after each load
// (www/demo/shop/flaneur.js) and says how the attempt ended in <body data-flaneur-report>.
import { existsSync, readFileSync, statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { REPORTS } from "../../playwright.config.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const SWEATERS = "Women > Knitwear > Sweaters";
const sweaters = catalog.items.filter((i) => i.category === SWEATERS && i.available && !i.sensitive);
const PANEL = "Your privacy & personalization";
const SWITCH = "Send the shop anonymous, randomized answers";
// The schema's shape (src/ldp/question.rs); the axes are the catalog's divergence facets and
// category, each alone and within each of the catalog's report departments.
const axes = ["category", ...Object.entries(catalog.facets ?? {}).filter(([, f]) => f.divergence).map(([name]) => name)];
const departments = catalog.report_departments ?? [];
const group = `(${axes.join("|")})${departments.length ? `(@(${departments.join("|")}))?` : ""}`;
const QUESTION = new RegExp(`^((shown|engaged)\\.(personal|divergent|popular)|divergent\\.(shown|accepted)\\.${group})$`);

// Days before today (the demo server refuses a report dated after its own today).
const now = new Date();
const day = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 3 + n, 12));
const ymd = (n) => day(n).toISOString().slice(0, 10);

/** Views three sweaters and comes back home, where "For you" shows a slate (impressions). */
async function browse(page, from = 0) {
  for (const item of sweaters.slice(from, from + 3)) {
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("h1")).toHaveText(item.title);
  }
  await page.goto("/#/");
  await expect(page.locator('flaneur-shelf[heading="For you"] [data-item-id]').first()).toBeVisible();
}

/**
 * Loads the page (again), lets the page's clock run past the report's delay (Playwright's clock,
 * installed) and waits for its report attempt to end; returns "sent" or "none".
 */
async function load(page, how = "reload") {
  if (how === "goto") await page.goto("/");
  else await page.reload();
  const body = page.locator("body");
  await expect(body).toHaveAttribute("data-flaneur", "ready");
  await expect(body).toHaveAttribute("data-flaneur-report", "waiting");
  await page.clock.fastForward(60_000);
  await expect(body).toHaveAttribute("data-flaneur-report", /^(sent|none)$/);
  return body.getAttribute("data-flaneur-report");
}

/**
 * The reports the demo server keeps from now on, as it took them (a line of REPORTS each).
 * The test reads a report's body there: Firefox over BiDi does not give a request's body.
 */
function keptFromNow() {
  const start = existsSync(REPORTS) ? statSync(REPORTS).size : 0;
  return () => {
    const text = existsSync(REPORTS) ? readFileSync(REPORTS).subarray(start).toString("utf8") : "";
    return text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  };
}

async function panel(page) {
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  const dialog = page.getByRole("dialog", { name: PANEL });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("without the opt-in nothing is handed to the page's send and no request carries a report", async ({ page }) => {
  const requests = [];
  page.on("request", (r) => requests.push(r));
  await page.clock.install({ time: day(0) });
  expect(await load(page, "goto")).toBe("none");
  await browse(page);
  expect(await load(page)).toBe("none");
  await browse(page, 3);
  await page.clock.setSystemTime(day(1));
  expect(await load(page)).toBe("none");

  // The panel offers the switch, off, with its statement of what would be sent.
  const dialog = await panel(page);
  const toggle = dialog.getByRole("switch", { name: SWITCH });
  await expect(toggle).not.toBeChecked();
  await expect(dialog.getByText("Nothing else is sent: no identifier, no products, no profile.")).toBeVisible();
  // …and of what the shop does with the totals (crowd priors, issue #24): kinds, never who.
  await expect(toggle).toHaveAccessibleDescription(/learns which kinds of surprise suggestion people take up .*never who/);

  expect(requests.length).toBeGreaterThan(5);
  for (const r of requests) {
    expect(`${r.method()} ${new URL(r.url()).pathname}`).toMatch(/^GET /);
    expect(r.postData()).toBeNull();
    expect(new URL(r.url()).pathname).not.toBe("/flaneur-reports");
  }
});

test("with the opt-in one randomized answer a day reaches the shop, late, without cookie or referrer, across reloads, tabs and moved clocks", async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  // Every report request is recorded on its way to the demo server, which keeps what it takes.
  const posted = [];
  const kept = keptFromNow();
  await context.route("**/flaneur-reports", async (route) => {
    posted.push(route.request());
    await route.continue();
  });
  await context.addCookies([{ name: "session", value: "shopper-7", url: baseURL }]);
  await context.clock.install({ time: day(0) });
  await load(page, "goto");
  const dialog = await panel(page);
  await dialog.getByRole("switch", { name: SWITCH }).check();
  await page.keyboard.press("Escape");
  await browse(page);

  // A new tab (a new browser session): the report waits at least 5 s after the load.
  const tab = await context.newPage();
  const pageRequests = [];
  tab.on("request", (r) => pageRequests.push(r));
  await tab.goto("/");
  const body = tab.locator("body");
  await expect(body).toHaveAttribute("data-flaneur", "ready");
  await expect(body).toHaveAttribute("data-flaneur-report", "waiting");
  await tab.clock.fastForward(4_900);
  await expect(body).toHaveAttribute("data-flaneur-report", "waiting");
  expect(posted).toHaveLength(0);
  await tab.clock.fastForward(55_200);
  await expect(body).toHaveAttribute("data-flaneur-report", /^(sent|none)$/);
  expect(await body.getAttribute("data-flaneur-report")).toBe("sent");
  expect(posted).toHaveLength(1);
  const request = posted[0];
  expect(request.method()).toBe("POST");
  expect(new URL(request.url()).origin).toBe(new URL(tab.url()).origin);
  // The page's own requests carry the cookie; the report carries neither it nor a referrer.
  expect(await pageRequests[0].allHeaders()).toHaveProperty("cookie");
  const headers = await request.allHeaders();
  expect(headers).not.toHaveProperty("cookie");
  expect(headers).not.toHaveProperty("referer");
  expect(headers["content-type"]).toBe("application/json");
  await expect.poll(() => kept().length, "the server took the report").toBe(1);
  const [report] = kept();
  expect(Object.keys(report).sort()).toEqual(["answer", "day", "epsilon", "question", "v"]);
  expect(report).toMatchObject({ v: 2, epsilon: 1, day: ymd(0) });
  expect(typeof report.answer).toBe("boolean");
  expect(report.question).toMatch(QUESTION);

  // Same day: more browsing, a reload and another tab buy no second report.
  await browse(tab, 3);
  expect(await load(tab)).toBe("none");
  const second = await context.newPage();
  expect(await load(second, "goto")).toBe("none");
  await second.close();
  // A clock moved a day ahead in a tab that already reported (its session): none either.
  await context.clock.setSystemTime(day(1));
  expect(await load(tab)).toBe("none");
  expect(posted).toHaveLength(1);
  await tab.close();

  // The next day, a new tab has its own budget.
  const next = await context.newPage();
  expect(await load(next, "goto")).toBe("sent");
  expect(posted).toHaveLength(2);
  await expect.poll(() => kept().length, "the server took the report").toBe(2);
  expect(kept()[1]).toMatchObject({ v: 2, epsilon: 1, day: ymd(1) });

  // Opting out stops it, whatever the day.
  const again = await panel(next);
  await again.getByRole("switch", { name: SWITCH }).uncheck();
  await next.keyboard.press("Escape");
  await browse(next);
  await context.clock.setSystemTime(day(2));
  const last = await context.newPage();
  expect(await load(last, "goto")).toBe("none");
  expect(posted).toHaveLength(2);
});

test("the demo server keeps exactly a same-origin JSON report of the schema and refuses anything else", async ({ request, baseURL }) => {
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const good = { v: 2, question: "shown.personal", answer: true, epsilon: 1, day: today };
  const origin = new URL(baseURL).origin;
  const post = (data, headers = {}) => request.post("/flaneur-reports", { data, headers });
  expect((await post(good)).status()).toBe(204);
  expect((await post({ ...good, epsilon: 0.5, question: "divergent.accepted.category" })).status()).toBe(204);
  expect((await post(good, { origin, "sec-fetch-site": "same-origin" })).status()).toBe(204);
  const bad = [
    { ...good, profile: "red sweaters" },
    { ...good, answer: "yes" },
    { v: 2 },
    "not json",
    { ...good, v: 1 },
    { ...good, epsilon: 0.25 },
    { ...good, epsilon: 4 },
    { ...good, question: "shown.default" },
    { ...good, question: "divergent.accepted.shoesize" },
    // A group within a department the demo catalog does not list (report_departments).
    { ...good, question: "divergent.accepted.category@Women" },
    { ...good, question: "tracking.id-123" },
    { ...good, day: tomorrow },
    { ...good, day: "2026-02-30" },
    { ...good, day: "26-12-03" },
  ];
  for (const data of bad) {
    expect((await post(data, { "content-type": "application/json" })).status(), JSON.stringify(data)).toBe(400);
  }
  // Not same-origin: refused, whatever the body.
  for (const headers of [{ origin: "https://elsewhere.example" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }]) {
    expect((await post(good, headers)).status(), JSON.stringify(headers)).toBe(403);
  }
  // Not JSON: refused (a cross-origin form or sendBeacon could not forge it without a preflight).
  const text = await request.post("/flaneur-reports", { data: JSON.stringify(good), headers: { "content-type": "text/plain" } });
  expect(text.status()).toBe(415);
});
