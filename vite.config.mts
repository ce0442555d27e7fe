import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { rendererCspPlugin } from './scripts/renderer-csp-plugin';

// The renderer is served from app:// in Electron and from the browser-mode server: relative paths.
// Its CSP is written into index.html by rendererCspPlugin (one policy, shared/renderer-csp.ts).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [rendererCspPlugin(), react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
