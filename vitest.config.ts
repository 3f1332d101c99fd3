/**
 * @module Test projects. `node`: everything that runs under Node (unit, conformance, fuzz, the
 * browser test that drives Chromium). `workers`: suites that run inside workerd.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', 'test/workers/**', 'edge/**', 'ui/node_modules/**', 'ui/dist/**'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            main: './test/workers/worker.ts',
            wrangler: { configPath: './test/workers/wrangler.jsonc' },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
