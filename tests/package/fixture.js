// Shared by the package tests' two pages (plain/ and vite-app/): open a personalizer
// over the demo catalog, record the views named in the query (?view=ID&view=ID…),
// and list the slate in <ol id=SLOT> as <li data-item-id data-kind>. The list's
// data-state ends "ready" or "error" (with the error's text). Works with the
// synchronous main-thread API and with an asynchronous worker one alike.
export async function show(slot, open) {
  const list = document.getElementById(slot);
  try {
    const catalog = await (await fetch("catalog.json")).json();
    const p = await open(catalog);
    for (const itemId of new URLSearchParams(location.search).getAll("view")) {
      await p.record({ type: "view", itemId });
    }
    const slate = await p.recommend({ k: 6 });
    const count = typeof p.itemCount === "function" ? await p.itemCount() : await p.itemCount;
    if (count !== undefined) list.dataset.itemCount = String(count);
    list.replaceChildren(
      ...slate.items.map((r) => {
        const li = document.createElement("li");
        li.dataset.itemId = r.itemId;
        li.dataset.kind = r.kind;
        li.textContent = `${r.itemId} (${r.kind}, ${r.score.toFixed(3)})`;
        return li;
      }),
    );
    list.dataset.state = "ready";
  } catch (err) {
    list.dataset.state = "error";
    list.textContent = `${err.name}: ${err.code ?? ""} ${err.message}`;
    throw err;
  }
}
