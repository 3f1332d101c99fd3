/**
 * @module in_tail with the shipped parsers (each test runs once its parser is registered): json
 * (records, unmatched lines), apache_error and regexp over loghub's Apache log lines, multiline
 * with format_firstline (a stack trace is one record; a stop in the middle of one reads it again
 * whole after the restart), and cri partial lines (joined per stream, also when stdout and stderr
 * partials interleave and sluice restarts in the middle).
 */

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nodeRegistry } from '../registry.ts'
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

const registry = nodeRegistry()
const has = (name: string) => registry.get('parser', name) !== undefined
/** The first 200 lines of loghub's Apache error log, committed with loghub's LICENSE (test/fixtures/loghub). */
const LOGHUB_APACHE = new URL('../../../test/fixtures/loghub/Apache_2k.head200.log', import.meta.url).pathname

describe('in_tail with the shipped parsers', () => {
  it.skipIf(!has('json'))('json: one record per line; lines that are not JSON are unmatched', async () => {
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, '{"a":1,"msg":"x"}\nnot json\n{"b":[1,2],"c":{"d":null}}\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nemit_unmatched_lines true\n<parse>\n@type json\n</parse>`)
    const events = await run.out.waitFor(3)
    expect(events.map((e) => e.record)).toEqual([{ a: 1, msg: 'x' }, { unmatched_line: 'not json' }, { b: [1, 2], c: { d: null } }])
  })

  it.skipIf(!has('json'))('json batches larger than one parseMany call keep every line in order, unmatched ones in place', async () => {
    // read_lines_limit above the 4096 lines one parseMany call takes: a batch spans several calls.
    const path = join(tmp.dir, 'many.log')
    const lines: string[] = []
    for (let i = 0; i < 9000; i++) {
      if (i % 1000 === 999) lines.push(`broken ${i}`)
      else if (i === 5000)
        lines.push(`{"long":"${'x'.repeat(300)}"}`) // over max_line_size: dropped
      else lines.push(JSON.stringify({ i, s: i % 7 === 0 ? 'ünï' : 'a' }))
    }
    writeFileSync(path, `${lines.join('\n')}\n`)
    run = await runTail(
      `path ${path}\ntag t\nread_from_head true\nread_lines_limit 10000\nmax_line_size 200\nemit_unmatched_lines true\n<parse>\n@type json\n</parse>`,
    )
    const events = await run.out.waitFor(8999)
    const expected = lines
      .map((line, i) => (i === 5000 ? null : i % 1000 === 999 ? { unmatched_line: line } : JSON.parse(line)))
      .filter((r) => r !== null)
    expect(events.map((e) => e.record)).toEqual(expected)
  })

  for (const type of ['apache_error', 'regexp']) {
    it.skipIf(!has(type))(`${type} over loghub's Apache error log`, async () => {
      const path = join(tmp.dir, 'apache.log')
      const lines = readFileSync(LOGHUB_APACHE, 'utf8').split('\n').filter(Boolean).slice(0, 200)
      writeFileSync(path, `${lines.join('\n')}\n`)
      const parse =
        type === 'regexp'
          ? '<parse>\n@type regexp\nexpression /^\\[(?<when>[^\\]]*)\\] \\[(?<level>[^\\]]*)\\] (?<message>.*)$/\n</parse>'
          : '<parse>\n@type apache_error\n</parse>'
      run = await runTail(`path ${path}\ntag t\nread_from_head true\n${parse}`)
      const events = await run.out.waitFor(200)
      expect(events[0].record).toMatchObject({ level: 'notice', message: 'workerEnv.init() ok /etc/httpd/conf/workers2.properties' })
      expect(events[1].record).toMatchObject({ level: 'error', message: 'mod_jk child workerEnv in error state 6' })
      expect(events.length).toBe(200)
    })
  }

  it.skipIf(!has('multiline'))(
    'multiline with format_firstline: one record per trace, read again whole after a stop in the middle',
    async () => {
      const path = join(tmp.dir, 'java.log')
      const pos = join(tmp.dir, 'pos')
      const parse =
        '<parse>\n@type multiline\nformat_firstline /^\\d{4}-/\nformat1 /^(?<ts>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) (?<level>\\w+) (?<message>.*)/\n</parse>'
      writeFileSync(path, '2026-01-01 00:00:00 ERROR boom\n  at a.b(C.java:1)\n  at d.e(F.java:2)\n2026-01-01 00:00:01 INFO next\n')
      run = await runTail(`path ${path}\ntag t\nread_from_head true\npos_file ${pos}\n${parse}`)
      const events = await run.out.waitFor(1)
      expect(events[0].record).toMatchObject({ level: 'ERROR', message: 'boom\n  at a.b(C.java:1)\n  at d.e(F.java:2)' })
      // 'next' is held until the next first line: the position is at its start.
      await until(() => readPosFile(pos)[0]?.pos === 69, 'the position at the held record')
      appendFileSync(path, '  more of next\n')
      await until(() => run!.input.files()[0].read === 69 + 30 + 15, 'the continuation read')
      await run.stop()
      run = await runTail(`path ${path}\ntag t\npos_file ${pos}\n${parse}`)
      await until(() => run!.input.files()[0]?.open === true, 'the file open')
      appendFileSync(path, '2026-01-01 00:00:02 INFO last\n')
      await run.out.waitFor(1)
      expect(run.out.events[0].record).toMatchObject({ level: 'INFO', message: 'next\n  more of next' })
    },
  )

  it.skipIf(!has('multiline'))('v0.12 style: flat format multiline, format_firstline and format1 in <source>', async () => {
    const path = join(tmp.dir, 'java.log')
    writeFileSync(path, '2026-01-01 00:00:00 ERROR boom\n  at x\n2026-01-01 00:00:01 INFO next\n')
    run = await runTail(
      `path ${path}\ntag t\nread_from_head true\nformat multiline\nformat_firstline /^\\d{4}-/\nformat1 /^(?<ts>\\S+ \\S+) (?<level>\\w+) (?<message>.*)/`,
    )
    const events = await run.out.waitFor(1)
    expect(events[0].record).toMatchObject({ level: 'ERROR', message: 'boom\n  at x' })
    expect(run.agent.logs.some((l) => /v0\.12 flat parser parameters/.test(l.message))).toBe(false)
  })

  it.skipIf(!has('cri'))('cri: partial lines joined per stream, interleaved, across a restart', async () => {
    const path = join(tmp.dir, 'c.log')
    const pos = join(tmp.dir, 'pos')
    const t = '2026-01-01T00:00:00.000000000Z'
    writeFileSync(path, `${t} stdout P out-1 \n${t} stderr P err-1 \n${t} stderr F err-2\n${t} stdout P out-2 \n`)
    run = await runTail(`path ${path}\ntag t\nread_from_head true\npos_file ${pos}\n<parse>\n@type cri\n</parse>`)
    const first = await run.out.waitFor(1)
    expect(first.map((e) => [e.record.stream, e.record.message])).toEqual([['stderr', 'err-1 err-2']])
    // stdout's partials are still held: the position stays at the first of them.
    const size = readFileSync(path).length
    await until(() => run!.input.files()[0].read === size, 'all read')
    expect(readPosFile(pos)[0].pos).toBe(0)
    await run.stop()
    run = await runTail(`path ${path}\ntag t\npos_file ${pos}\n<parse>\n@type cri\n</parse>`)
    await until(() => run!.input.files()[0]?.open === true, 'the file open')
    appendFileSync(path, `${t} stdout F out-3\n`)
    const events = await run.out.waitFor(2)
    // After the restart the file is read again from the first held line: stderr's record comes
    // again (at-least-once), stdout's whole.
    expect(events.map((e) => [e.record.stream, e.record.message])).toEqual([
      ['stderr', 'err-1 err-2'],
      ['stdout', 'out-1 out-2 out-3'],
    ])
  })
})
