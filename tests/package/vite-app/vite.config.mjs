// Builds the fixture app against node_modules/flaneur (the packed pkg/) into dist/.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const flaneur = JSON.parse(readFileSync(here("./node_modules/flaneur/package.json"), "utf8"));
const hasWorker = Boolean(flaneur.exports["./worker"]);

export default {
  logLevel: "warn",
  // What the package README asks of Vite users (it matters to the dev server only).
  optimizeDeps: { exclude: ["flaneur"] },
  define: { __FLANEUR_WORKER__: JSON.stringify(hasWorker) },
  resolve: {
    alias: hasWorker ? [] : [{ find: /^flaneur\/worker$/, replacement: here("./no-worker.js") }],
  },
  build: { outDir: "dist", emptyOutDir: true },
};
