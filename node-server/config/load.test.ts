/**
 * @module Tests of the Node config host: real files, relative and glob @include on disk,
 * process-like env, and a missing main file reported as a config error.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { printConfig } from '../../engine/config/print.ts'
import { globFiles, loadConfigFile } from './load.ts'

const fixtures = fileURLToPath(new URL('../../test/fixtures/config/', import.meta.url))

/** Temporary directories of the running test, removed after it. */
const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

describe('loadConfigFile', () => {
  it('loads a fixture with nested, glob and in-section includes from disk', () => {
    const result = loadConfigFile(join(fixtures, 'includes.conf'), { env: {}, hostname: 'box' })
    expect(result.errors.map(String)).toEqual([])
    expect(result.files.map((f) => f.slice(fixtures.length))).toEqual([
      'includes.conf',
      'shared/system-params.conf',
      'conf.d/10-sources.conf',
      'conf.d/20-filters.conf',
      'shared/nested.conf',
      'shared/buffer-params.conf',
    ])
    expect(result.config.root.elements.map((e) => e.name)).toEqual(['system', 'source', 'filter', 'source', 'match'])
  })

  it('uses the given env, hostname and worker id', () => {
    const result = loadConfigFile(join(fixtures, 'workers.conf'), { env: {}, hostname: 'box', workerId: 1 })
    expect(result.errors).toEqual([])
    expect(printConfig(result.config)).toContain('path /var/log/app/worker-1.log')
  })

  it('reports a missing main file as one error', () => {
    const result = loadConfigFile('/nonexistent/fluent.conf')
    expect(result.errors.map((e) => `${e.file}:${e.line}: ${e.reason.replace(/:.*/, '')}`)).toEqual([
      '/nonexistent/fluent.conf:1: cannot read config file',
    ])
  })

  it('reports a missing included file with a relative path as written', () => {
    const dir = temporaryDir('sluice-config-')
    writeFileSync(join(dir, 'fluent.conf'), '@include missing.conf\n')
    const [error] = loadConfigFile(join(dir, 'fluent.conf'), { env: {} }).errors
    expect(error.message).toMatch(/fluent\.conf:1: cannot read @include file missing\.conf \(resolved to .*\/missing\.conf\): ENOENT/)
  })
})

describe('globFiles', () => {
  it('matches *, ? and [..] in the last segment, skips dotfiles and directories, sorts', () => {
    const dir = temporaryDir('sluice-glob-')
    for (const name of ['b.conf', 'a.conf', 'a1.conf', '.hidden.conf', 'x.txt']) writeFileSync(join(dir, name), '')
    mkdirSync(join(dir, 'd.conf'))
    expect(globFiles(`${dir}/*.conf`).map((f) => f.slice(dir.length + 1))).toEqual(['a.conf', 'a1.conf', 'b.conf'])
    expect(globFiles(`${dir}/?.conf`).map((f) => f.slice(dir.length + 1))).toEqual(['a.conf', 'b.conf'])
    expect(globFiles(`${dir}/[ab]1.conf`).map((f) => f.slice(dir.length + 1))).toEqual(['a1.conf'])
    expect(globFiles(`${dir}/nope/*.conf`)).toEqual([])
    expect(() => globFiles(`${dir}/*/x.conf`)).toThrow('glob characters are supported only in the last path segment')
  })
})
