/**
 * @module The pure-JS Forward sink, `bench:compare`'s in-run baseline (the best a hand-written
 * JavaScript server does without a WASM core): frames the stream by walking msgpack bytes
 * (msgpack-walk.ts; no object per event), counts the events of every mode (Message, Forward,
 * PackedForward, CompressedPackedForward after gunzip), optionally drops records whose `KEY` field
 * is the str `VALUE` (the grep scenario: the same test every record gets from filter_grep), and
 * acks `{"ack": chunk}` by echoing the chunk value's bytes. Closes a connection after the peer's
 * FIN once everything was read; a malformed stream closes that connection.
 *
 * Run: `node --import tsx bench/compare/baselines/forward-sink.ts [--port 0] [--exclude KEY=VALUE]
 * [--expect N]`. Prints `listening port=P`; with --expect, one JSON line once N events arrived
 * (first message to the N-th event: seconds, events/s, kept).
 */

import { createServer, type Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { H, head, isArray, isMap, isRaw, skip, skipFrom, strEquals, W } from './msgpack-walk.ts'

export interface SinkOptions {
  port: number
  exclude: { key: string; value: string } | null
  expect: number
}

export interface SinkCounts {
  events: number
  kept: number
  messages: number
  firstAt: number
}

const ACK_PREFIX = Buffer.from([0x81, 0xa3, 0x61, 0x63, 0x6b])

/** Counts the entries of a packed payload `[p, end)`, applying the exclude test to each record. */
function countEntries(b: Buffer, p: number, end: number, exclude: SinkOptions['exclude'], counts: SinkCounts): void {
  while (p < end) {
    const next = skip(b, p, end)
    if (next < 0) throw new Error('truncated entry in a packed payload')
    countEntry(b, p, next, exclude, counts)
    p = next
  }
}

/** One `[time, record]` entry at `p`. */
function countEntry(b: Buffer, p: number, end: number, exclude: SinkOptions['exclude'], counts: SinkCounts): void {
  counts.events++
  if (exclude === null) {
    counts.kept++
    return
  }
  head(b, p, end)
  if (H.children < 2) return
  const time = p + H.size
  const record = skip(b, time, end)
  if (record < 0 || !head(b, record, end)) return
  if (!isMap(b[record])) return
  let q = record + H.size
  const pairs = H.children / 2
  for (let i = 0; i < pairs; i++) {
    const value = skip(b, q, end)
    if (value < 0) return
    if (strEquals(b, q, value, exclude.key) && strEquals(b, value, end, exclude.value)) return
    q = skip(b, value, end)
    if (q < 0) return
  }
  counts.kept++
}

/** Handles one complete top-level message `[p, end)`: counts, and acks when it carries a chunk. */
function onMessage(sock: Socket, b: Buffer, p: number, end: number, o: SinkOptions, counts: SinkCounts): void {
  if (counts.firstAt === 0) counts.firstAt = performance.now()
  counts.messages++
  head(b, p, end)
  if (!isArray(b[p])) return // heartbeat or junk: nothing to count
  const elements = H.children
  if (elements < 2) return
  const tag = p + H.size
  const second = skip(b, tag, end)
  const afterSecond = skip(b, second, end)
  head(b, second, end)
  // H is shared scratch: keep element 1's header before anything else is walked.
  const secondHead = H.size
  const secondPayload = H.payload
  const secondChildren = H.children
  const forwardMode = isArray(b[second])
  const packed = isRaw(b[second])
  let options = -1
  if (forwardMode || packed) {
    if (elements >= 3) options = afterSecond
  } else if (elements >= 4) options = skip(b, afterSecond, end) // Message mode [tag, time, record, options]
  let chunk: [number, number] | null = null
  let gzip = false
  if (options >= 0 && options < end && head(b, options, end) && isMap(b[options])) {
    let q = options + H.size
    const pairs = H.children / 2
    for (let i = 0; i < pairs; i++) {
      const value = skip(b, q, end)
      const next = skip(b, value, end)
      if (strEquals(b, q, value, 'chunk')) chunk = [value, next]
      else if (strEquals(b, q, value, 'compressed') && strEquals(b, value, next, 'gzip')) gzip = true
      q = next
    }
  }
  if (forwardMode) {
    let q = second + secondHead
    for (let i = 0; i < secondChildren; i++) {
      const next = skip(b, q, end)
      countEntry(b, q, next, o.exclude, counts)
      q = next
    }
  } else if (packed) {
    const payload = second + secondHead
    if (gzip) {
      const inflated = gunzipSync(b.subarray(payload, payload + secondPayload))
      countEntries(inflated, 0, inflated.length, o.exclude, counts)
    } else countEntries(b, payload, payload + secondPayload, o.exclude, counts)
  } else {
    // Message mode: the entry is [time, record] spread over elements 1 and 2.
    counts.events++
    counts.kept++
  }
  if (chunk !== null) sock.write(Buffer.concat([ACK_PREFIX, b.subarray(chunk[0], chunk[1])]))
}

/**
 * Serves one connection: buffers reads until the next message is complete (walking it once, from
 * where the last read left off), then handles it.
 */
function serve(sock: Socket, o: SinkOptions, counts: SinkCounts, onCount: () => void): void {
  let chunks: Buffer[] = []
  let buffered = 0
  let need = 1
  // The walk of the message at the buffer's start: resume at `resumeAt` owing `owed` objects.
  let resumeAt = 0
  let owed = 1
  sock.on('data', (data: Buffer) => {
    chunks.push(data)
    buffered += data.length
    if (buffered < need) return
    let b = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered)
    let p = 0
    try {
      for (;;) {
        if (p >= b.length) {
          need = 1
          resumeAt = 0
          owed = 1
          break
        }
        const end = p === 0 ? skipFrom(b, resumeAt, owed, b.length) : skip(b, p, b.length)
        if (end < 0) {
          need = -end - p
          resumeAt = W.pos - p
          owed = W.pending
          break
        }
        onMessage(sock, b, p, end, o, counts)
        p = end
        resumeAt = 0
        owed = 1
      }
    } catch (e) {
      process.stderr.write(`forward-sink: closing a connection: ${(e as Error).message}\n`)
      sock.destroy()
      return
    }
    b = b.subarray(p)
    chunks = b.length > 0 ? [b] : []
    buffered = b.length
    onCount()
  })
  sock.on('end', () => sock.end())
  sock.on('error', () => sock.destroy())
}

