/**
 * @module Builds the benchmark inputs deterministically from the loghub sample logs
 * (../shared/data/loghub/*.log, read in place; nothing is copied, see that directory's LICENSE:
 * loghub, https://github.com/logpai/loghub, Zhu et al., ISSRE 2023).
 *
 * Every line becomes a record `{host, ident, pid, message, level}` whose msgpack encoding is trimmed
 * or padded to a per-record target drawn uniformly from 130 ± 40 bytes (so the average is ~130;
 * the actual average is reported). The same records, in the same order, are then laid out as:
 * - PackedForward messages of 1,000 entries: `[tag, bin32(entries), {size, chunk}]`, EventTime;
 * - a Message-mode stream: `[tag, EventTime, record]` per record;
 * - Forward-mode messages of 1,000 entries: `[tag, [entries], {size, chunk}]`;
 * - CompressedPackedForward messages: the PackedForward payload gzipped (node:zlib),
 *   `[tag, bin32(gzip), {size, chunk, compressed: "gzip"}]`.
 * Each stream is also cut into message-aligned chunks of at most `chunkBytes` bytes: the unit a
 * connection hands to the core in one `core.input()` copy.
 */

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Encoder } from '@msgpack/msgpack'
import { bin, eventTime, str, uint } from '../test/helpers/msgpack-build.ts'

/** Where the loghub sample logs are read from (in place). */
export const LOGHUB_DIR = fileURLToPath(new URL('../../shared/data/loghub/', import.meta.url))

export interface InputOptions {
  /** Records in every stream. */
  records: number
  /** Entries per PackedForward / Forward / CompressedPackedForward message. */
  entriesPerMessage: number
  /** Most bytes per `core.input()` chunk (chunks hold whole messages; a bigger message is its own chunk). */
  chunkBytes: number
  /** Mean encoded record size to aim for. */
  targetRecordBytes: number
  dir: string
}

export const DEFAULT_INPUT_OPTIONS: InputOptions = {
  records: 100_000,
  entriesPerMessage: 1000,
  chunkBytes: 1 << 20,
  targetRecordBytes: 130,
  dir: LOGHUB_DIR,
}

export type InputName = 'packed' | 'message' | 'forward' | 'compressed'

/** One stream of Forward messages and what a correct framer must find in it. */
export interface StreamInput {
  name: InputName
  /** All messages back to back. */
  stream: Buffer
  /** Message-aligned views of `stream`, each at most chunkBytes (unless one message is larger). */
  chunks: Buffer[]
  /** Byte offset of every message in `stream` (plus the end). */
  messageOffsets: number[]
  messages: number
  entries: number
  /** Σ encoded record lengths. */
  recordBytes: number
  /** Σ entry lengths (`[time, record]` arrays) as they sit in the uncompressed payloads. */
  entryBytes: number
  /** Σ sec and Σ nsec of all entries (for the correctness checks). */
  secSum: number
  nsecSum: number
  /** CompressedPackedForward: Σ inflated payload bytes. */
  inflatedBytes: number
  /** CompressedPackedForward: the gzip payload of each message (views of `stream`). */
  payloads: Buffer[]
}

export interface RecordSet {
  /** Encoded records. */
  records: Buffer[]
  sec: Uint32Array
  nsec: Uint32Array
  /** Tag of each record (its source's tag). */
  tags: string[]
  averageBytes: number
  minBytes: number
  maxBytes: number
  sources: { file: string; lines: number; tag: string }[]
}

export interface Inputs {
  options: InputOptions
  records: RecordSet
  packed: StreamInput
  message: StreamInput
  forward: StreamInput
  compressed: StreamInput
  buildMs: number
}

interface Source {
  file: string
  tag: string
  ident: string
  lines: string[]
}

/** Tag and syslog-style ident per loghub sample (files not listed get a derived name). */
const KNOWN: Record<string, { tag: string; ident: string }> = {
  Android: { tag: 'android.system.main', ident: 'system_server' },
  Apache: { tag: 'apache.error', ident: 'httpd' },
  HDFS: { tag: 'hdfs.datanode', ident: 'datanode' },
  Linux: { tag: 'system.auth', ident: 'sshd' },
  OpenSSH: { tag: 'ssh.auth', ident: 'sshd' },
  OpenStack: { tag: 'openstack.nova.api', ident: 'nova-api' },
  Zookeeper: { tag: 'zookeeper.quorum', ident: 'zookeeper' },
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function loadSources(dir: string): Source[] {
  if (!existsSync(dir)) throw new Error(`bench inputs: ${dir} not found (the loghub sample logs)`)
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
  if (files.length === 0) throw new Error(`bench inputs: no *.log files in ${dir}`)
  return files.map((file) => {
    const base = file.replace(/_.*$/, '').replace(/\.log$/, '')
    const known = KNOWN[base] ?? { tag: `app.${base.toLowerCase()}`, ident: base.toLowerCase() }
    const lines = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.length > 0)
    return { file, tag: known.tag, ident: known.ident, lines }
  })
}

