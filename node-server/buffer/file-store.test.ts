/**
 * @module The file buffer on real temp directories: appends are on disk when the emit resolves,
 * a restart (close without flushing, new store on the same path) replays every staged and queued
 * event, a truncated chunk keeps its complete entries, a garbage .meta is moved aside, and
 * undeliverable chunks land in backup/worker<N>/<plugin_id>/<chunk_id>.log; a committed (delivered) chunk is
 * not replayed by a restart that comes before its purge.
 */

import { mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadCore } from '../../wasm/load-node.ts'
import type { Core } from '../../wasm/core.ts'
import { decodeStream, streamFromEvents } from '../../engine/event-stream.ts'
import { EventTime } from '../../engine/event-time.ts'
import { resolveBufferConfig } from '../../engine/output/buffer-schema.ts'
import { createBufferedOutput, type BufferedOutput } from '../../engine/output/buffered-output.ts'
import { newChunkId, type Chunk } from '../../engine/output/chunk.ts'
import { RecordingWriter, testContext, waitUntil } from '../../engine/output/testing.ts'
import { createFileStore } from './file-store.ts'

let core: Core
let dir: string
const running: BufferedOutput[] = []

beforeAll(async () => {
  core = await loadCore()
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-buf-'))
})
afterEach(async () => {
  for (const o of running.splice(0)) await o.shutdown?.()
  await rm(dir, { recursive: true, force: true })
})

const ev = (from: number, n: number, tag = 'app') =>
  streamFromEvents(
    tag,
    Array.from({ length: n }, (_, i) => ({
      time: new EventTime(1_700_000_000 + from + i, 7),
      record: { i: from + i, msg: 'hello world' },
    })),
  )

const numbers = (chunks: readonly Chunk[]) =>
  chunks
    .flatMap((c) => decodeStream(core, { tag: c.tag, entries: c.entries, count: c.count }).map((e) => e.record.i as number))
    .sort((a, b) => a - b)

async function fileOutput(buffer: Record<string, unknown> = {}) {
  const t = testContext(core, { id: 'out_test' })
  const writer = new RecordingWriter()
  const config = resolveBufferConfig({
    '@type': 'file',
    path: dir,
    flush_interval: 3600,
    flush_thread_interval: 0.01,
    retry_randomize: false,
    delayed_commit_timeout: 1,
    ...buffer,
  }).config
  const store = createFileStore({
    core,
    log: t.ctx.log,
    pluginId: t.ctx.id,
    path: dir,
    now: t.ctx.now,
    durable: config.delivery === 'durable',
  })
  const out = createBufferedOutput(t.ctx, { buffer: config, writer, store })
  running.push(out)
  await out.start!()
  return { out, writer, ...t }
}

/** Shuts an output down without flushing (file buffers keep their chunks). */
async function close(out: BufferedOutput) {
  running.splice(running.indexOf(out), 1)
  await out.shutdown!()
}

const files = async () => (await readdir(dir)).filter((f) => f.startsWith('buffer.')).sort()

