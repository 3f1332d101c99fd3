/**
 * @module The static checks, run as part of `npm test` so CI counts them: every TypeScript project
 * type-checks (the root for Node, the edge and the workerd tests against the Workers types, the
 * designer against the DOM, its .svelte files with svelte-check) and Biome finds no format or lint
 * problem (`npm run lint:fix` mends most). Each check runs the project's own tool on the whole tree.
 */

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BIN = `${ROOT}node_modules/.bin/`

/** Runs a tool in the repo root; resolves with its exit code and output (never rejects). */
function run(tool: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(`${BIN}${tool}`, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, output: `${stdout}${stderr}` })
    })
  })
}

/** The first lines of a failing tool's output, so the test report says what is wrong. */
function summary(output: string): string {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 40)
    .join('\n')
}

describe.concurrent('static checks', () => {
  const checks: [string, string, string[]][] = [
    ['typecheck (Node: engine, wasm, node-server, tests, bench)', 'tsc', ['-p', 'tsconfig.json', '--noEmit']],
    ['typecheck (edge, Workers types)', 'tsc', ['-p', 'edge', '--noEmit']],
    ['typecheck (workerd tests, Workers types)', 'tsc', ['-p', 'test/workers/tsconfig.json', '--noEmit']],
    ['typecheck (designer, DOM types)', 'tsc', ['-p', 'ui', '--noEmit']],
    ['svelte-check (designer components)', 'svelte-check', ['--tsconfig', './tsconfig.json', '--workspace', 'ui', '--fail-on-warnings']],
    ['biome (format and lint)', 'biome', ['ci', '--max-diagnostics=40', '.']],
  ]
  for (const [name, tool, args] of checks) {
    it(name, { timeout: 240_000 }, async () => {
      const { code, output } = await run(tool, args)
      expect(code, summary(output)).toBe(0)
    })
  }
})
