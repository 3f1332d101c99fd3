/**
 * @module `sluice replay DIR` against sluice's real in_forward: the backups an out_forward leaves at
 * the retry limit are sent again with their tags and moved to replayed/; --delete; a chunk without a
 * tag is skipped (exit 1) unless --tag; a cut-off chunk sends its complete entries; large chunks are
 * split; an unreachable receiver leaves every file in place; a receiver that drops the connection
 * gets the unacknowledged messages again. Also through the real `sluice` executable.
 */

import { mkdtemp, readdir, rm, truncate, writeFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { streamFromEvents } from '../../engine/event-stream.ts'
import { EventTime } from '../../engine/event-time.ts'
import { chunkIdHex, newChunkId } from '../../engine/output/chunk.ts'
import { startAgent } from '../../test/helpers/agent.ts'
import { captures } from '../../test/helpers/capture-output.ts'
import { encodeMeta, metaFor } from '../buffer/layout.ts'
import { inForward, type ForwardInput } from '../plugins/in_forward/index.ts'
import { outForward } from '../plugins/out_forward/index.ts'
import { FakeReceiver } from '../plugins/out_forward/testing.ts'
import { replayCommand } from './replay.ts'
import { runSluice, waitUntil } from './testing/sluice-process.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-replay-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

let receivers = 0
async function receiver(): Promise<{ port: number; events: () => { tag: string; n: number }[] }> {
  const id = `rcv${++receivers}`
  const running = await startAgent(
    `<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type capture\n  @id ${id}\n</match>\n`,
    [inForward],
  )
  cleanups.push(() => running.stop())
  const port = (running.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput).address().port
  return { port, events: () => captures.get(id)!.events.map((e) => ({ tag: e.tag, n: e.record.n as number })) }
}

/** A backup chunk file `<id>.log` (+ `.meta` unless `meta: false`) with events n = from … from+count−1. */
async function chunkFile(
  dir: string,
  tag: string,
  from: number,
  count: number,
  { meta = true, created = Date.now() } = {},
): Promise<string> {
  const stream = streamFromEvents(
    tag,
    Array.from({ length: count }, (_, i) => ({
      time: new EventTime(1_700_000_000 + from + i, 0),
      record: { n: from + i, pad: 'p'.repeat(100) },
    })),
  )
  const hex = chunkIdHex(newChunkId(created))
  const file = join(dir, `${hex}.log`)
  await writeFile(file, stream.entries)
  if (meta)
    await writeFile(
      file + '.meta',
      encodeMeta({ ...metaFor({ tag, timekey: null, variables: {} }, hex, created), state: 'queued', size: stream.entries.length, count }),
    )
  return file
}

function io() {
  const out: string[] = []
  const err: string[] = []
  return {
    io: {
      out: (t: string) => {
        out.push(t)
      },
      err: (t: string) => {
        err.push(t)
      },
    },
    out,
    err: () => err.join(''),
  }
}

const ns = (events: { n: number }[]) => events.map((e) => e.n).sort((a, b) => a - b)
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)

