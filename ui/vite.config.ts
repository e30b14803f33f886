/**
 * Builds the management UI into `dist/ui`, which the server serves at `/ui`
 * (src/http/routes/ui.routes.ts). `vite --config ui/vite.config.ts` serves it for development,
 * passing `/v1` to a Keyward on the default port.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: resolve(import.meta.dirname, '../dist/ui'), emptyOutDir: true, assetsInlineLimit: 0 },
  server: { proxy: { '/v1': 'http://127.0.0.1:7600' } },
});
