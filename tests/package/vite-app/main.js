// The package as a Vite app uses it: installed from its tarball into node_modules/flaneur
// and imported by name (scripts/build-package-fixtures.sh).
import init, { Personalizer } from "flaneur";
// When the package has no "./worker" export, vite.config.mjs points this at no-worker.js
// and defines __FLANEUR_WORKER__ false.
import * as worker from "flaneur/worker";
import { show } from "./fixture.js";

show("main", async (catalog) => {
  await init();
  return Personalizer.open({ catalog, storage: "memory", seed: 1 });
});

if (!__FLANEUR_WORKER__) {
  document.body.dataset.worker = "absent";
  document.getElementById("worker").dataset.state = "absent";
} else {
  document.body.dataset.worker = "present";
  show("worker", async (catalog) => {
    // The worker client's entry point: the first of these with an open(); adjust here if
    // worker.d.ts names it otherwise.
    const api = ["WorkerPersonalizer", "Personalizer", "default"]
      .map((name) => worker[name])
      .concat(worker)
      .find((candidate) => typeof candidate?.open === "function");
    if (!api) throw new Error(`flaneur/worker exports ${Object.keys(worker).join(", ")}: none has open()`);
    return api.open({ catalog, storage: "memory", seed: 1 });
  });
}
