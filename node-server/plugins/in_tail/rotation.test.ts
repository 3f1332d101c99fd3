/**
 * @module in_tail and rotation, with real files and a separate writer process: rename rotation
 * under continuous writing (every line exactly once, including those the application writes to
 * the renamed file before it reopens, and an unterminated last line of the renamed file),
 * copytruncate under continuous writing (no duplicates, nothing lost from the live file; only
 * lines copied away before they were read can be missing — copytruncate's inherent loss), a
 * plain truncation, a deleted and re-created file, and a glob that matches rotated names with
 * follow_inodes (nothing read twice).
 */

import { appendFileSync, existsSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UNWATCHED } from './position-file.ts'
import { numbered, openGates, readPosFile, runTail, runWriter, seqOf, tally, tempDir, type TailRun, until } from './testing.ts'

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

describe('in_tail rotation', () => {
  it('rename rotation under continuous writing: every line exactly once', async () => {
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, '')
    const pos = join(tmp.dir, 'pos')
    run = await runTail(`path ${path}\ntag t\npos_file ${pos}\nrotate_wait 1\n${parse}`)
    await until(() => run!.input.files()[0]?.open === true, 'the file open')
    const n = 20_000
    // Each rotation waits (the writer going on) until the file of the previous one is followed:
    // a file renamed away before any check saw it is lost to every tailer that follows names.
    const gate = join(tmp.dir, 'gate')
    const stopGates = openGates(run, path, gate)
    const out = await runWriter({ path, lines: n, rotateEvery: 3_000, mode: 'rename', lateLines: 20, burst: 40, gate })
    stopGates()
    expect(out).toContain('rotations 6')
    await until(() => run!.out.events.length >= n, `${n} lines`, 20_000).catch(() => undefined)
    const t = tally(run.messages(), n)
    expect({ missing: t.missing.slice(0, 10), duplicates: t.duplicates, unknown: t.unknown }).toEqual({
      missing: [],
      duplicates: 0,
      unknown: 0,
    })
    // Each file's lines in order.
    const seqs = run.messages().map(seqOf)
    expect(seqs.filter((s, i) => i > 0 && s < seqs[i - 1]).length).toBeLessThanOrEqual(6)
    expect(run.agent.logs.filter((l) => l.message.startsWith('detected rotation of')).length).toBeGreaterThanOrEqual(6)
    // The pos_file has one entry, for the current file, at its end.
    await until(() => {
      const entries = readPosFile(pos)
      return entries.length === 1 && entries[0].pos === readFileSync(path).length
    }, 'pos at the end of the current file')
  })

  it("emits the renamed file's unterminated last line once it is detached", async () => {
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, 'a\n')
    run = await runTail(`path ${path}\ntag t\nread_from_head true\nrotate_wait 0.2\n${parse}`)
    await run.out.waitFor(1)
    appendFileSync(path, 'unterminated')
    renameSync(path, `${path}.1`)
    writeFileSync(path, 'b\n')
    await run.out.waitFor(3)
    expect(run.messages().sort()).toEqual(['a', 'b', 'unterminated'])
  })

  it('copytruncate under continuous writing: no duplicates, and only lines copied away unread can be missing', async () => {
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, '')
    run = await runTail(`path ${path}\ntag t\n${parse}`)
    await until(() => run!.input.files()[0]?.open === true, 'the file open')
    const n = 20_000
    const out = await runWriter({ path, lines: n, rotateEvery: 4_000, mode: 'copytruncate', burst: 40 })
    const rotations = Number(/rotations (\d+)/.exec(out)![1])
    expect(rotations).toBe(4)
    // Everything in the live file after the last truncation arrives.
    const live = readFileSync(path, 'utf8').trim().split('\n').map(seqOf)
    await until(() => run!.messages().some((m) => seqOf(m) === n - 1), 'the last line', 30_000)
    const t = tally(run.messages(), n)
    const detections = run.agent.logs.filter((l) => l.message === `detected rotation of ${path}`).length
    expect({ duplicates: t.duplicates, unknown: t.unknown, detections }).toEqual({ duplicates: 0, unknown: 0, detections: rotations })
    const copied = new Set<number>()
    for (let r = 1; r <= rotations; r++) {
      for (const line of readFileSync(`${path}.${r}`, 'utf8').trim().split('\n')) copied.add(seqOf(line))
    }
    for (const seq of t.missing) expect(copied.has(seq), `line ${seq} is missing but was never copied away`).toBe(true)
    for (const seq of live) expect(t.missing.includes(seq)).toBe(false)
  })

  it('reads a truncated file again from its head', async () => {
    const path = join(tmp.dir, 'app.log')
    const pos = join(tmp.dir, 'pos')
    writeFileSync(path, numbered('before', 5))
    run = await runTail(`path ${path}\ntag t\nread_from_head true\npos_file ${pos}\n${parse}`)
    await run.out.waitFor(5)
    truncateSync(path, 0)
    await until(() => readPosFile(pos)[0].pos === 0, 'pos back to 0')
    appendFileSync(path, numbered('after', 2))
    await run.out.waitFor(7)
    expect(run.messages().slice(5)).toEqual(['after-0', 'after-1'])
  })

  it('reads the lines of a deleted file, follows it again once re-created, and drops its pos entry once it is gone', async () => {
    const path = join(tmp.dir, 'app.log')
    const glob = join(tmp.dir, '*.log')
    const pos = join(tmp.dir, 'pos')
    writeFileSync(path, '')
    run = await runTail(`path ${glob}\ntag t\npos_file ${pos}\nrotate_wait 0.2\nrefresh_interval 0.3\n${parse}`)
    await until(() => run!.input.files()[0]?.open === true, 'the file open')
    appendFileSync(path, numbered('first', 3))
    unlinkSync(path)
    await run.out.waitFor(3)
    // Gone from the glob: detached after rotate_wait, its pos entry marked unwatched.
    await until(() => run!.input.files().length === 0, 'the watcher detached')
    await until(() => readPosFile(pos).every((e) => e.pos === Number(UNWATCHED)), 'the entry unwatched')
    writeFileSync(path, numbered('second', 2))
    await run.out.waitFor(5)
    expect(run.messages()).toEqual(['first-0', 'first-1', 'first-2', 'second-0', 'second-1'])
  })

  it('with follow_inodes, a glob that also matches rotated names reads nothing twice', async () => {
    const path = join(tmp.dir, 'app.log')
    const pos = join(tmp.dir, 'pos')
    writeFileSync(path, '')
    run = await runTail(`path ${path}*\ntag t\npos_file ${pos}\nfollow_inodes true\nrotate_wait 0.3\nrefresh_interval 0.2\n${parse}`)
    await until(() => run!.input.files()[0]?.open === true, 'the file open')
    const n = 6_000
    await runWriter({ path, lines: n, rotateEvery: 2_000, mode: 'rename', lateLines: 10 })
    await until(() => run!.out.events.length >= n, `${n} lines`, 30_000)
    // Several refreshes and rotate_waits later, still nothing read twice.
    await until(() => run!.input.files().filter((f) => !f.rotating).length === 3, 'the three files followed')
    await until(() => run!.input.files().every((f) => !f.rotating), 'rotated watchers detached')
    await until(() => existsSync(pos) && readPosFile(pos).length >= 3, 'entries')
    expect(tally(run.messages(), n)).toEqual({ missing: [], duplicates: 0, unknown: 0 })
    expect(run.out.events.length).toBe(n)
  })
})
