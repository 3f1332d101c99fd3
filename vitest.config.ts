/**
 * @module Test projects. `node`: everything that runs under Node (unit, conformance, fuzz, the
 * browser test that drives Chromium). `workers`: suites that run inside workerd.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', 'test/workers/**', 'edge/**', 'ui/**'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