describe('file buffer store', () => {
  it('resolves the emit once the bytes are in the chunk file', async () => {
    const { out } = await fileOutput()
    const stream = ev(0, 3)
    const result = out.emit(stream)
    expect(result).toBeInstanceOf(Promise)
    await result
    const names = await files()
    expect(names).toHaveLength(2)
    expect(names[0]).toMatch(/^buffer\.b[0-9a-f]{32}\.log$/)
    expect(names[1]).toBe(names[0] + '.meta')
    expect(new Uint8Array(await readFile(join(dir, names[0])))).toEqual(stream.entries)
  })

  it('renames enqueued chunks to buffer.q and deletes them once written', async () => {
    const { out, writer } = await fileOutput({ chunk_limit_records: 2 })
    let release!: () => void
    writer.gate = new Promise((r) => {
      release = r
    })
    await out.emit(ev(0, 6))
    await waitUntil(() => writer.calls === 1, 'the first write')
    const queued = (await files()).filter((f) => /^buffer\.q.*\.log$/.test(f))
    expect(queued).toHaveLength(3) // the one being written stays until the write resolves
    release()
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual([0, 1, 2, 3, 4, 5])
    await waitUntil(async () => (await files()).length === 0, 'the chunk files to be deleted')
  })

  it('replays every staged and queued event after a restart', async () => {
    const first = await fileOutput({ chunk_keys: ['tag'], chunk_limit_records: 4 })
    first.writer.failures = () => new Error('destination down')
    await first.out.emit(ev(0, 10)) // queued [0-3] [4-7], staged [8,9]
    await first.out.emit(ev(10, 1, 'other'))
    await waitUntil(() => first.writer.calls >= 1, 'a failed write')
    await close(first.out)
    expect((await files()).filter((f) => f.endsWith('.log'))).toHaveLength(4)

    const second = await fileOutput({ chunk_keys: ['tag'], chunk_limit_records: 4 })
    expect(second.logs.some((l) => l.message === 'Resumed 2 staged and 2 queued buffer chunks.')).toBe(true)
    expect(second.out.status()).toMatchObject({ buffer_stage_length: 2 })
    await second.out.flushAll()
    expect(numbers(second.writer.chunks)).toEqual(Array.from({ length: 11 }, (_, i) => i))
    expect(second.writer.chunks.find((c) => c.count === 1)?.tag).toBe('other')
    await waitUntil(async () => (await files()).length === 0, 'the chunk files to be deleted')
    // appending to a resumed staged chunk goes on in the same file
    await second.out.emit(ev(20, 1))
    expect((await files()).filter((f) => f.endsWith('.log'))).toHaveLength(1)
  })

  it('keeps the complete entries of a truncated chunk and moves the original aside', async () => {
    const first = await fileOutput()
    await first.out.emit(ev(0, 3))
    await close(first.out)
    const [data] = await files()
    const size = (await stat(join(dir, data))).size
    await truncate(join(dir, data), size - 5)

    const second = await fileOutput()
    const line = second.logs.find((l) => l.message === 'Found a truncated buffer chunk; resumed its complete entries.')
    expect(line?.fields).toMatchObject({ events: 2 })
    expect(await readdir(join(dir, 'backup', 'worker0', 'out_test', 'corrupt'))).toEqual([data])
    await second.out.flushAll()
    expect(numbers(second.writer.chunks)).toEqual([0, 1])
  })

  it('moves a chunk with a garbage .meta aside and resumes the others', async () => {
    const first = await fileOutput({ chunk_keys: ['tag'] })
    await first.out.emit(ev(0, 2, 'a'))
    await first.out.emit(ev(2, 2, 'b'))
    await close(first.out)
    const metas = (await files()).filter((f) => f.endsWith('.meta'))
    await writeFile(join(dir, metas[0]), 'garbage{')

    const second = await fileOutput({ chunk_keys: ['tag'] })
    const broken = second.logs.filter((l) => l.message.startsWith('Found a broken buffer chunk'))
    expect(broken).toHaveLength(1)
    expect((await readdir(join(dir, 'backup', 'worker0', 'out_test', 'corrupt'))).sort()).toEqual(
      [metas[0].replace(/\.meta$/, ''), metas[0]].sort(),
    )
    await second.out.flushAll()
    expect(second.writer.chunks).toHaveLength(1)
    expect(second.writer.events).toBe(2)
  })

  it('moves undeliverable chunks to backup/worker0/<plugin_id>/<chunk_id>.log', async () => {
    const { out, writer, logs } = await fileOutput({
      flush_mode: 'immediate',
      flush_interval: undefined,
      retry_wait: 0.01,
      retry_max_times: 1,
    })
    writer.failures = () => new Error('down')
    const stream = ev(0, 2)
    await out.emit(stream)
    await waitUntil(() => logs.some((l) => l.message.startsWith('Undeliverable chunk moved to')), 'the backup', 5000)
    const backups = await readdir(join(dir, 'backup', 'worker0', 'out_test'))
    const log = backups.find((f) => /^[0-9a-f]{32}\.log$/.test(f))!
    expect(new Uint8Array(await readFile(join(dir, 'backup', 'worker0', 'out_test', log)))).toEqual(stream.entries)
    await waitUntil(async () => (await files()).length === 0, 'the chunk files to be deleted')
  })

  it('a delivered (committed) chunk is not replayed after a crash before its purge; the others are', async () => {
    const t = testContext(core)
    const open = () => createFileStore({ core, log: t.ctx.log, pluginId: 'out_test', path: dir, now: Date.now })
    const store = open()
    expect(await store.resume()).toEqual([])
    const metadata = { tag: 'app', timekey: null, variables: {} }
    const delivered = store.create(metadata, newChunkId(), Date.now())
    const pending = store.create(metadata, newChunkId(), Date.now())
    for (const [chunk, from] of [
      [delivered, 0],
      [pending, 10],
    ] as const) {
      const s = ev(from, 2)
      await chunk.append([s.entries], s.entries.length, 2)
      await chunk.enqueue()
      await chunk.read()
    }
    delivered.commit!() // the ack was processed; the process dies before purge() runs
    expect((await files()).filter((f) => f.endsWith('.log'))).toHaveLength(1)
    await store.close()

    const again = open()
    const resumed = await again.resume()
    expect(resumed.map((r) => r.count)).toEqual([2])
    expect(numbers([{ tag: 'app', entries: await resumed[0].chunk.read(), count: 2 } as Chunk])).toEqual([10, 11])
    // the delivered chunk's .meta, left without its data file, is removed at resume
    expect(await files()).toHaveLength(2)
    await again.close()
  })

  it('a durable chunk delivered before its queued fdatasync ran: the append still resolves', async () => {
    const t = testContext(core)
    const store = createFileStore({ core, log: t.ctx.log, pluginId: 'out_test', path: dir, now: Date.now, durable: true })
    await store.resume()
    const chunk = store.create({ tag: 'app', timekey: null, variables: {} }, newChunkId(), Date.now())
    const s = ev(0, 2)
    // The sync is queued after the write, so enqueue and read run before it; the ack commits in between.
    const appended = chunk.append([s.entries], s.entries.length, 2)
    const enqueued = chunk.enqueue()
    const read = chunk.read()
    await enqueued
    expect((await read).length).toBe(s.entries.length)
    chunk.commit!()
    await expect(appended).resolves.toBeUndefined()
    await chunk.purge()
    expect(await files()).toEqual([])
    await store.close()
  })

  it('refuses a second running store on the same path', async () => {
    await fileOutput()
    const t = testContext(core)
    const store = createFileStore({ core, log: t.ctx.log, pluginId: 'x', path: dir, now: Date.now })
    await expect(store.resume()).rejects.toThrow(/already uses the buffer path/)
  })
})

