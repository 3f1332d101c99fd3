/**
 * @module The poison test of in_forward's lending (copy on retain): with SLUICE_TEST_POISON_LENT=1
 * every lent payload (a view of the core's input region) is overwritten with garbage as soon as its
 * emit returns, so any output that keeps a view of it instead of copying delivers garbage. Each
 * case sends PackedForward, Message and gzip messages (acks asked) and checks, byte for byte, what
 * reached a real downstream sluice (out_forward → in_forward → a raw-bytes sink), a file (out_file)
 * or a stream (out_stdout): memory and file buffers, chunks split by size, a buffer full with
 * overflow_action block while the downstream is down (retries), out_copy with two stores, and a
 * store that copies inside append (appendCopies). A control case shows the poison catches an
 * output that wrongly claims `borrows`.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { decodeMulti } from '@msgpack/msgpack'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EventStream } from '../../../engine/event-stream.ts'
import { eventTimeCodec } from '../../../engine/event-time.ts'
import { createMemoryStore } from '../../../engine/output/memory-store.ts'
import type { BufferStore } from '../../../engine/output/store.ts'
import type { Core } from '../../../wasm/core.ts'
import type { OutputPlugin, PluginServices, PluginSpec } from '../../../engine/plugin.ts'
import type { EventRouter } from '../../../engine/router.ts'
import { outCopy } from '../../../engine/plugins/out_copy/index.ts'
import { outRelabel } from '../../../engine/plugins/out_relabel/index.ts'
import { entriesPayload, entry, message, options, packed, record } from '../../../test/helpers/forward-build.ts'
import { cat, eventTime, hex, str } from '../../../test/helpers/msgpack-build.ts'
import { outFile } from '../out_file/index.ts'
import { outForward } from '../out_forward/index.ts'
import { createOutStdout } from '../out_stdout/index.ts'
import { startForward, waitUntil, type ForwardHarness } from './testing.ts'

const T = 1441588984
const TAGS = ['lend.a', 'lend.b']

/** What the downstream sink got: each stream's entries (copied), by tag, in arrival order. */
const sunk = new Map<string, Uint8Array[]>()

/** The downstream's output: keeps a copy of every stream's bytes (it does not borrow). */
const rawSink: PluginSpec<'output'> = {
  name: 'raw_sink',
  kind: 'output',
  description: 'Test output: keeps a copy of each stream’s entries bytes by tag.',
  schema: { params: [] },
  runtimes: ['node'],
  create(): OutputPlugin {
    return {
      emit(stream: EventStream): void {
        const list = sunk.get(stream.tag) ?? []
        list.push(stream.entries.slice())
        sunk.set(stream.tag, list)
      },
    }
  },
}

/** Streams kept by reference by the control output (which wrongly claims to borrow). */
const kept: EventStream[] = []
const wrongBorrower: PluginSpec<'output'> = {
  name: 'wrong_borrower',
  kind: 'output',
  description: 'Test output: keeps streams by reference yet claims borrows (the mistake the poison must catch).',
  schema: { params: [] },
  runtimes: ['node'],
  create(): OutputPlugin {
    return {
      borrows: true,
      emit(stream: EventStream): void {
        kept.push(stream)
      },
    }
  },
}

const ack = (chunk: string) => cat(hex('81 a3 61 63 6b'), str(chunk))

interface Traffic {
  bytes: Uint8Array
  acks: Uint8Array
  /** The entries each tag must deliver, in order. */
  entries: Map<string, Uint8Array>
  /** Every record, in order per tag. */
  records: Map<string, Record<string, unknown>[]>
  events: number
}

/**
 * `messages` messages alternating between two tags: mostly PackedForward (lent), every fifth a
 * Message-mode event, every fifth+1 gzip; `perMessage` events each, records of a few hundred bytes.
 */
function traffic(messages: number, perMessage = 12, first = 0): Traffic {
  const parts: Uint8Array[] = []
  const acks: Uint8Array[] = []
  const entries = new Map<string, Uint8Array[]>()
  const records = new Map<string, Record<string, unknown>[]>()
  let i = first
  const event = (tag: string) => {
    const r = { i, tag, msg: `event ${i} `.padEnd(100 + ((i * 37) % 300), String.fromCharCode(97 + (i % 26))) }
    const e = entry(eventTime(T + i, i), record(r))
    i++
    const list = entries.get(tag) ?? []
    list.push(e)
    entries.set(tag, list)
    const rs = records.get(tag) ?? []
    rs.push(r)
    records.set(tag, rs)
    return { e, r }
  }
  for (let m = 0; m < messages; m++) {
    const tag = TAGS[m % 2]
    const chunk = `m${first}.${m}`
    acks.push(ack(chunk))
    if (m % 5 === 3) {
      const t = T + i
      const n = i
      const { r } = event(tag)
      parts.push(message(tag, eventTime(t, n), record(r), options({ chunk })))
    } else {
      const es = Array.from({ length: perMessage }, () => event(tag).e)
      const payload = entriesPayload(es)
      parts.push(
        m % 5 === 4
          ? packed(tag, gzipSync(payload), 'bin', options({ compressed: 'gzip', chunk }))
          : packed(tag, payload, 'bin', options({ chunk })),
      )
    }
  }
  return {
    bytes: cat(...parts),
    acks: cat(...acks),
    entries: new Map([...entries].map(([t, l]) => [t, cat(...l)])),
    records,
    events: i - first,
  }
}

