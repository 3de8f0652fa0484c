import { defineConfig } from 'vitest/config';

// The app is served from / by `hfviz serve --web web/dist`; assets land in
// /assets/ (content-hashed, served immutable).  `npm run dev` proxies /api to
// a running `hfviz serve` (HFVIZ_API, default http://127.0.0.1:8000).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': process.env.HFVIZ_API ?? 'http://127.0.0.1:8000' },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    reporters: ['default'],
  },
});
