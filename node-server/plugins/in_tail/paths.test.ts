/**
 * @module Which files in_tail follows: Ruby-style globs over real directories (`*` never matches
 * a leading dot, `?`, `[]`, `{a,b}`, `**`), glob_policy, exclude_path, limit_recently_modified,
 * strftime in path with path_timezone, the tag's `*`, and 2,000 files through one glob.
 */

import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../engine/log.ts'
import { parseZone, UTC } from '../../../engine/time/zone.ts'
import { expandBraces, glob } from './glob.ts'
import { PathExpander, useGlob } from './paths.ts'
import { pathTag, tagFunction } from './tag.ts'
import { readPosFile, runTail, tempDir, type TailRun, until } from './testing.ts'

let tmp: ReturnType<typeof tempDir>
let run: TailRun | null = null

beforeEach(() => {
  tmp = tempDir()
})

afterEach(async () => {
  await run?.stop()
  run = null
  tmp.remove()
})

const log = createLogger(() => undefined, 'error')
const touch = (...names: string[]) => {
  for (const name of names) {
    const path = join(tmp.dir, name)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, '')
  }
}
const rel = (paths: string[]) => paths.map((p) => p.slice(tmp.dir.length + 1))

describe('glob', () => {
  it("matches like Ruby's Dir.glob", async () => {
    touch('a.log', 'b.log', '.hidden.log', 'a.log.1', 'c.txt', 'x/d.log', 'x/y/e.log', 'x/.z/f.log')
    expect(rel(await glob(`${tmp.dir}/*.log`))).toEqual(['a.log', 'b.log'])
    expect(rel(await glob(`${tmp.dir}/.*.log`))).toEqual(['.hidden.log'])
    expect(rel(await glob(`${tmp.dir}/?.log*`))).toEqual(['a.log', 'a.log.1', 'b.log'])
    expect(rel(await glob(`${tmp.dir}/[a].log`))).toEqual(['a.log'])
    expect(rel(await glob(`${tmp.dir}/[!a].log`))).toEqual(['b.log'])
    expect(rel(await glob(`${tmp.dir}/{a,c}.*`))).toEqual(['a.log', 'a.log.1', 'c.txt'])
    expect(rel(await glob(`${tmp.dir}/**/*.log`))).toEqual(['a.log', 'b.log', 'x/d.log', 'x/y/e.log'])
    expect(rel(await glob(`${tmp.dir}/*/*.log`))).toEqual(['x/d.log'])
    expect(await glob(`${tmp.dir}//x/*.log`)).toEqual([`${tmp.dir}//x/d.log`])
    expect(expandBraces('a{b,{c,d}}e')).toEqual(['abe', 'ace', 'ade'])
  })

  it('is used per glob_policy', () => {
    expect([useGlob('/a/*.log', 'backward_compatible'), useGlob('/a/?.log', 'backward_compatible')]).toEqual([true, false])
    expect([useGlob('/a/?.log', 'extended'), useGlob('/a/[ab].log', 'extended'), useGlob('/a/{a,b}.log', 'extended')]).toEqual([
      true,
      true,
      false,
    ])
    expect(useGlob('/a/{a,b}.log', 'always')).toBe(true)
  })
})

describe('path expansion', () => {
  it('applies exclude_path, limit_recently_modified and strftime with path_timezone', async () => {
    touch('app-20260102.log', 'app-20260103.log', 'old.log', 'skip.log', 'keep.log')
    // 2026-01-02T20:00:00Z is already the 3rd in +09:00.
    const now = Date.UTC(2026, 0, 2, 20)
    for (const name of ['app-20260102.log', 'app-20260103.log', 'skip.log', 'keep.log']) {
      utimesSync(join(tmp.dir, name), new Date(now - 10_000), new Date(now - 10_000))
    }
    utimesSync(join(tmp.dir, 'old.log'), new Date(now - 3_600_000), new Date(now - 3_600_000))
    const expander = new PathExpander(
      {
        paths: [`${tmp.dir}/app-%Y%m%d.log`, `${tmp.dir}/*.log`],
        excludePaths: [`${tmp.dir}/skip*`, `${tmp.dir}/app-*`],
        globPolicy: 'backward_compatible',
        zone: parseZone('+09:00')!,
        limitRecentlyModifiedMs: 60_000,
        followInodes: false,
        ignoreRepeatedPermissionError: false,
      },
      log,
    )
    const targets = await expander.expand(now)
    expect(rel([...targets.keys()].sort())).toEqual(['keep.log'])
    const included = new PathExpander(
      {
        paths: [`${tmp.dir}/app-%Y%m%d.log`],
        excludePaths: [],
        globPolicy: 'backward_compatible',
        zone: UTC,
        limitRecentlyModifiedMs: null,
        followInodes: true,
        ignoreRepeatedPermissionError: false,
      },
      log,
    )
    const byInode = await included.expand(now)
    expect([...byInode.values()].map((t) => t.path)).toEqual([`${tmp.dir}/app-20260102.log`])
    expect([...byInode.keys()][0]).toMatch(/^ino:\d+$/)
  })

  it("builds tags from paths as Fluentd's tag * expansion does", () => {
    expect(pathTag('/var/log//a..log')).toBe('var.log.a.log')
    expect(tagFunction('foo.*')('/path/to/file')).toBe('foo.path.to.file')
    expect(tagFunction('a.*.b.*')('/x/y')).toBe('a.x.y.b.')
    expect(tagFunction('*')('/x/y')).toBe('x.y')
    expect(tagFunction('plain')('/x/y')).toBe('plain')
  })

  it('follows 2,000 files through one glob, each with its pos entry and its own tag', async () => {
    const n = 2_000
    const dir = join(tmp.dir, 'many')
    mkdirSync(dir)
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${i}.log`), `line of ${i}\n`)
    const pos = join(tmp.dir, 'pos')
    run = await runTail(`path ${dir}/*.log\ntag many.*\nread_from_head true\npos_file ${pos}\n<parse>\n@type tail_test_lines\n</parse>`)
    await run.out.waitFor(n, 60_000)
    expect(new Set(run.messages()).size).toBe(n)
    const tags = new Set(run.out.events.map((e) => e.tag))
    expect(tags.size).toBe(n)
    expect(tags.has(`many.${dir.slice(1).replace(/\//g, '.')}.f7.log`)).toBe(true)
    await until(
      () => {
        const entries = readPosFile(pos)
        return entries.length === n && entries.every((e) => e.pos > 0)
      },
      'every entry written',
      30_000,
    )
    // And a second line in one of them arrives too (fs events on 2,000 files).
    const { appendFileSync } = await import('node:fs')
    appendFileSync(join(dir, 'f1999.log'), 'again\n')
    await run.out.waitFor(n + 1)
  })
})