/** The sink's bytes for `tag`, joined. */
const sunkBytes = (tag: string): Buffer => Buffer.concat(sunk.get(tag) ?? [])

function expectSunkExactly(t: Traffic): void {
  for (const tag of TAGS) expect(sunkBytes(tag).equals(Buffer.from(t.entries.get(tag)!)), `bytes of ${tag}`).toBe(true)
}

async function waitSunk(t: Traffic, timeoutMs = 20_000): Promise<void> {
  const want = (tag: string) => t.entries.get(tag)!.length
  await waitUntil(() => TAGS.every((tag) => sunkBytes(tag).length >= want(tag)), 'the downstream to get every byte', timeoutMs)
}

/** The JSON lines out_file / out_stdout write for the records (format json), tags in `order`. */
function jsonLines(t: Traffic, tag: string): string {
  return t.records
    .get(tag)!
    .map((r) => `${JSON.stringify(r)}\n`)
    .join('')
}

/** Sends the traffic on one connection (in one write, then again in odd pieces) and waits for every ack. */
async function send(h: ForwardHarness, t: Traffic, pieces = false): Promise<void> {
  const c = await h.client()
  if (pieces) await c.writeInPieces(t.bytes, () => 1500)
  else await c.write(t.bytes)
  await c.waitForBytes(t.acks.length, 20_000)
  expect(Buffer.from(c.received).equals(Buffer.from(t.acks))).toBe(true)
}

/** The route of the tags really lends (else the test would prove nothing). */
function expectLends(h: ForwardHarness, lends = true): void {
  const root = h.running.agent.root as EventRouter
  for (const tag of TAGS) expect(root.lends(tag), `route of ${tag} lends`).toBe(lends)
}

let dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sluice-poison-'))
  dirs.push(d)
  return d
}

const harnesses: ForwardHarness[] = []
async function forward(extra: string, opts: Parameters<typeof startForward>[1]): Promise<ForwardHarness> {
  const h = await startForward(extra, opts)
  harnesses.push(h)
  return h
}

/** A real downstream sluice: in_forward → raw_sink. */
const downstream = () => forward('', { match: '<match **>\n  @type raw_sink\n</match>', plugins: [rawSink] })

/** An upstream in_forward → out_forward to `port` with `buffer` (the <buffer> body). */
function upstreamTo(port: number, buffer: string, plugins: PluginSpec[] = [], extra = '', services?: PluginServices) {
  const match = `<match lend.**>
  @type forward
  require_ack_response true
  ack_response_timeout 2
  # The phi detector is not under test (a busy shared machine can detach the node for seconds).
  heartbeat_type none
  ${extra}
  <server>
    host 127.0.0.1
    port ${port}
  </server>
  <buffer tag>
${buffer}
  </buffer>
</match>`
  return forward('', { match, plugins: [outForward, ...plugins], services })
}

beforeAll(() => {
  process.env.SLUICE_TEST_POISON_LENT = '1'
})
afterAll(() => {
  delete process.env.SLUICE_TEST_POISON_LENT
})
afterEach(async () => {
  for (const h of harnesses.splice(0).reverse()) await h.stop()
  sunk.clear()
  kept.length = 0
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  dirs = []
})