export function startForwardSink(o: SinkOptions, onListening: (port: number) => void): { counts: SinkCounts; close: () => void } {
  const counts: SinkCounts = { events: 0, kept: 0, messages: 0, firstAt: 0 }
  let reported = false
  const onCount = () => {
    if (o.expect > 0 && !reported && counts.events >= o.expect) {
      reported = true
      const seconds = (performance.now() - counts.firstAt) / 1000
      process.stdout.write(`${JSON.stringify({ ...counts, firstAt: undefined, seconds, eventsPerSec: counts.events / seconds })}\n`)
    }
  }
  const server = createServer({ allowHalfOpen: true }, (sock) => serve(sock, o, counts, onCount))
  server.listen(o.port, '127.0.0.1', () => {
    const a = server.address()
    onListening(typeof a === 'object' && a !== null ? a.port : 0)
  })
  return { counts, close: () => server.close() }
}

function parse(argv: string[]): SinkOptions {
  const o: SinkOptions = { port: 0, exclude: null, expect: 0 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = () => argv[++i]
    if (a === '--port') o.port = Number(v())
    else if (a === '--expect') o.expect = Number(v())
    else if (a === '--exclude') {
      const [key, value] = v().split('=')
      o.exclude = { key, value }
    } else throw new Error(`forward-sink: unknown argument ${a}`)
  }
  return o
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startForwardSink(parse(process.argv.slice(2)), (port) => process.stdout.write(`listening port=${port}\n`))
}
