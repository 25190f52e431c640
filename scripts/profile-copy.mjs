// What the browser benchmarks (bench-wire.mjs, bench-scale-browser.mjs) use to make a returning
// shopper: the profile one browser context kept, copied into another. Both functions run in the
// page (page.evaluate), so each is self-contained.

// In the page: flaneur's IndexedDB database ("flaneur", docs/FORMATS.md), every store's
// entries, the values as arrays of bytes; and the same written back into a new database.
export async function dumpProfile() {
  const db = await new Promise((ok, no) => Object.assign(indexedDB.open("flaneur"), { onsuccess: (e) => ok(e.target.result), onerror: no }));
  const dump = { version: db.version, stores: {} };
  for (const name of db.objectStoreNames) {
    const store = db.transaction(name).objectStore(name);
    const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()].map((r) => new Promise((ok, no) => Object.assign(r, { onsuccess: () => ok(r.result), onerror: no }))));
    dump.stores[name] = keys.map((k, i) => [k, Array.from(new Uint8Array(values[i].buffer ?? values[i]))]);
  }
  db.close();
  return dump;
}
export async function restoreProfile(dump) {
  const open = indexedDB.open("flaneur", dump.version);
  open.onupgradeneeded = () => { for (const name of Object.keys(dump.stores)) open.result.createObjectStore(name); };
  const db = await new Promise((ok, no) => Object.assign(open, { onsuccess: () => ok(open.result), onerror: no }));
  for (const [name, entries] of Object.entries(dump.stores)) {
    const tx = db.transaction(name, "readwrite");
    for (const [k, v] of entries) tx.objectStore(name).put(new Uint8Array(v), k);
    await new Promise((ok, no) => Object.assign(tx, { oncomplete: ok, onabort: no }));
  }
  db.close();
}
