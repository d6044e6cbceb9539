// Vite configuration of the example page: a plain static build into dist/.
import { defineConfig } from "vite";

export default defineConfig({
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
