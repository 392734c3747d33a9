// The web app is built into build/web (next to the server binary's build)
// and served by `switchboard serve`: hashed file names under /assets/ so
// the server can cache them for a year, and no inline script or style, so
// the server's Content-Security-Policy can forbid both.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: process.env.SWITCHBOARD_WEB_OUT ?? "../build/web",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
