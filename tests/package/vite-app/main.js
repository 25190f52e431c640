// The package as a Vite app uses it: installed from its tarball into node_modules/flaneur
// and imported by name (scripts/build-package-fixtures.sh), on the main thread and in a worker.
import init, { Personalizer } from "flaneur";
import { Personalizer as WorkerPersonalizer } from "flaneur/worker";
import { show } from "./fixture.js";

show("main", async (catalog) => {
  await init();
  return Personalizer.open({ catalog, storage: "memory", seed: 1 });
});
show("worker", (catalog) => WorkerPersonalizer.open({ catalog, storage: "memory", seed: 1 }));
