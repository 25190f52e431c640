// The package as a page without a bundler uses it: pkg/ copied beside the page,
// imported by a relative path (scripts/build-package-fixtures.sh lays it out).
import init, { Personalizer } from "./pkg/flaneur.js";
import { show } from "./fixture.js";

show("main", async (catalog) => {
  await init();
  return Personalizer.open({ catalog, storage: "memory", seed: 1 });
});
