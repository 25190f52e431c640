// What the end-to-end tests check of every request a page made: flaneur keeps what the
// shopper does on the device, so the only requests are the shop's own static files.

import { expect } from "@playwright/test";

/**
 * Every request in `requests` (Playwright Request objects, as `page.on("request")` collects
 * them) is a GET of `origin` without a query string, a body or a cookie, and neither its URL
 * (as sent: without the fragment) nor any of its headers contains one of `needles` (item ids, titles: what must stay on the
 * device). Returns how many requests were checked.
 */
export async function expectOnlyStaticGets(requests, origin, needles = []) {
  for (const r of requests) {
    const url = new URL(r.url());
    expect(url.origin, r.url()).toBe(origin);
    expect(r.method(), r.url()).toBe("GET");
    expect(url.search, r.url()).toBe("");
    expect(r.postData(), r.url()).toBeNull();
    const headers = await r.allHeaders();
    expect(headers.cookie, `no cookie travels (${r.url()})`).toBeUndefined();
    // What goes over the wire: the URL without its fragment (never sent), and the headers.
    const sent = `${url.origin}${url.pathname}${url.search}`;
    for (const [name, value] of [["url", sent], ...Object.entries(headers)]) {
      for (const needle of needles) expect(value, `${name} of ${r.url()}`).not.toContain(needle);
    }
  }
  return requests.length;
}
