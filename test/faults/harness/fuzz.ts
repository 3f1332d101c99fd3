/**
 * @module The Forward-protocol fuzzer of scenario 5: valid seed messages in every mode (Message
 * with int / EventTime / Timestamp / v1.5 metadata times, Forward, PackedForward as str32 and bin,
 * CompressedPackedForward, nil heartbeats, acks requested), mutated — bit flips, special bytes
 * (c1, huge str/array/map headers), insertions, deletions, duplicated ranges, truncation, splices
 * of two seeds, broken gzip, deep nesting, pure garbage — and written over short-lived TCP
 * connections by several workers at once (some closed at once, some left open a while, some cut
 * mid-message). Seeds use the tag `fuzz.*` and records without `seq`, so nothing they produce is
 * counted as a bench event. Deterministic per seed (mulberry32).
 */

import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import { encode } from '@msgpack/msgpack'

export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const T = 1_700_000_000
const eventTime = (sec: number, nsec: number) => {
  const b = Buffer.alloc(10)
  b[0] = 0xd7
  b[1] = 0x00
  b.writeUInt32BE(sec, 2)
  b.writeUInt32BE(nsec, 6)
  return b
}
const raw = (...parts: (Uint8Array | number[])[]) => Buffer.concat(parts.map((p) => (Array.isArray(p) ? Buffer.from(p) : Buffer.from(p))))
const str32 = (b: Uint8Array) => {
  const h = Buffer.alloc(5)
  h[0] = 0xdb
  h.writeUInt32BE(b.length, 1)
  return raw(h, b)
}
const bin32 = (b: Uint8Array) => {
  const h = Buffer.alloc(5)
  h[0] = 0xc6
  h.writeUInt32BE(b.length, 1)
  return raw(h, b)
}

/** Valid messages of every shape the protocol allows. */
export function seeds(): Buffer[] {
  const record = (i: number) => encode({ fuzz: i, msg: 'x'.repeat(i % 50), nested: { a: [1, 2, { b: null }] } })
  const entry = (i: number) => raw([0x92], eventTime(T + i, i), record(i))
  const entries = raw(entry(1), entry(2), entry(3))
  const tag = (t: string) => encode(t)
  return [
    raw([0x93], tag('fuzz.msg'), encode(T), record(0)),
    raw([0x94], tag('fuzz.msg'), eventTime(T, 5), record(1), encode({ chunk: 'fuzzchunk1' })),
    raw([0x93], tag('fuzz.ts'), [0xd6, 0xff, 0x65, 0x53, 0xf1, 0x00], record(2)),
    raw([0x93], tag('fuzz.meta'), [0x92], eventTime(T, 1), encode({ k8s: 'x' }), record(3)),
    raw([0x93], tag('fuzz.fwd'), [0x93], entry(4), entry(5), entry(6), encode({ chunk: 'fuzzchunk2', size: 3 })),
    raw([0x93], tag('fuzz.packed'), str32(entries), encode({ size: 3, compressed: 'text', chunk: 'fuzzchunk3\n' })),
    raw([0x93], tag('fuzz.bin'), bin32(entries), encode({ size: 3 })),
    raw([0x93], tag('fuzz.gz'), bin32(raw(gzipSync(entry(7)), gzipSync(entry(8)))), encode({ compressed: 'gzip', chunk: 'fuzzchunk4' })),
    raw([0xc0]),
    raw([0x94], tag('fuzz.nil'), encode(T), record(9), [0xc0]),
  ]
}

const SPECIAL = [0xc1, 0xc0, 0xdb, 0xdd, 0xdf, 0xc6, 0xd7, 0xff, 0x00, 0x7f, 0x80, 0x90, 0xa0]

/** One mutated stream built from the seeds. */
export function mutate(random: () => number, pool: readonly Buffer[]): Buffer {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]
  const int = (n: number) => Math.floor(random() * n)
  let b = Buffer.concat(Array.from({ length: 1 + int(4) }, () => pick(pool)))
  const kind = int(12)
  switch (kind) {
    case 0:
      for (let k = 0; k < 1 + int(8); k++) b[int(b.length)] ^= 1 << int(8)
      break
    case 1:
      for (let k = 0; k < 1 + int(4); k++) b[int(b.length)] = pick(SPECIAL)
      break
    case 2: {
      const at = int(b.length)
      b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256))), b.subarray(at)])
      break
    }
    case 3: {
      const at = int(b.length)
      b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(32)))])
      break
    }
    case 4:
      b = b.subarray(0, int(b.length))
      break
    case 5: {
      const at = int(b.length)
      const len = 1 + int(64)
      b = Buffer.concat([b.subarray(0, at + len), b.subarray(at)])
      break
    }
    case 6: {
      const other = pick(pool)
      b = Buffer.concat([b.subarray(0, int(b.length)), other.subarray(int(other.length))])
      break
    }
    case 7: {
      // A length field that announces far more than follows (str32 / array32 / map32 / bin32).
      const at = int(b.length)
      const head = Buffer.from([pick([0xdb, 0xdd, 0xdf, 0xc6]), 0x7f, 0xff, 0xff, 0xff])
      b = Buffer.concat([b.subarray(0, at), head, b.subarray(at)])
      break
    }
    case 8:
      b = Buffer.concat([
        Buffer.from([0x93]),
        encode('fuzz.gz'),
        bin32(Buffer.from(Array.from({ length: 40 }, () => int(256)).concat([0x1f, 0x8b]))),
        encode({ compressed: 'gzip' }),
      ])
      break
    case 9:
      b = Buffer.concat([Buffer.alloc(2000 + int(20000), 0x91), Buffer.from([0xc0])])
      break
    case 10:
      b = Buffer.from(Array.from({ length: 1 + int(4096) }, () => int(256)))
      break
    default:
      b = Buffer.concat([b, Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256)))])
  }
  return b
}

export interface FuzzStats {
  connections: number
  bytes: number
  /** Connections the server closed before we did. */
  closedByServer: number
  /** Connections that could not connect (server down or refusing). */
  refused: number
}

/** Runs `workers` fuzzing loops against 127.0.0.1:port until `until` (ms since the epoch). */
export async function runFuzzer(port: number, until: number, workers: number, seed: number): Promise<FuzzStats> {
  const stats: FuzzStats = { connections: 0, bytes: 0, closedByServer: 0, refused: 0 }
  const pool = seeds()
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(port, until, prng(seed + w), pool, stats)))
  return stats
}

async function worker(port: number, until: number, random: () => number, pool: readonly Buffer[], stats: FuzzStats): Promise<void> {
  while (Date.now() < until) {
    const data = mutate(random, pool)
    const mode = Math.floor(random() * 3)
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      let weClosed = false
      let connected = false
      let timer: ReturnType<typeof setTimeout> | undefined
      socket.on('error', () => undefined)
      socket.on('data', () => undefined)
      socket.once('connect', () => {
        connected = true
        stats.connections++
        stats.bytes += data.length
        if (mode === 0) {
          socket.end(data)
          weClosed = true
        } else {
          socket.write(data)
          timer = setTimeout(
            () => {
              weClosed = true
              socket.destroy()
            },
            mode === 1 ? 20 : 200,
          )
        }
      })
      socket.once('close', () => {
        clearTimeout(timer)
        if (!connected) stats.refused++
        else if (!weClosed) stats.closedByServer++
        resolve()
      })
    })
  }
}
