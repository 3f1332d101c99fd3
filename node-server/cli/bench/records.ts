/**
 * @module The records `sluice bench` sends: each line of the loghub samples (read in place from
 * ../shared/data/loghub, see its LICENSE; UTF-8, LF or CRLF line ends) becomes
 * `{host, ident, pid, message}`, the message being the line's text as it is, trimmed or padded
 * so the record's msgpack encoding is exactly the requested size. Without the samples, the
 * message is generated text, and the result says so.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { encode } from '@msgpack/msgpack'
import { repoRoot } from '../../paths.ts'

/** The repo's sibling directory of sample logs. */
export const LOGHUB_DIR = join(dirname(repoRoot()), 'shared', 'data', 'loghub') + '/'

export interface RecordPool {
  records: Uint8Array[]
  source: 'loghub' | 'generated'
  /** A sentence for the report: where the text came from. */
  detail: string
  /** Mean encoded size (the requested size unless it is below a record's fixed part). */
  meanBytes: number
}

/** At most this many distinct records are kept (they repeat in order). */
const POOL_LIMIT = 20_000

function loghubLines(dir: string): { lines: string[]; files: string[] } {
  if (!existsSync(dir)) return { lines: [], files: [] }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
  const lines: string[] = []
  for (const f of files) {
    // The samples end their lines with CRLF: the CR is the line end, not part of the message.
    for (const line of readFileSync(join(dir, f), 'utf8').split(/\r?\n/)) {
      if (line.length > 0) lines.push(line)
    }
  }
  return { lines, files }
}

const WORDS = [
  'request',
  'served',
  'block',
  'replica',
  'session',
  'opened',
  'closed',
  'user',
  'token',
  'cache',
  'miss',
  'hit',
  'worker',
  'queue',
  'flush',
  'retry',
  'timeout',
  'connection',
  'accepted',
  'from',
  'port',
  'disk',
  'latency',
  'ms',
]

/** Deterministic pseudo-random text (xorshift), for when the samples are absent. */
function generatedLine(i: number): string {
  let x = ((i + 1) * 2654435761) >>> 0
  const words: string[] = []
  for (let k = 0; k < 24; k++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    words.push(WORDS[x % WORDS.length])
  }
  return `${i} ${words.join(' ')}`
}

/**
 * Encodes a record whose msgpack size is `size` bytes when possible: the message (the line's text
 * as it is, UTF-8) is cut or padded with spaces, counting bytes; a cut never splits a character
 * (the bytes it frees are padded back), and the str header changing width is measured again.
 */
export function sizedRecord(fields: { host: string; ident: string; pid: number }, text: string, size: number): Uint8Array {
  let message = text
  for (let attempt = 0; attempt < 8; attempt++) {
    const bytes = encode({ ...fields, message })
    const diff = size - bytes.length
    if (diff === 0) return bytes
    if (diff > 0) message = message + ' '.repeat(diff)
    else if (message.length === 0) return bytes
    else message = cutBytes(message, -diff)
  }
  return encode({ ...fields, message })
}

const utf8 = new TextEncoder()

/** `text` without its last characters, at least `bytes` UTF-8 bytes shorter (whole characters only). */
function cutBytes(text: string, bytes: number): string {
  const encoded = utf8.encode(text)
  let end = Math.max(0, encoded.length - bytes)
  // Back up to the start of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && (encoded[end] & 0xc0) === 0x80) end--
  return new TextDecoder().decode(encoded.subarray(0, end))
}

/**
 * Builds the record pool.
 *
 * @example
 * const pool = buildRecordPool(150)
 * pool.records[0].length // 150
 */
export function buildRecordPool(recordSize: number, dir: string = LOGHUB_DIR, limit = POOL_LIMIT): RecordPool {
  const key = `${recordSize}\0${dir}\0${limit}`
  let pool = pools.get(key)
  if (pool === undefined) {
    pool = makePool(recordSize, dir, limit)
    pools.set(key, pool)
  }
  return pool
}

/** Pools already built in this process (tests and repeated runs reuse them). */
const pools = new Map<string, RecordPool>()

function makePool(recordSize: number, dir: string, limit: number): RecordPool {
  const { lines, files } = loghubLines(dir)
  const useLoghub = lines.length > 0
  const count = useLoghub ? Math.min(lines.length, limit) : Math.min(limit, 4096)
  const records: Uint8Array[] = []
  let total = 0
  for (let i = 0; i < count; i++) {
    // Spread the pick over every file rather than taking the first ones.
    const text = useLoghub ? lines[Math.floor((i * lines.length) / count)] : generatedLine(i)
    const record = sizedRecord(
      { host: `bench-${i % 16}`, ident: useLoghub ? 'loghub' : 'generated', pid: 1000 + (i % 977) },
      text,
      recordSize,
    )
    records.push(record)
    total += record.length
  }
  const detail = useLoghub
    ? `loghub samples: ${lines.length} lines from ${files.map((f) => basename(f, '.log')).join(', ')} in ${dir}`
    : `generated text (no loghub *.log samples in ${dir})`
  return { records, source: useLoghub ? 'loghub' : 'generated', detail, meanBytes: total / count }
}