describe('sluice replay', () => {
  it('replays the backups out_forward leaves at the retry limit, with their tags, then moves them to replayed/', async () => {
    const root = await tempDir()
    const dead = new FakeReceiver()
    const deadPort = await dead.listen()
    await dead.close()
    const sender = await startAgent(
      `<match **>
  @type forward
  @id fwd
  heartbeat_type none
  connect_timeout 0.5
  <server>
    host 127.0.0.1
    port ${deadPort}
  </server>
  <buffer>
    flush_mode immediate
    flush_thread_interval 0.02
    retry_max_times 0
  </buffer>
</match>`,
      [outForward],
      { rootDir: root },
    )
    cleanups.push(() => sender.stop())
    sender.agent.root.emit(
      streamFromEvents(
        'app.one',
        range(0, 3).map((n) => ({ time: new EventTime(1_700_000_000, 0), record: { n } })),
      ),
    )
    sender.agent.root.emit(
      streamFromEvents(
        'app.two',
        range(3, 2).map((n) => ({ time: new EventTime(1_700_000_000, 0), record: { n } })),
      ),
    )
    const backupDir = join(root, 'backup', 'worker0', 'fwd')
    await waitUntil(async () => (await readdir(backupDir).catch(() => [])).filter((f) => f.endsWith('.log')).length === 2, 'two backups')

    const r = await receiver()
    const t = io()
    expect(await replayCommand([backupDir, '--port', String(r.port)], t.io)).toBe(0)
    expect(
      r
        .events()
        .map((e) => [e.tag, e.n])
        .sort(),
    ).toEqual([
      ['app.one', 0],
      ['app.one', 1],
      ['app.one', 2],
      ['app.two', 3],
      ['app.two', 4],
    ])
    expect((await readdir(backupDir)).filter((f) => f !== 'replayed')).toEqual([])
    expect((await readdir(join(backupDir, 'replayed'))).length).toBe(4)
    expect(t.err()).toMatch(/2 chunks, 5 events sent and acknowledged/)
    expect(t.err()).toMatch(/\[1\/2\] [0-9a-f]{32}\.log: tag app\.\w+, \d events acknowledged; moved to replayed\//)
  })

  it('--delete removes what was acknowledged; a chunk without a tag is skipped (exit 1) unless --tag', async () => {
    const dir = await tempDir()
    await chunkFile(dir, 'a', 0, 5)
    const untagged = await chunkFile(dir, 'ignored', 5, 5, { meta: false })
    const r = await receiver()
    const t1 = io()
    expect(await replayCommand([dir, '--port', String(r.port), '--delete'], t1.io)).toBe(1)
    expect(t1.err()).toMatch(/skipped, no tag/)
    expect(await readdir(dir)).toEqual([untagged.slice(dir.length + 1)])
    const t2 = io()
    expect(await replayCommand([dir, '--port', String(r.port), '--delete', '--tag', 'fallback'], t2.io)).toBe(0)
    expect(await readdir(dir)).toEqual([])
    expect(ns(r.events())).toEqual(range(0, 10))
    expect(
      r
        .events()
        .filter((e) => e.tag === 'fallback')
        .map((e) => e.n),
    ).toEqual(range(5, 5))
  })

  it('sends the complete entries of a cut-off chunk (and keeps the file), and splits large chunks', async () => {
    const dir = await tempDir()
    const cut = await chunkFile(dir, 'cut', 0, 4, { created: 1 })
    await truncate(cut, (await stat(cut)).size - 7)
    await chunkFile(dir, 'big', 100, 50, { created: 2 })
    const r = await receiver()
    const t = io()
    expect(await replayCommand([dir, '--port', String(r.port), '--delete', '--max-message-size', '1k'], t.io)).toBe(0)
    expect(ns(r.events())).toEqual([0, 1, 2, ...range(100, 50)])
    expect(t.err()).toMatch(/tag cut, 3 events acknowledged; moved to replayed\/; \d+ bytes at the end are not a complete entry/)
    expect(await readdir(join(dir, 'replayed'))).toContain(cut.slice(dir.length + 1))
    expect((await readdir(dir)).filter((f) => f.endsWith('.log'))).toEqual([])
  })

  it('leaves every file in place when the receiver cannot be reached', async () => {
    const dir = await tempDir()
    await chunkFile(dir, 'a', 0, 3)
    const dead = new FakeReceiver()
    const port = await dead.listen()
    await dead.close()
    const t = io()
    expect(await replayCommand([dir, '--port', String(port), '--retry-timeout', '0.3'], t.io)).toBe(1)
    expect(t.err()).toMatch(/cannot reach 127\.0\.0\.1:\d+/)
    expect((await readdir(dir)).length).toBe(2)
  })

  it('sends unacknowledged messages again when the receiver drops the connection', async () => {
    const dir = await tempDir()
    for (let i = 0; i < 3; i++) await chunkFile(dir, 't', i * 10, 10, { created: i })
    const r = new FakeReceiver()
    await r.listen()
    cleanups.push(() => r.close())
    r.answer = 'close'
    const t = io()
    const replaying = replayCommand([dir, '--port', String(r.port), '--delete', '--max-message-size', '2k'], t.io)
    await waitUntil(() => r.connections >= 2, 'a reconnect')
    r.answer = 'ack'
    expect(await replaying).toBe(0)
    expect(await readdir(dir)).toEqual([])
    expect(t.err()).toMatch(/reconnects/)
  })

  it('--dry-run lists, sends nothing; works through the sluice executable', async () => {
    const dir = await tempDir()
    await chunkFile(dir, 'a', 0, 3)
    const result = await runSluice(['replay', dir, '--dry-run'])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/1 chunk file in .* \(dry run\)/)
    expect(result.stderr).toMatch(/tag a, 3 events in 1 message/)
    expect((await readdir(dir)).length).toBe(2)
    const usage = await runSluice(['replay'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/needs the directory/)
  })
})
