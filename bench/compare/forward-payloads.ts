/**
 * @module The Forward messages `bench:compare` sends: PackedForward `[tag, bin(entries), options]`
 * of 1,000 `[EventTime, record]` entries (gzipped for CompressedPackedForward), built once. Records
 * are loghub sample lines (node-server/cli/bench/records.ts reads them in place) as
 * `{host, ident, pid, level, message}` of ~150 msgpack bytes; `level` cycles info, warn, error,
 * debug, so filter_grep's `exclude level /^debug$/` drops a quarter of them.
 */

import { gzipSync } from 'node:zlib'
import { encode } from '@msgpack/msgpack'
import { LOGHUB_DIR, sizedRecord } from '../../node-server/cli/bench/records.ts'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const LEVELS = ['info', 'warn', 'error', 'debug'] as const
export const RECORD_BYTES = 150
export const EVENTS_PER_MESSAGE = 1000
const VARIANTS = 8

/** The records' text: loghub lines (ASCII only), or numbered filler when the samples are absent. */
function lines(dir: string): string[] {
  const out: string[] = []
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .sort()) {
      for (const line of readFileSync(join(dir, f), 'latin1').split('\n')) if (line.length > 0) out.push(line.replace(/[^\x20-\x7e]/g, '?'))
    }
  }
  if (out.length === 0) for (let i = 0; i < 4096; i++) out.push(`line ${i} request served from cache in ${i % 97} ms`)
  return out
}

export interface ForwardPayloads {
  /** Per variant: `93 <tag> bin32-header` and the (maybe gzipped) entries. */
  variants: { head: Buffer; body: Buffer }[]
  events: number
  /** Mean record bytes and where the text came from (for the report). */
  recordBytes: number
  source: string
}

function binHeader(n: number): Buffer {
  const b = Buffer.alloc(5)
  b[0] = 0xc6
  b.writeUInt32BE(n, 1)
  return b
}

/** Builds the variants (8 × 1,000 distinct records). */
export function buildForwardPayloads(options: { tag: string; compress: boolean; dir?: string }): ForwardPayloads {
  const text = lines(options.dir ?? LOGHUB_DIR)
  const now = Math.floor(Date.now() / 1000)
  const variants: { head: Buffer; body: Buffer }[] = []
  let recordTotal = 0
  for (let v = 0; v < VARIANTS; v++) {
    const parts: Buffer[] = []
    for (let j = 0; j < EVENTS_PER_MESSAGE; j++) {
      const i = v * EVENTS_PER_MESSAGE + j
      const fields = { host: `web-${i % 16}`, ident: 'loghub', pid: 1000 + (i % 977), level: LEVELS[i % LEVELS.length] }
      const record = sizedRecord(fields, text[Math.floor((i * text.length) / (VARIANTS * EVENTS_PER_MESSAGE))], RECORD_BYTES)
      recordTotal += record.length
      const time = Buffer.alloc(11)
      time[0] = 0x92
      time[1] = 0xd7
      time[2] = 0x00
      time.writeUInt32BE(now, 3)
      time.writeUInt32BE(j * 1000, 7)
      parts.push(time, Buffer.from(record.buffer, record.byteOffset, record.byteLength))
    }
    const entries = Buffer.concat(parts)
    const body = options.compress ? gzipSync(entries) : entries
    variants.push({ head: Buffer.concat([Buffer.from([0x93]), Buffer.from(encode(options.tag)), binHeader(body.length)]), body })
  }
  return {
    variants,
    events: EVENTS_PER_MESSAGE,
    recordBytes: recordTotal / (VARIANTS * EVENTS_PER_MESSAGE),
    source: existsSync(options.dir ?? LOGHUB_DIR) ? 'loghub samples' : 'generated text',
  }
}

/** The options map of one message: `{size, chunk?, compressed?}`. */
export function optionsBytes(events: number, chunk: string | null, compress: boolean): Buffer {
  const o: Record<string, unknown> = { size: events }
  if (chunk !== null) o.chunk = chunk
  if (compress) o.compressed = 'gzip'
  return Buffer.from(encode(o))
}
