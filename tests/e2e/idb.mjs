// Page functions for the end-to-end tests that look into flaneur's IndexedDB
// (database "flaneur", object stores "profiles" and "quarantine"; docs/FORMATS.md,
// "Where records live"). Each runs in the page: pass it to page.evaluate.

/** The bytes IndexedDB holds under `key` (object store "profiles" unless named), as an array, or null. */
export async function readRecord(args) {
  const [key, store] = Array.isArray(args) ? args : [args, "profiles"];
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("flaneur");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  try {
    if (!db.objectStoreNames.contains(store)) return null;
    const value = await new Promise((ok, no) => {
      const r = db.transaction(store).objectStore(store).get(key);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    return value === undefined ? null : Array.from(value);
  } finally {
    db.close();
  }
}

/** Stores `bytes` as the record of `key` (creating flaneur's object stores if the database is new). */
export async function writeRecord([key, bytes]) {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("flaneur", 1);
    r.onupgradeneeded = () => {
      for (const s of ["profiles", "quarantine"]) if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s);
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  const tx = db.transaction("profiles", "readwrite");
  tx.objectStore("profiles").put(new Uint8Array(bytes), key);
  await new Promise((ok, no) => {
    tx.oncomplete = ok;
    tx.onabort = () => no(tx.error);
  });
  db.close();
}
