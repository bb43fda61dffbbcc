/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const HUB = `http://127.0.0.1:${process.env.PORT ?? 8080}`;

/**
 * One config for the wall's build and every test layer. The web app lives in web/ and is built to
 * dist/web, which the hub serves; nothing is ever loaded from outside the hub.
 */
export default defineConfig({
  root: here('./web'),
  plugins: [vue()],
  resolve: { alias: { '@shared': here('./shared') } },
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    // the dev server (npm run dev) proxies to the hub on the PORT it was started with
    proxy: {
      '/socket.io': { target: HUB, ws: true },
      '/api': HUB,
      '/open311': HUB,
      '/healthz': HUB,
      '/metrics': HUB,
    },
  },
  test: {
    root: here('.'),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: { name: 'web', include: ['tests/web/**/*.test.ts'], environment: 'happy-dom' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
