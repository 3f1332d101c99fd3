/**
 * @module in_tail with parsers that join lines (one ParserStream per file; the test parser is
 * shaped like cri's partial lines): fragments become one record; the position stays at the start
 * of a record still held, so a stop (or a crash) in the middle of one reads it again whole after
 * the restart; multiline_flush_interval emits a held record after a quiet period; a rotated
 * file's held record is emitted when it is detached; unmatched lines are warned and emitted with
 * emit_unmatched_lines.
 */

import { appendFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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

const parse = '<parse>\n@type tail_test_partials\n</parse>'

describe('in_tail with a line-joining parser', () => {
  it('joins fragments, keeps the position at the start of a held record, and reads it whole after a restart', async () => {
    const path = join(tmp.dir, 'c.log')
    const pos = join(tmp.dir, 'pos')
    writeFileSync(path, 'F one\nP tw\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\npos_file ${pos}\n${parse}`)
    await run.out.waitFor(1)
    appendFileSync(path, 'P o-')
    await until(() => run!.input.files()[0].read === 15, 'the partial read')
    // 'P tw' is held: the position stays at its start (6), not after it (11).
    expect(readPosFile(pos)[0].pos).toBe(6)
    await run.stop()
    run = await runTail(`path ${path}\ntag t\npos_file ${pos}\n${parse}`)
    await until(() => run!.input.files()[0]?.open === true, 'the file open')
    appendFileSync(path, 'parts\nF !\n')
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['two-parts!'])
    await until(() => readPosFile(pos)[0].pos === 25, 'the position after the record')
  })

  it('emits a held record after multiline_flush_interval, and one of a rotated file when it is detached', async () => {
    const path = join(tmp.dir, 'c.log')
    writeFileSync(path, 'P held\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nmultiline_flush_interval 0.3\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['held'])
    await run.stop()

    writeFileSync(path, 'P rotated\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nrotate_wait 0.2\n${parse}`)
    await until(() => run!.input.files()[0]?.read === 10, 'the fragment read')
    renameSync(path, `${path}.1`)
    writeFileSync(path, 'F new\n')
    await run.out.waitFor(2)
    expect(run.messages().sort()).toEqual(['new', 'rotated'])
  })

  it('warns about lines it cannot use, and emits them with emit_unmatched_lines', async () => {
    const path = join(tmp.dir, 'c.log')
    writeFileSync(path, 'junk\nF ok\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nemit_unmatched_lines true\n${parse}`)
    const events = await run.out.waitFor(2)
    expect(events.map((e) => e.record)).toEqual([{ unmatched_line: 'junk' }, { message: 'ok' }])
    expect(run.agent.logs.some((l) => l.message === 'pattern not matched: "junk"')).toBe(true)
  })
})
