/**
 * @module A newcomer's first run: a copy of the sources with nothing built (no wasm/build, no
 * dist; node_modules linked from this checkout, as `npm install` leaves it) runs `npx sluice
 * check -c some.conf` and gets the check's answer, the core and the bundle built on the way
 * (bin/artifacts.mjs); a core that is broken, or missing where it cannot be built, gives one line
 * and exit code 1, no stack trace. Real processes: npx, the executable, AssemblyScript.
 */

import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './testing/sluice-process.ts'

/** What the CLI needs from a checkout (the rest — ui, edge, tests — plays no part). */
const COPIED = [
  'package.json',
  'package-lock.json',
  'asconfig.json',
  'tsconfig.json',
  'assembly',
  'engine',
  'wasm',
  'node-server',
  'scripts',
]

let dir: string
let copy: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-first-run-'))
  copy = join(dir, 'sluice')
  for (const name of COPIED)
    cpSync(join(REPO_ROOT, name), join(copy, name), {
      recursive: true,
      filter: (source) => !/[/\\]wasm[/\\]build$|[/\\]node_modules$/.test(source),
    })
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'some.conf'), '<source>\n  @type forward\n  port 24224\n</source>\n<match **>\n  @type null\n</match>\n')
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** `npx sluice …` in the copy (offline, with its own npm cache so ~/.npm is left alone). */
function npxSluice(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--offline', 'sluice', ...args], {
      cwd: copy,
      env: { ...process.env, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the first run of npx sluice on a fresh install', () => {
  it('builds the core and the bundle, then checks the config', { timeout: 240_000 }, async () => {
    expect(existsSync(join(copy, 'wasm', 'build'))).toBe(false)
    expect(existsSync(join(copy, 'dist'))).toBe(false)
    const r = await npxSluice(['check', '-c', join(dir, 'some.conf')])
    expect(r.stderr).not.toMatch(/ENOENT|\n\s+at /)
    expect(r.stderr).toMatch(/^sluice: building the WebAssembly core \(wasm\/build\/core\.wasm is missing; once, about 10 to 20 s\)…\n/)
    expect(r.stderr).toContain(`sluice check: ${join(dir, 'some.conf')} is valid (2 plugins)\n`)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('@type forward')
    expect(existsSync(join(copy, 'wasm', 'build', 'core.wasm'))).toBe(true)
    expect(existsSync(join(copy, 'dist', 'sluice.mjs'))).toBe(true)

    // Built once: the next run says nothing about building.
    const again = await npxSluice(['check', '-q', '-c', join(dir, 'some.conf')])
    expect(again.code).toBe(0)
    expect(again.stderr).toBe(`sluice check: ${join(dir, 'some.conf')} is valid (2 plugins)\n`)
  })

  it('a damaged core gives one line naming it and how to rebuild it', { timeout: 60_000 }, async () => {
    const core = join(copy, 'wasm', 'build', 'core.wasm')
    writeFileSync(core, 'not a wasm module')
    const r = await npxSluice(['check', '-c', join(dir, 'some.conf')])
    expect(r.code).toBe(1)
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^sluice: the WebAssembly core ${core} is not a valid WebAssembly module \\(.+\\); rebuild it with \`npm run build:wasm\``,
        ),
      ),
    ])
  })

  it('a core that is missing and cannot be built gives one line with the reason', { timeout: 60_000 }, async () => {
    rmSync(join(copy, 'wasm', 'build'), { recursive: true, force: true })
    // wasm/build is a file: the build cannot create its directory.
    writeFileSync(join(copy, 'wasm', 'build'), '')
    const r = await npxSluice(['check', '-c', join(dir, 'some.conf')])
    expect(r.code).toBe(1)
    const lines = r.stderr.split('\n').filter(Boolean)
    expect(lines.at(-1)).toMatch(
      /^sluice: cannot build the WebAssembly core wasm\/build\/core\.wasm: cannot create wasm\/build: .*EEXIST.*; run `npm install` in the sluice directory/,
    )
    expect(lines).toHaveLength(2) // "building …" and the reason
    expect(r.stderr).not.toMatch(/\n\s+at /)
    rmSync(join(copy, 'wasm', 'build'))
    mkdirSync(join(copy, 'wasm', 'build'))
  })
})