const LEVELS: Record<string, string> = {
  V: 'trace',
  D: 'debug',
  I: 'info',
  W: 'warn',
  E: 'error',
  F: 'fatal',
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  NOTICE: 'notice',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  ERR: 'error',
  CRIT: 'crit',
  FATAL: 'fatal',
  ALERT: 'alert',
  EMERG: 'emerg',
}

function levelOf(line: string): string {
  const android = /^\S+ \S+\s+\d+\s+\d+ ([VDIWEF]) /.exec(line)
  if (android) return LEVELS[android[1]]
  const word = /\b(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT|FATAL|ALERT|EMERG)\b/i.exec(line)
  return word ? (LEVELS[word[1].toUpperCase()] ?? 'info') : 'info'
}

function pidOf(line: string, random: () => number): number {
  const bracket = /\[(\d{2,6})\]/.exec(line)
  if (bracket) return Number(bracket[1])
  const android = /^\S+ \S+\s+(\d+)\s/.exec(line)
  if (android) return Number(android[1])
  return 100 + Math.floor(random() * 32_000)
}

/** The longest prefix of `s` whose UTF-8 encoding is at most `bytes` long. */
function fitBytes(s: string, bytes: number): string {
  const have = Buffer.byteLength(s, 'utf8')
  if (have <= bytes) return s
  if (have === s.length) return s.slice(0, bytes) // ASCII
  let lo = 0
  let hi = Math.min(s.length, bytes)
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (Buffer.byteLength(s.slice(0, mid), 'utf8') <= bytes) lo = mid
    else hi = mid - 1
  }
  return s.slice(0, lo)
}

const encoder = new Encoder()
const encode = (value: unknown): Uint8Array => encoder.encode(value)

/** Encodes one record with its message trimmed or padded (with the following lines) to hit `target` bytes. */
function encodeRecord(src: Source, lineIndex: number, target: number, host: string, random: () => number): Buffer {
  const line = src.lines[lineIndex % src.lines.length]
  const base = { host, ident: src.ident, pid: pidOf(line, random), message: '', level: levelOf(line) }
  const overhead = encode(base).length - 1 // minus the empty message's fixstr header
  const room = target - overhead // bytes for the message's header + payload
  let len = room - 2 >= 32 ? room - 2 : Math.min(31, room - 1)
  if (len < 0) len = 0
  let text = line
  let next = lineIndex + 1
  while (Buffer.byteLength(text, 'utf8') < len) text += ' ' + src.lines[next++ % src.lines.length]
  return Buffer.from(encode({ ...base, message: fitBytes(text, len) }))
}

function buildRecords(opts: InputOptions): RecordSet {
  const sources = loadSources(opts.dir)
  const random = prng(0x5eed_130)
  const records: Buffer[] = []
  const tags: string[] = []
  const sec = new Uint32Array(opts.records)
  const nsec = new Uint32Array(opts.records)
  let total = 0
  let min = Infinity
  let max = 0
  for (let i = 0; i < opts.records; i++) {
    // A message's worth of consecutive records comes from one source, like one tail input.
    const m = Math.floor(i / opts.entriesPerMessage)
    const src = sources[m % sources.length]
    const lineIndex = Math.floor(m / sources.length) * opts.entriesPerMessage + (i % opts.entriesPerMessage)
    const target = opts.targetRecordBytes - 40 + Math.floor(random() * 81)
    const host = `${src.ident}-${String(i % 23).padStart(2, '0')}.prod`
    const rec = encodeRecord(src, lineIndex, target, host, random)
    records.push(rec)
    tags.push(src.tag)
    sec[i] = 1_700_000_000 + Math.floor(i / 100)
    nsec[i] = (i * 7_919_731) % 1_000_000_000
    total += rec.length
    if (rec.length < min) min = rec.length
    if (rec.length > max) max = rec.length
  }
  return {
    records,
    sec,
    nsec,
    tags,
    averageBytes: total / opts.records,
    minBytes: min,
    maxBytes: max,
    sources: sources.map((s) => ({ file: s.file, lines: s.lines.length, tag: s.tag })),
  }
}

// ---- msgpack pieces (written by hand so the framing is exactly what the bench claims; the
// scalar pieces come from test/helpers/msgpack-build.ts) -------------------------------------

function arrayHeader(n: number): Buffer {
  if (n < 16) return Buffer.from([0x90 | n])
  if (n < 65536) return Buffer.from([0xdc, n >> 8, n & 255])
  const b = Buffer.alloc(5)
  b[0] = 0xdd
  b.writeUInt32BE(n, 1)
  return b
}

function entry(set: RecordSet, i: number): Buffer {
  return Buffer.concat([Buffer.from([0x92]), eventTime(set.sec[i], set.nsec[i]), set.records[i]])
}

/** Fluentd-style chunk id: 16 bytes, base64. */
function chunkId(random: () => number): string {
  const b = Buffer.alloc(16)
  for (let i = 0; i < 16; i++) b[i] = Math.floor(random() * 256)
  return b.toString('base64')
}

