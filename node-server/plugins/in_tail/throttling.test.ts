/**
 * @module in_tail's optional behaviours on real files: read_bytes_limit_per_second and `<group>`
 * hold a file back (counted as throttled) and still deliver every line; open_on_every_update
 * closes the file between reads and still follows a rotation; skip_refresh_on_startup finds files
 * at the first refresh and treats them as startup files (read from their end).
 */

import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { numbered, runTail, tempDir, type TailRun, until } from './testing.ts'

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

const parse = '<parse>\n@type tail_test_lines\n</parse>'

describe('in_tail throttling and options', () => {
  it('read_bytes_limit_per_second holds a file back and still delivers every line', async () => {
    const path = join(tmp.dir, 'a.log')
    writeFileSync(path, numbered('x'.repeat(90), 300)) // ~30 kB: four 8 KiB seconds
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nread_bytes_limit_per_second 8192\n${parse}`)
    await run.out.waitFor(300, 20_000)
    expect(run.input.stats.throttled).toBeGreaterThan(0)
    expect(run.messages()).toEqual(numbered('x'.repeat(90), 300).trim().split('\n'))
  })

  it('<group> limits the lines of the files it matches per rate_period, shared by its files', async () => {
    const dir = join(tmp.dir, 'ns1')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a.log'), numbered('a', 30))
    writeFileSync(join(dir, 'b.log'), numbered('b', 30))
    writeFileSync(join(tmp.dir, 'free.log'), numbered('free', 30))
    run = await runTail(
      `path ${tmp.dir}/*/*.log,${tmp.dir}/free.log\ntag t\nread_from_head true\n${parse}\n<group>\npattern /\\/(?<namespace>ns\\d)\\/(?<podname>[^/]+)\\.log$/\nrate_period 0.5\n<rule>\nmatch {"namespace": "/ns1/"}\nlimit 20\n</rule>\n</group>`,
    )
    await run.out.waitFor(90, 20_000)
    expect(run.input.stats.throttled).toBeGreaterThan(0)
    // The ungrouped file was never held back: all its lines came in its first read.
    const messages = run.messages()
    expect(messages.filter((m) => m.startsWith('free')).length).toBe(30)
    expect(messages.filter((m) => m.startsWith('a-')).length).toBe(30)
    // Each grouped file read its share (20 / 2 = 10 lines) per period.
    const firstA = messages.indexOf('a-10')
    const firstFree = messages.indexOf('free-29')
    expect(firstA).toBeGreaterThan(firstFree)
  })

  it('open_on_every_update closes the file between reads and follows a rotation', async () => {
    const path = join(tmp.dir, 'a.log')
    writeFileSync(path, 'one\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nopen_on_every_update true\n${parse}`)
    await run.out.waitFor(1)
    await until(() => run!.input.files()[0]?.open === false, 'the file closed')
    renameSync(path, `${path}.1`)
    writeFileSync(path, 'two\n')
    await run.out.waitFor(2)
    expect(run.messages()).toEqual(['one', 'two'])
  })

  it('skip_refresh_on_startup finds files at the first refresh, still as startup files', async () => {
    const path = join(tmp.dir, 'a.log')
    writeFileSync(path, 'old\n')
    run = await runTail(`path ${path}\ntag t\nskip_refresh_on_startup true\nrefresh_interval 0.3\n${parse}`)
    expect(run.input.files()).toEqual([])
    await until(() => run!.input.files()[0]?.open === true, 'the file followed after a refresh')
    appendFileSync(path, 'new\n')
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['new'])
  })
})
