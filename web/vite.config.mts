/**
 * The staff workspace's build (issue 19): scripts/setup.mjs runs web/scripts/build.ts when web/ or
 * the server code it shares changes; the output, web/dist, is served at / by src/api/web.ts.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  resolve: {
    alias: {
      // the shared zod schemas import src/domain/identifiers, whose pseudonym function (never
      // called in the browser) needs node:crypto
      'node:crypto': fileURLToPath(new URL('./src/stubs/crypto.ts', import.meta.url)),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  logLevel: 'warn',
});
