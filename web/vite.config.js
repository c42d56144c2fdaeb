// vite.config.js - the build of daftar's web app.  `npm run build` runs
// scripts/build.mjs, which calls Vite with this file and then adds the
// service worker, icons, manifest, .gz files and the size report.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  // Preact's automatic JSX runtime through esbuild: no Babel, no plugin.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    manifest: true,          // read by scripts/build.mjs for the size report and the precache list
    target: 'es2020',
    cssCodeSplit: true,
    sourcemap: false,
    modulePreload: { polyfill: false }, // every browser we support has modulepreload
    assetsInlineLimit: 0,    // fonts and images stay files (CSP, caching)
    chunkSizeWarningLimit: 250,
  },
  server: {
    // `npm run dev`: the API of a daftar on 8080 behind Vite's dev server
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
