/**
 * @module The pos_file in Fluentd's exact format: a file written as Fluentd writes it is resumed
 * (same inode: from its pos; shrunk below it: from 0; another inode: from 0), entries are updated
 * in place (the line never changes length), startup compaction drops unparsable lines, unwatched
 * and duplicate entries (the last wins) and entries not in the expansion of `path`;
 * pos_file_compaction_interval keeps the others; two sources cannot share a pos_file.
 */

import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import { PositionFile, UNWATCHED } from './position-file.ts'
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
/** A pos_file line exactly as Fluentd writes it (`"%s\t%016x\t%016x\n"`). */
const fluentdLine = (path: string, pos: number | bigint, ino: number | bigint) =>
  `${path}\t${BigInt(pos).toString(16).padStart(16, '0')}\t${BigInt(ino).toString(16).padStart(16, '0')}\n`
const inode = (path: string) => statSync(path, { bigint: true }).ino

describe('pos_file', () => {
  it('resumes from a pos_file Fluentd wrote: at its pos for the same inode, from 0 if the file shrank or is another inode', async () => {
    const same = join(tmp.dir, 'same.log')
    const shrunk = join(tmp.dir, 'shrunk.log')
    const other = join(tmp.dir, 'other.log')
    for (const p of [same, shrunk, other]) writeFileSync(p, numbered('l', 4)) // 4 × 4 bytes
    const pos = join(tmp.dir, 'fluentd.pos')
    writeFileSync(
      pos,
      fluentdLine(same, 8, inode(same)) + fluentdLine(shrunk, 100, inode(shrunk)) + fluentdLine(other, 8, inode(other) + 1n),
    )
    run = await runTail(`path ${join(tmp.dir, '*.log')}\ntag t\npos_file ${pos}\n${parse}`)
    await run.out.waitFor(2 + 4 + 4)
    expect(run.messages().sort()).toEqual(['l-0', 'l-0', 'l-1', 'l-1', 'l-2', 'l-2', 'l-2', 'l-3', 'l-3', 'l-3'])
    // Every entry now points at the end of its file, in Fluentd's format and in place.
    await until(() => readPosFile(pos).every((e) => e.pos === 16), 'positions at the ends')
    expect(readFileSync(pos, 'utf8')).toBe(
      fluentdLine(same, 16, inode(same)) + fluentdLine(shrunk, 16, inode(shrunk)) + fluentdLine(other, 16, inode(other)),
    )
  })

  it('compacts at startup: unparsable lines, unwatched and duplicate entries, and paths not matched go', async () => {
    const a = join(tmp.dir, 'a.log')
    writeFileSync(a, numbered('a', 3))
    const pos = join(tmp.dir, 'pos')
    writeFileSync(
      pos,
      'garbage line\n' +
        fluentdLine(a, 4, inode(a)) +
        fluentdLine(join(tmp.dir, 'gone.log'), 10, 12345) +
        fluentdLine(join(tmp.dir, 'unwatched.log'), UNWATCHED, 1) +
        fluentdLine(a, 8, inode(a)),
    )
    run = await runTail(`path ${join(tmp.dir, '*.log')}\ntag t\npos_file ${pos}\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['a-2'])
    await until(() => readFileSync(pos, 'utf8') === fluentdLine(a, 12, inode(a)), 'one entry at the end of a.log')
    expect(run.agent.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(
      expect.arrayContaining(['Unparsable line in pos_file', 'pos_file entry already exists; the latest one is used']),
    )
  })

  it('updates entries in place and appends new files; compaction keeps the entries of missing files', () => {
    const logs: LogRecord[] = []
    const log = createLogger((r) => logs.push(r), 'debug')
    const path = join(tmp.dir, 'pos')
    const pf = new PositionFile(path, false, new Map(), log)
    const a = pf.get({ path: '/var/log/a.log', ino: 7n })
    const b = pf.get({ path: '/var/log/é.log', ino: 8n })
    a.update(7n, 0x1234)
    b.update(8n, 5)
    b.updatePos(6)
    expect(readFileSync(path, 'utf8')).toBe(fluentdLine('/var/log/a.log', 0x1234, 7) + fluentdLine('/var/log/é.log', 6, 8))
    pf.unwatch({ path: '/var/log/a.log', ino: 7n })
    expect(readPosFile(path)[0].pos).toBe(Number(UNWATCHED))
    pf.get({ path: '/var/log/c.log', ino: 9n }).update(9n, 1)
    pf.compact()
    expect(readFileSync(path, 'utf8')).toBe(fluentdLine('/var/log/é.log', 6, 8) + fluentdLine('/var/log/c.log', 1, 9))
    // Entries keep writing at their (moved) lines.
    b.updatePos(0xff)
    expect(readFileSync(path, 'utf8')).toBe(fluentdLine('/var/log/é.log', 0xff, 8) + fluentdLine('/var/log/c.log', 1, 9))
    pf.close()
  })

  it('with follow_inodes, keys entries by inode: a renamed file resumes under its new name', async () => {
    const a = join(tmp.dir, 'a.log')
    writeFileSync(a, numbered('a', 3))
    const pos = join(tmp.dir, 'pos')
    // Fluentd recorded 'a.log' read up to 8; the file is now called b.log (same inode).
    const b = join(tmp.dir, 'b.log')
    writeFileSync(pos, fluentdLine(a, 8, inode(a)))
    renameSync(a, b)
    run = await runTail(`path ${join(tmp.dir, '*.log')}\ntag t\npos_file ${pos}\nfollow_inodes true\n${parse}`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['a-2'])
    appendFileSync(b, 'more\n')
    await run.out.waitFor(2)
    await until(() => readPosFile(pos)[0]?.pos === 17, 'the position')
  })

  it('refuses two sources sharing one pos_file, and a missing pos_file with follow_inodes', async () => {
    const pos = join(tmp.dir, 'pos')
    const source = (id: string) =>
      `<source>\n  @type tail\n  @id ${id}\n  path ${tmp.dir}/*.log\n  tag t\n  pos_file ${pos}\n  ${parse.replace(/\n/g, '\n  ')}\n</source>\n`
    await expect(runTail(`path ${tmp.dir}/x.log\ntag t\npos_file ${pos}\n${parse}`, { extra: source('second') })).rejects.toThrow(
      /Other 'in_tail' plugin already use same pos_file path: plugin_id = tail/,
    )
    await expect(runTail(`path ${tmp.dir}/x.log\ntag t\nfollow_inodes true\n${parse}`)).rejects.toThrow(
      /Can't follow inodes without pos_file configuration parameter/,
    )
  })
})