function options(size: number, chunk: string, compressed: boolean): Buffer {
  const parts = [Buffer.from([compressed ? 0x83 : 0x82]), str('size'), uint(size), str('chunk'), str(chunk)]
  if (compressed) parts.push(str('compressed'), str('gzip'))
  return Buffer.concat(parts)
}

function chunked(stream: Buffer, offsets: number[], chunkBytes: number): Buffer[] {
  const chunks: Buffer[] = []
  let start = 0
  for (let m = 1; m < offsets.length; m++) {
    const end = offsets[m]
    const prevEnd = offsets[m - 1]
    if (end - start > chunkBytes && prevEnd > start) {
      chunks.push(stream.subarray(start, prevEnd))
      start = prevEnd
    }
  }
  if (start < stream.length) chunks.push(stream.subarray(start))
  return chunks
}

function assemble(name: InputName, set: RecordSet, messages: Buffer[], opts: InputOptions, extra: Partial<StreamInput>): StreamInput {
  const stream = Buffer.concat(messages)
  const offsets = [0]
  for (const m of messages) offsets.push(offsets[offsets.length - 1] + m.length)
  let secSum = 0
  let nsecSum = 0
  let recordBytes = 0
  let entryBytes = 0
  for (let i = 0; i < set.records.length; i++) {
    secSum += set.sec[i]
    nsecSum += set.nsec[i]
    recordBytes += set.records[i].length
    entryBytes += 11 + set.records[i].length
  }
  return {
    name,
    stream,
    chunks: chunked(stream, offsets, opts.chunkBytes),
    messageOffsets: offsets,
    messages: messages.length,
    entries: set.records.length,
    recordBytes,
    entryBytes,
    secSum,
    nsecSum,
    inflatedBytes: 0,
    payloads: [],
    ...extra,
  }
}

/** Builds every input; deterministic for given options. */
export function buildInputs(opts: InputOptions = DEFAULT_INPUT_OPTIONS): Inputs {
  const t0 = performance.now()
  const set = buildRecords(opts)
  const random = prng(0xc4_0c)
  const n = set.records.length
  const per = opts.entriesPerMessage

  const packed: Buffer[] = []
  const forward: Buffer[] = []
  const compressed: Buffer[] = []
  const payloadRanges: [number, number][] = []
  let inflatedBytes = 0
  let compressedOffset = 0
  for (let first = 0; first < n; first += per) {
    const count = Math.min(per, n - first)
    const tag = str(set.tags[first])
    const entries: Buffer[] = []
    for (let i = first; i < first + count; i++) entries.push(entry(set, i))
    const payload = Buffer.concat(entries)
    const id = chunkId(random)
    packed.push(Buffer.concat([Buffer.from([0x93]), tag, bin(payload, 32), options(count, id, false)]))
    forward.push(Buffer.concat([Buffer.from([0x93]), tag, arrayHeader(count), payload, options(count, id, false)]))
    const gz = gzipSync(payload)
    inflatedBytes += payload.length
    const head = Buffer.concat([Buffer.from([0x93]), tag])
    const msg = Buffer.concat([head, bin(gz, 32), options(count, id, true)])
    payloadRanges.push([compressedOffset + head.length + 5, compressedOffset + head.length + 5 + gz.length])
    compressedOffset += msg.length
    compressed.push(msg)
  }

  const message: Buffer[] = []
  for (let i = 0; i < n; i++) {
    message.push(Buffer.concat([Buffer.from([0x93]), str(set.tags[i]), eventTime(set.sec[i], set.nsec[i]), set.records[i]]))
  }

  const compressedInput = assemble('compressed', set, compressed, opts, { inflatedBytes })
  compressedInput.payloads = payloadRanges.map(([s, e]) => compressedInput.stream.subarray(s, e))

  return {
    options: opts,
    records: set,
    packed: assemble('packed', set, packed, opts, {}),
    message: assemble('message', set, message, opts, {}),
    forward: assemble('forward', set, forward, opts, {}),
    compressed: compressedInput,
    buildMs: performance.now() - t0,
  }
}

/** One line per input, for the report. */
export function describeInputs(inputs: Inputs): string[] {
  const r = inputs.records
  const mb = (b: number) => (b / 1e6).toFixed(1) + ' MB'
  const lines = [
    `records: ${r.records.length.toLocaleString('en-US')} from ${r.sources.map((s) => s.file).join(', ')} ` +
      `(loghub, read in place); msgpack size avg ${r.averageBytes.toFixed(1)} B (min ${r.minBytes}, max ${r.maxBytes})`,
  ]
  for (const s of [inputs.packed, inputs.message, inputs.forward, inputs.compressed]) {
    const extra = s.name === 'compressed' ? `, inflates to ${mb(s.inflatedBytes)}` : ''
    lines.push(
      `${s.name}: ${s.messages.toLocaleString('en-US')} messages, ${s.entries.toLocaleString('en-US')} entries, ` +
        `${mb(s.stream.length)} in ${s.chunks.length} chunks of <= ${(inputs.options.chunkBytes / 1024).toFixed(0)} KiB${extra}`,
    )
  }
  return lines
}
