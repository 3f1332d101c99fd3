/**
 * @module in_tail reading real files: read_from_head vs the end at startup, files found later
 * read from their head, the partial last line held until its newline (and never counted in the
 * pos_file), CRLF (Ruby's chomp: the `\r` before the newline goes), a 1 MB line (also one written
 * in 64 KiB pieces, held across reads), max_line_size (longer lines dropped with a warning, also
 * when still growing), unmatched lines (emit_unmatched_lines), path_key, the tag's `*`,
 * read_lines_limit batches, encodings.
 */

import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { numbered, readPosFile, runTail, tempDir, type TailRun, until } from './testing.ts'

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

describe('in_tail reading', () => {
  it('starts at the end of startup files by default, at the head with read_from_head, and reads later files from the head', async () => {
    const a = join(tmp.dir, 'a.log')
    const b = join(tmp.dir, 'b.log')
    writeFileSync(a, numbered('old', 3))
    writeFileSync(b, numbered('old', 3))
    const pos = join(tmp.dir, 'pos')
    run = await runTail(`path ${a},${join(tmp.dir, 'later*.log')}\ntag t\npos_file ${pos}\nrefresh_interval 0.2\n${parse}`)
    await until(() => readPosFile(pos).length === 1 && readPosFile(pos)[0].pos === 18, 'the pos entry at the end of a.log')
    appendFileSync(a, numbered('new', 2))
    writeFileSync(join(tmp.dir, 'later1.log'), numbered('later', 2))
    await run.out.waitFor(4)
    expect(run.messages().sort()).toEqual(['later-0', 'later-1', 'new-0', 'new-1'])
    await run.stop()
    run = await runTail(`path ${b}\ntag t\nread_from_head true\n${parse}`)
    await run.out.waitFor(3)
    expect(run.messages()).toEqual(['old-0', 'old-1', 'old-2'])
  })

  it('holds a partial last line until its newline and never counts it in the pos_file', async () => {
    const a = join(tmp.dir, 'a.log')
    const pos = join(tmp.dir, 'pos')
    writeFileSync(a, 'one\ntw')
    run = await runTail(`path ${a}\ntag t\npos_file ${pos}\nread_from_head true\n${parse}`)
    await run.out.waitFor(1)
    await until(() => readPosFile(pos)[0]?.pos === 4, 'pos after "one\\n"')
    appendFileSync(a, 'o')
    // Once the 'o' was read: still no second event, and the pos stays before the partial line.
    await until(() => run!.input.files()[0]?.read === 7, 'the o read')
    expect(run.messages()).toEqual(['one'])
    expect(readPosFile(pos)[0].pos).toBe(4)
    appendFileSync(a, '\nthree\n')
    await run.out.waitFor(3)
    expect(run.messages()).toEqual(['one', 'two', 'three'])
    await until(() => readPosFile(pos)[0].pos === 14, 'pos at the end')
  })

  it("strips one \\r before the newline (Ruby's chomp), keeps other carriage returns", async () => {
    const a = join(tmp.dir, 'crlf.log')
    writeFileSync(a, 'a\r\nb\r\r\nc\rd\n\r\n')
    run = await runTail(`path ${a}\ntag t\nread_from_head true\n${parse}`)
    await run.out.waitFor(4)
    expect(run.messages()).toEqual(['a', 'b\r', 'c\rd', ''])
  })

  it('reads a 1 MB CRLF line written in 64 KiB pieces whole: the partial line is held across reads, the pos stays before it', async () => {
    const a = join(tmp.dir, 'growing.log')
    const pos = join(tmp.dir, 'pos')
    writeFileSync(a, 'first\r\n')
    run = await runTail(`path ${a}\ntag t\nread_from_head true\npos_file ${pos}\n${parse}`)
    await run.out.waitFor(1)
    const piece = 64 * 1024
    const pieces = 16
    for (let i = 0; i < pieces; i++) {
      appendFileSync(a, String.fromCharCode(97 + i).repeat(piece))
      // Each piece read before the next is written: the line really grows across reads.
      await until(() => run!.input.files()[0]?.read === 7 + (i + 1) * piece, `piece ${i} read`)
      expect(run.out.events.length).toBe(1)
      expect(readPosFile(pos)[0].pos).toBe(7)
    }
    appendFileSync(a, '\r\nlast\r\n')
    await run.out.waitFor(3)
    const messages = run.messages()
    expect(messages[0]).toBe('first')
    expect(messages[1].length).toBe(pieces * piece)
    for (let i = 0; i < pieces; i++) expect(messages[1][i * piece]).toBe(String.fromCharCode(97 + i))
    expect(messages[1].endsWith('\r')).toBe(false)
    expect(messages[2]).toBe('last')
    await until(() => readPosFile(pos)[0].pos === 7 + pieces * piece + 2 + 6, 'pos at the end')
  })

  it('reads a 1 MB line whole, and drops lines longer than max_line_size with a warning', async () => {
    const a = join(tmp.dir, 'big.log')
    const big = 'x'.repeat(1024 * 1024)
    writeFileSync(a, `small\n${big}\nafter\n`)
    run = await runTail(`path ${a}\ntag t\nread_from_head true\n${parse}`)
    await run.out.waitFor(3)
    expect(run.messages().map((m) => m.length)).toEqual([5, big.length, 5])
    await run.stop()

    const b = join(tmp.dir, 'limited.log')
    const pos = join(tmp.dir, 'pos')
    // max_line_size counts the newline: 'abcd\n' (5 bytes) passes a limit of 5, 'abcde\n' does not.
    writeFileSync(b, `abcd\nabcde\n${'y'.repeat(200_000)}`)
    run = await runTail(`path ${b}\ntag t\nread_from_head true\nmax_line_size 5\npos_file ${pos}\n${parse}`)
    await run.out.waitFor(1)
    // The growing 200 kB line is skipped: the position stays at its start until it ends.
    await until(
      () => run!.agent.logs.filter((l) => l.message.startsWith('received line length is longer than 5')).length === 2,
      'two warnings',
    )
    expect(readPosFile(pos)[0].pos).toBe(11)
    appendFileSync(b, 'yyy\nok\n')
    await run.out.waitFor(2)
    expect(run.messages()).toEqual(['abcd', 'ok'])
    await until(() => readPosFile(pos)[0].pos === 11 + 200_004 + 3, 'pos past the skipped line')
  })

  it('warns about unmatched lines, and emits them with emit_unmatched_lines; path_key and the tag * apply to both', async () => {
    const a = join(tmp.dir, 'app.log')
    writeFileSync(a, '# header\nline\n')
    run = await runTail(`path ${a}\ntag app.*.x\nread_from_head true\nemit_unmatched_lines true\npath_key file\n${parse}`)
    const events = await run.out.waitFor(2)
    const tag = `app.${a.slice(1).replace(/\//g, '.')}.x`
    expect(events.map((e) => [e.tag, e.record])).toEqual([
      [tag, { unmatched_line: '# header', file: a }],
      [tag, { message: 'line', file: a }],
    ])
    expect(run.agent.logs.some((l) => l.level === 'warn' && l.message === 'pattern not matched: "# header"')).toBe(true)
  })

  it('emits batches of read_lines_limit lines', async () => {
    const a = join(tmp.dir, 'a.log')
    writeFileSync(a, numbered('l', 25))
    run = await runTail(`path ${a}\ntag t\nread_from_head true\nread_lines_limit 10\n${parse}`)
    await run.out.waitFor(25)
    expect(run.agent.agent.plugins.find((p) => p.id === 'tail')!.metrics.emits).toBe(3)
    expect(run.messages()).toEqual(numbered('l', 25).trim().split('\n'))
  })

  it('decodes files in another encoding (encoding alone: Fluentd ≥ 1.19; from_encoding → encoding)', async () => {
    const latin1 = join(tmp.dir, 'latin1.log')
    writeFileSync(latin1, Buffer.from('caf\xe9\n', 'latin1'))
    const utf8 = join(tmp.dir, 'utf8.log')
    writeFileSync(utf8, 'café\n')
    const sjis = join(tmp.dir, 'sjis.log')
    writeFileSync(sjis, Buffer.from([0x82, 0xa0, 0x0a]))
    run = await runTail(`path ${latin1}\ntag t\nread_from_head true\nencoding ISO-8859-1\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['café'])
    await run.stop()
    // encoding UTF-8 alone relabels: the bytes pass as they are (Fluentd 1.18 turned é into U+FFFD twice).
    run = await runTail(`path ${utf8}\ntag t\nread_from_head true\nencoding UTF-8\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['café'])
    await run.stop()
    run = await runTail(`path ${sjis}\ntag t\nread_from_head true\nencoding UTF-8\nfrom_encoding Shift_JIS\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['あ'])
    await run.stop()
    run = await runTail(`path ${latin1}\ntag t\nread_from_head true\nencoding US-ASCII\nfrom_encoding ISO-8859-1\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['caf?'])
  })
})
