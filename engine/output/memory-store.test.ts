/**
 * @module The memory store's chunk memory: appends are copied into fixed-size blocks before
 * `append` returns; a delivered chunk's blocks go back to the pool and the next chunks reuse them
 * (no new allocation), within the pool's limit; a chunk whose parts a failed write may still hold
 * is never reused; idle pools drop their blocks. Through a real buffered output with a writer
 * that reads `parts` (as out_forward does) the bytes written are the bytes emitted.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadCore } from '../../wasm/load-node.ts'
import type { Core } from '../../wasm/core.ts'
import { decodeStream, streamFromEvents, type EventStream } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { BlockPool } from './block-pool.ts'
import { resolveBufferConfig } from './buffer-schema.ts'
import { createBufferedOutput, type BufferedOutput } from './buffered-output.ts'
import type { Chunk, ChunkWriter } from './chunk.ts'
import { newChunkId } from './chunk.ts'
import { concat } from '../forward/msgpack.ts'
import { RollbackError } from './errors.ts'
import { createMemoryStore, MAX_BLOCK_SIZE } from './memory-store.ts'
import { testContext, waitUntil } from './testing.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const open: BufferedOutput[] = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.shutdown?.()
})

const META = { tag: 't', timekey: null, variables: {} }
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff)

describe('memory store chunks', () => {
  it('copy each append into fixed-size blocks before append returns', () => {
    const store = createMemoryStore('x', undefined, { chunkLimitSize: 1000, poolBytes: 0 })
    expect(store.pool.blockSize).toBe(1000)
    const chunk = store.create(META, newChunkId(), 0)
    const a = bytes(700, 1)
    const b = bytes(900, 2)
    const expected = new Uint8Array([...a, ...b])
    chunk.append([a, b], 1600, 2)
    a.fill(0)
    b.fill(0)
    expect(chunk.read()).toEqual(expected)
    const parts = chunk.parts!()
    expect(parts.map((p) => p.length)).toEqual([1000, 600])
    expect(store.pool.allocated).toBe(2)
  })

  it('blocks are at most 64 KiB, whatever chunk_limit_size; a small chunk starts small and comes to pool blocks', () => {
    const store = createMemoryStore('x', undefined, { chunkLimitSize: 8 * 1024 * 1024, poolBytes: 1 << 20 })
    expect(store.pool.blockSize).toBe(MAX_BLOCK_SIZE)
    const chunk = store.create(META, newChunkId(), 0)
    const small = bytes(200, 5)
    chunk.append([small], 200, 1)
    expect(store.pool.allocated).toBe(0) // a 4 KiB block of its own, not 64 KiB from the pool
    const big = bytes(200_000, 6)
    chunk.append([big], 200_000, 1)
    // 4 KiB, then 128 KiB asked → capped at the pool's 64 KiB: pool blocks from there on.
    expect(chunk.parts!().map((p) => p.length)).toEqual([4096, 65536, 65536, 200_200 - 4096 - 2 * 65536])
    expect(store.pool.allocated).toBe(3)
    expect(chunk.read()).toEqual(new Uint8Array([...small, ...big]))
    chunk.purge(true)
    expect(store.pool.freeBlocks).toBe(3) // the small block is not pooled
  })

  it('a purged chunk gives its blocks to the next chunk only with reuse, and only up to the pool limit', () => {
    const store = createMemoryStore('x', undefined, { chunkLimitSize: 100, poolBytes: 300 })
    const first = store.create(META, newChunkId(), 0)
    first.append([bytes(500, 3)], 500, 1) // 5 blocks
    first.purge(true)
    expect(store.pool.freeBlocks).toBe(3)
    const second = store.create(META, newChunkId(), 0)
    second.append([bytes(250, 4)], 250, 1)
    expect(store.pool.allocated).toBe(5) // the 3 blocks came from the pool
    expect(second.read()).toEqual(bytes(250, 4))
    second.purge(false)
    expect(store.pool.freeBlocks).toBe(0)
  })

  it('an idle pool drops its free blocks', async () => {
    let now = 0
    const pool = new BlockPool(10, 100, 20, () => now)
    pool.take()
    pool.give([new Uint8Array(10), new Uint8Array(10), new Uint8Array(7)])
    expect(pool.freeBlocks).toBe(2) // a block of another size is not kept
    now = 1_000
    await waitUntil(() => pool.freeBlocks === 0, 'the idle pool to drop its blocks')
    pool.clear()
  })
})

/** Reads `parts` like out_forward and records a copy of what it would have sent. */
class PartsWriter implements ChunkWriter {
  readonly readsParts = true
  readonly sent: Uint8Array[] = []
  readonly counts: number[] = []
  failures: (n: number) => Error | null = () => null
  calls = 0
  /** Parts of failed writes, as the writer saw them (it may still read them). */
  readonly heldAfterFailure: { parts: readonly Uint8Array[]; copy: Uint8Array }[] = []