describe('in_forward lending with lent bytes poisoned after every emit', () => {
  it('control: an output that keeps lent views while claiming borrows delivers garbage', async () => {
    const h = await forward('', { match: '<match lend.**>\n  @type wrong_borrower\n</match>', plugins: [wrongBorrower] })
    expectLends(h)
    const t = traffic(10)
    await send(h, t)
    // A kept view is garbage, or gone: a later core call that grew WASM memory detached it (length 0).
    const got = (tag: string) =>
      Buffer.concat(kept.filter((s) => s.tag === tag).map((s) => (s.entries.length === 0 ? new Uint8Array(s.count) : s.entries.slice())))
    // The lent PackedForward payloads were overwritten: what the output kept is not what was sent.
    expect(TAGS.some((tag) => !got(tag).equals(Buffer.from(t.entries.get(tag)!)))).toBe(true)
    expect(kept.some((s) => s.lent === true)).toBe(true)
  })

  it('out_forward, memory buffer, chunks split by size: the downstream gets every byte', async () => {
    const down = await downstream()
    const h = await upstreamTo(down.port, '    @type memory\n    flush_interval 0.1s\n    chunk_limit_size 2k')
    expectLends(h)
    const t = traffic(40)
    await send(h, t)
    await waitSunk(t)
    expectSunkExactly(t)
  })

  it('out_forward, file buffer (asynchronous appends), read in pieces: the downstream gets every byte', async () => {
    const down = await downstream()
    const dir = tempDir()
    const h = await upstreamTo(down.port, `    @type file\n    path ${dir}/buf\n    flush_interval 0.1s\n    chunk_limit_size 8k`)
    expectLends(h)
    const t = traffic(30)
    await send(h, t, true)
    await waitSunk(t)
    expectSunkExactly(t)
  })

  it('out_forward, overflow_action block while the downstream is down: retries, then every byte', async () => {
    const down = await downstream()
    // A proxy to the downstream that refuses connections until opened (the downstream "is down").
    let open = false
    const sockets = new Set<Socket>()
    const proxy: Server = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      if (!open) return socket.destroy()
      const upstream = connect(down.port, '127.0.0.1')
      sockets.add(upstream)
      upstream.on('close', () => sockets.delete(upstream))
      socket.pipe(upstream).pipe(socket)
      socket.on('error', () => upstream.destroy())
      upstream.on('error', () => socket.destroy())
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const port = (proxy.address() as { port: number }).port
    try {
      const h = await upstreamTo(
        port,
        '    @type memory\n    flush_interval 0.1s\n    chunk_limit_size 4k\n    total_limit_size 16k\n    overflow_action block\n    retry_wait 0.1s\n    retry_max_interval 0.2s',
      )
      expectLends(h)
      const t = traffic(40)
      const c = await h.client()
      await c.write(t.bytes)
      // The buffer fills and emits wait; the writes fail and are retried.
      await waitUntil(() => h.logged('warn', 'emits wait for space'), 'a blocked emit', 10_000)
      await waitUntil(() => h.logged('warn', 'Failed to flush the buffer'), 'a failed flush', 10_000)
      expect(c.received.length).toBeLessThan(t.acks.length)
      open = true
      await c.waitForBytes(t.acks.length, 30_000)
      expect(Buffer.from(c.received).equals(Buffer.from(t.acks))).toBe(true)
      await waitSunk(t, 30_000)
      expectSunkExactly(t)
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  })

  it('out_forward with a store that copies inside append (appendCopies): lent bytes go straight to the chunk', async () => {
    const down = await downstream()
    let appends = 0
    let lentAppends = 0
    // Stands in for a store that declares appendCopies (a chunk that copies into its own blocks):
    // the memory store, its parts copied inside append, synchronously.
    const copying = (core: Core): BufferStore => {
      const inner = createMemoryStore('copying')
      return {
        ...inner,
        appendCopies: true,
        create(metadata, id, createdAt) {
          const chunk = inner.create(metadata, id, createdAt)
          const append = chunk.append.bind(chunk)
          chunk.append = (parts, bytes, count) => {
            appends++
            // A part that is a view of WASM memory: the lent input bytes themselves.
            if (parts.some((p) => p.buffer === core.exports.memory.buffer)) lentAppends++
            return append(
              parts.map((p) => p.slice()),
              bytes,
              count,
            )
          }
          return chunk
        },
      }
    }
    // (Given as @type file: the runtime's store factory makes every non-memory store.)
    const h = await upstreamTo(down.port, '    @type file\n    flush_interval 0.1s\n    chunk_limit_size 6k', [], '', {
      bufferStore: (_type, options) => copying(options.core),
    })
    expectLends(h)
    const t = traffic(30)
    await send(h, t)
    await waitSunk(t)
    expectSunkExactly(t)
    // Most payloads went in as lent views; those larger than a chunk were copied first (split).
    expect(lentAppends).toBeGreaterThan(0)
    expect(appends).toBeGreaterThan(lentAppends)
  })

  it('out_file, memory and file buffers: the files hold exactly the records sent', async () => {
    for (const type of ['memory', 'file']) {
      const dir = tempDir()
      const bufferPath = type === 'file' ? `\n    path ${dir}/buf` : ''
      const match = `<match lend.**>
  @type file
  path ${dir}/\${tag}
  append true
  <format>
    @type json
  </format>
  <buffer tag>
    @type ${type}${bufferPath}
    flush_interval 0.1s
    chunk_limit_size 2k
  </buffer>
</match>`
      const h = await forward('', { match, plugins: [outFile] })
      expectLends(h)
      const t = traffic(30)
      await send(h, t)
      const fileOf = (tag: string) => readdirSync(dir).find((f) => f.startsWith(tag) && f.endsWith('.log'))
      const text = (tag: string) => {
        const f = fileOf(tag)
        return f === undefined ? '' : readFileSync(join(dir, f), 'utf8')
      }
      await waitUntil(() => TAGS.every((tag) => text(tag).length >= jsonLines(t, tag).length), `out_file (${type} buffer)`, 20_000)
      for (const tag of TAGS) expect(text(tag), `${type} buffer, ${tag}`).toBe(jsonLines(t, tag))
      await h.stop()
      harnesses.splice(harnesses.indexOf(h), 1)
    }
  })

  it('out_stdout with a buffer and out_copy to out_forward + out_file: every store gets every byte', async () => {
    const chunks: Buffer[] = []
    const sink = new PassThrough()
    sink.on('data', (d: Buffer) => chunks.push(d))
    const stdout = createOutStdout({ stream: sink })
    const down = await downstream()
    const dir = tempDir()
    const match = `<match lend.a>
  @type stdout
  <format>
    @type json
  </format>
  <buffer tag>
    flush_interval 0.1s
    chunk_limit_size 2k
  </buffer>
</match>
<match lend.b>
  @type copy
  <store>
    @type forward
    require_ack_response true
    heartbeat_type none
    <server>
      host 127.0.0.1
      port ${down.port}
    </server>
    <buffer tag>
      @type file
      path ${dir}/fwd
      flush_interval 0.1s
      chunk_limit_size 2k
    </buffer>
  </store>
  <store>
    @type file
    path ${dir}/copy.\${tag}
    append true
    <format>
      @type json
    </format>
    <buffer tag>
      @type memory
      flush_interval 0.1s
    </buffer>
  </store>
</match>`
    const h = await forward('', { match, plugins: [stdout, outCopy, outForward, outFile] })
    expectLends(h)
    const t = traffic(30)
    await send(h, t)
    const printed = () => Buffer.concat(chunks).toString('utf8')
    await waitUntil(() => printed().length >= jsonLines(t, 'lend.a').length, 'out_stdout', 20_000)
    expect(printed()).toBe(jsonLines(t, 'lend.a'))
    await waitUntil(() => sunkBytes('lend.b').length >= t.entries.get('lend.b')!.length, 'out_copy → out_forward', 20_000)
    expect(sunkBytes('lend.b').equals(Buffer.from(t.entries.get('lend.b')!))).toBe(true)
    const copied = () => {
      const f = readdirSync(dir).find((n) => n.startsWith('copy') && n.endsWith('.log'))
      return f === undefined ? '' : readFileSync(join(dir, f), 'utf8')
    }
    await waitUntil(() => copied().length >= jsonLines(t, 'lend.b').length, 'out_copy → out_file', 20_000)
    expect(copied()).toBe(jsonLines(t, 'lend.b'))
  })

  it('out_relabel into a label whose out_forward buffers: lends, and the downstream gets every byte', async () => {
    const down = await downstream()
    const h = await forward('', {
      match: `<match lend.**>
  @type relabel
  @label @OUT
</match>`,
      rest: `<label @OUT>
  <match **>
    @type forward
    heartbeat_type none
    <server>
      host 127.0.0.1
      port ${down.port}
    </server>
    <buffer tag>
      flush_interval 0.1s
      chunk_limit_size 4k
    </buffer>
  </match>
</label>`,
      plugins: [outForward, outRelabel],
    })
    expectLends(h)
    const t = traffic(20)
    await send(h, t)
    await waitSunk(t)
    expectSunkExactly(t)
  })

  it('copies for time chunk keys (the chunker walks the stream in the core); records still exact', async () => {
    const down = await downstream()
    const h = await forward('', {
      match: `<match lend.**>
  @type forward
  heartbeat_type none
  <server>
    host 127.0.0.1
    port ${down.port}
  </server>
  <buffer tag,time>
    timekey 1h
    flush_mode interval
    flush_interval 0.1s
  </buffer>
</match>`,
      plugins: [outForward],
    })
    expectLends(h, false)
    const t = traffic(20)
    await send(h, t)
    await waitSunk(t)
    // Chunks by hour: order within a tag holds; compare the decoded records.
    for (const tag of TAGS) {
      const got = [...decodeMulti(sunkBytes(tag), { extensionCodec: eventTimeCodec })].map((e) => (e as unknown[])[1])
      expect(got).toEqual(t.records.get(tag))
    }
  })
})
