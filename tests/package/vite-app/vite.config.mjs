// Builds the fixture app against node_modules/flaneur (the packed pkg/) into dist/.
export default {
  logLevel: "warn",
  // What the package README asks of Vite users (it matters to the dev server only).
  optimizeDeps: { exclude: ["flaneur"] },
  build: { outDir: "dist", emptyOutDir: true },
};