  async write(chunk: Chunk): Promise<void> {
    const n = ++this.calls
    expect(chunk.parts).toBeDefined()
    const copy = concat(chunk.parts!)
    const error = this.failures(n)
    if (error) {
      this.heldAfterFailure.push({ parts: chunk.parts!, copy })
      throw error
    }
    this.sent.push(copy)
    this.counts.push(chunk.count)
  }
}

function events(n: number, from: number): EventStream {
  return streamFromEvents(
    'a',
    Array.from({ length: n }, (_, i) => ({ time: new EventTime(1_700_000_000, 0), record: { i: from + i, pad: 'y'.repeat(200) } })),
  )
}

async function partsOutput(writer: PartsWriter) {
  const t = testContext(core)
  const { config } = resolveBufferConfig({ chunk_keys: ['tag'], chunk_limit_size: 4096, flush_mode: 'immediate', retry_wait: 0.01 }, {})
  const store = createMemoryStore('x', undefined, { chunkLimitSize: 1024, poolBytes: 8 * 1024 })
  const out = createBufferedOutput(t.ctx, { buffer: config, writer, store })
  await out.start?.()
  open.push(out)
  return { out, store }
}

const numbersOf = (sent: Uint8Array[], counts: number[]) =>
  sent.flatMap((entries, i) => decodeStream(core, { tag: 'a', entries, count: counts[i] }).map((e) => e.record.i as number))

describe('memory buffer with a writer that reads parts', () => {
  it('writes the emitted bytes and reuses the blocks of delivered chunks instead of allocating', async () => {
    const writer = new PartsWriter()
    const { out, store } = await partsOutput(writer)
    let sentEvents = 0
    for (let round = 0; round < 50; round++) {
      await out.emit(events(10, round * 10)) // ~2.3 KB: 3 blocks of 1 KiB
      await waitUntil(() => writer.sent.length === round + 1, `write ${round}`)
      sentEvents += 10
    }
    expect(numbersOf(writer.sent, writer.counts)).toEqual(Array.from({ length: sentEvents }, (_, i) => i))
    // One chunk's blocks, allocated once and reused by the 49 chunks after it.
    expect(store.pool.allocated).toBe(3)
  })

  it('never reuses the blocks of a chunk whose write failed (the writer may still read them)', async () => {
    const writer = new PartsWriter()
    writer.failures = (n) => (n === 1 ? new RollbackError('not acked') : null)
    const { out, store } = await partsOutput(writer)
    await out.emit(events(10, 0))
    await waitUntil(() => writer.sent.length === 1, 'the chunk written again')
    for (let round = 1; round < 5; round++) {
      await out.emit(events(10, round * 10))
      await waitUntil(() => writer.sent.length === round + 1, `write ${round}`)
    }
    // The parts the failed write saw were not handed to another chunk.
    const [held] = writer.heldAfterFailure
    expect(concat(held.parts)).toEqual(held.copy)
    expect(numbersOf(writer.sent, writer.counts)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(store.pool.allocated).toBe(6)
  })
})
