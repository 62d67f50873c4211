import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web console: built into web/dist, which the Nest app serves at / (src/console). Everything
 * the page needs is in the bundle: no CDN, no web fonts. Vite 8 compiles TSX itself (oxc), so no
 * React plugin is needed for the build; the console has no dev server of its own (`npm start`
 * builds it and Nest serves it, API on the same origin).
 */
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      // Radix marks its modules "use client" for React Server Components; a single-page app has none, so the directive means nothing here.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
