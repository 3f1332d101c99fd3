/**
 * @module Test projects. `node`: everything that runs under Node (unit, conformance, fuzz, the
 * browser test that drives Chromium). `workers`: suites that run inside workerd. `edge`: the
 * Workers edge inside workerd (edge/test/wrangler.jsonc), beside Node peers from its global setup.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { testWorkerConfig } from './edge/test/test-config.ts'

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
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: './edge/test/worker.ts',
            wrangler: { configPath: './edge/test/wrangler.jsonc' },
            miniflare: { bindings: { SLUICE_CONFIG: testWorkerConfig(inject('peers')) } },
          })),
        ],
        test: {
          name: 'edge',
          include: ['edge/**/*.test.ts'],
          globalSetup: ['./edge/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