describe('file buffer store: delivery durable', () => {
  /** Counts fdatasync/fsync calls on every FileHandle (the class is not exported: take it from an instance). */
  async function syncSpies() {
    const h = await open(join(dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(h) as { datasync(): Promise<void>; sync(): Promise<void> }
    await h.close()
    const datasync = vi.spyOn(proto, 'datasync')
    const sync = vi.spyOn(proto, 'sync')
    return {
      datasync,
      sync,
      restore: () => {
        datasync.mockRestore()
        sync.mockRestore()
      },
    }
  }

  it('resolves an emit only after an fdatasync that covers it; concurrent emits share syncs', async () => {
    const spies = await syncSpies()
    try {
      const { out } = await fileOutput({ delivery: 'durable' })
      await out.emit(ev(0, 1))
      expect(spies.datasync).toHaveBeenCalled()
      expect(spies.sync).toHaveBeenCalled() // the new chunk's directory entry
      const before = spies.datasync.mock.calls.length
      await Promise.all(Array.from({ length: 40 }, (_, i) => out.emit(ev(1 + i, 1))))
      const syncs = spies.datasync.mock.calls.length - before
      expect(syncs).toBeGreaterThanOrEqual(1)
      expect(syncs).toBeLessThan(40)
    } finally {
      spies.restore()
    }
  })

  it('does not fsync with the default delivery (buffered)', async () => {
    const spies = await syncSpies()
    try {
      const { out } = await fileOutput()
      await out.emit(ev(0, 3))
      expect(spies.datasync).not.toHaveBeenCalled()
    } finally {
      spies.restore()
    }
  })

  it('a failed fsync fails the emits it covered and cuts the file back; later emits go on', async () => {
    const spies = await syncSpies()
    try {
      const { out, writer } = await fileOutput({ delivery: 'durable' })
      await out.emit(ev(0, 2))
      spies.datasync.mockImplementationOnce(() => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })))
      await expect(out.emit(ev(2, 3))).rejects.toThrow(/EIO/)
      await out.emit(ev(5, 1))
      await out.flushAll()
      expect(numbers(writer.chunks)).toEqual([0, 1, 5])
    } finally {
      spies.restore()
    }
  })

  it('refuses delivery durable on a memory buffer at config time', () => {
    expect(() => resolveBufferConfig({ delivery: 'durable' })).toThrow(/delivery durable needs a file buffer/)
  })
})
