/**
 * @module JSON → entries cases: the benchmark's records (bench/inputs.ts) as JSON text with a
 * `time` field (float seconds, as an application writes it), in the two shapes inputs receive —
 * NDJSON lines (in_tail, `<parse> @type json`; cut into ≤ 1 MiB chunks on line boundaries) and
 * JSON arrays of 100 records (in_http bodies) — turned into PackedForward entries
 * `[EventTime, record]` with the time taken out of the record:
 * - sluice: `JsonParser.runBytes` (the copy into WASM memory included) and `entries()` (the copy
 *   out that an EventStream keeps);
 * - JSON.parse + @msgpack/msgpack: TextDecoder, JSON.parse per line (or per body), the time field
 *   taken out, and engine/ingest's EntriesWriter (an @msgpack/msgpack Encoder into one buffer) —
 *   what sluice's ingest did before the transcoder.
 * The check decodes both outputs and compares records and times.
 */

import { decode } from '@msgpack/msgpack'
import { EventTime } from '../engine/event-time.ts'
import { EntriesWriter } from '../engine/records/entries-writer.ts'
import type { Core } from '../wasm/core.ts'
import type { JsonParser } from '../wasm/json.ts'
import type { BenchCase, Check } from './harness.ts'
import type { Inputs } from './inputs.ts'

const NOW_SEC = 1_750_000_000
const ARRAY_RECORDS = 100
const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

interface JsonInput {
  name: 'lines' | 'array'
  /** Each piece is handed over whole: a chunk of lines, or one request body. */
  pieces: Uint8Array[]
  bytes: number
  records: number
}

function buildJsonInputs(inputs: Inputs): { lines: JsonInput; array: JsonInput } {
  const set = inputs.records
  const texts = set.records.map((bytes, i) => {
    const record = decode(bytes) as Record<string, unknown>
    // The record's time as float seconds with milliseconds, first, as loggers write it.
    return JSON.stringify({ time: Number(`${set.sec[i]}.${String(Math.floor(set.nsec[i] / 1e6)).padStart(3, '0')}`), ...record })
  })
  const chunkBytes = inputs.options.chunkBytes
  const lines: Uint8Array[] = []
  let current: string[] = []
  let size = 0
  for (const t of texts) {
    if (size + t.length + 1 > chunkBytes && current.length > 0) {
      lines.push(textEncoder.encode(current.join('\n') + '\n'))
      current = []
      size = 0
    }
    current.push(t)
    size += t.length + 1
  }
  if (current.length > 0) lines.push(textEncoder.encode(current.join('\n') + '\n'))
  const bodies: Uint8Array[] = []
  for (let i = 0; i < texts.length; i += ARRAY_RECORDS) bodies.push(textEncoder.encode(`[${texts.slice(i, i + ARRAY_RECORDS).join(',')}]`))
  const sum = (xs: Uint8Array[]) => xs.reduce((n, x) => n + x.length, 0)
  return {
    lines: { name: 'lines', pieces: lines, bytes: sum(lines), records: texts.length },
    array: { name: 'array', pieces: bodies, bytes: sum(bodies), records: texts.length },
  }
}

/** The JavaScript way: JSON.parse, the time taken out (EventTime.fromFloat), EntriesWriter. */
function jsEntries(piece: Uint8Array, shape: 'lines' | 'array', writer: EntriesWriter): Uint8Array {
  writer.truncate(0, 0)
  const text = textDecoder.decode(piece)
  const add = (record: Record<string, unknown>) => {
    const t = record.time
    delete record.time
    writer.append(typeof t === 'number' ? EventTime.fromFloat(t) : new EventTime(NOW_SEC), record)
  }
  if (shape === 'array') for (const record of JSON.parse(text) as Record<string, unknown>[]) add(record)
  else
    for (const line of text.split('\n')) {
      if (line !== '') add(JSON.parse(line) as Record<string, unknown>)
    }
  return writer.bytes()
}

function sluiceEntries(parser: JsonParser, piece: Uint8Array, shape: 'lines' | 'array'): Uint8Array {
  parser.runBytes(piece, shape === 'lines' ? 'lines' : 'value', NOW_SEC, 0)
  return parser.entries()
}

/** Every entry of an entries stream as [sec, nsec, record], walked by the core's entry walker. */
function decodeEntries(core: Core, bytes: Uint8Array): [number, number, unknown][] {
  const walk = core.framer.walkEntries(bytes)
  if (walk.status !== 0) throw new Error(`entries do not walk (status ${walk.status})`)
  return walk.events.map((e) => [e.sec, e.nsec, decode(bytes.subarray(e.record[0], e.record[1]), { useBigInt64: true })])
}

/** Same records and seconds; nanoseconds within 1 µs (JS reads the double, the float mode the written digits). */
function sameEvents(a: [number, number, unknown][], b: [number, number, unknown][]): boolean {
  return (
    a.length === b.length &&
    a.every(
      ([sec, nsec, record], i) =>
        sec === b[i][0] && Math.abs(nsec - b[i][1]) <= 1000 && JSON.stringify(record, bigints) === JSON.stringify(b[i][2], bigints),
    )
  )
}

export function jsonCases(core: Core, inputs: Inputs): { cases: BenchCase[]; checks: Check[]; info: Record<string, number> } {
  const json = buildJsonInputs(inputs)
  const cases: BenchCase[] = []
  const checks: Check[] = []
  const writer = new EntriesWriter(1 << 20)
  for (const input of [json.lines, json.array]) {
    const parser = core.createJsonParser({ timeKey: 'time', timeMode: input.name === 'array' ? 'double' : 'float' })
    const shape = input.name
    const what = shape === 'lines' ? 'NDJSON chunks of <= 1 MiB' : `JSON arrays of ${ARRAY_RECORDS} records`
    cases.push(
      {
        id: `json.${shape}.sluice`,
        group: 'json',
        input: shape,
        label: `json.${shape}.sluice`,
        impl: 'sluice',
        description: `${what} → entries: JsonParser.runBytes (copy in) + entries() (copy out), time key taken out`,
        bytesPerOp: input.bytes,
        entriesPerOp: input.records,
        unit: 'records',
        run: () => {
          let n = 0
          for (const piece of input.pieces) n += sluiceEntries(parser, piece, shape).length
          return n
        },
        compareTo: [`json.${shape}.js`],
      },
      {
        id: `json.${shape}.js`,
        group: 'json',
        input: shape,
        label: `json.${shape}.JSON.parse+msgpack`,
        impl: '@msgpack/msgpack',
        description: `${what} → entries: TextDecoder + JSON.parse, time taken out, EntriesWriter (@msgpack/msgpack Encoder)`,
        bytesPerOp: input.bytes,
        entriesPerOp: input.records,
        unit: 'records',
        run: () => {
          let n = 0
          for (const piece of input.pieces) n += jsEntries(piece, shape, writer).length
          return n
        },
      },
    )
    // Check: the first piece decodes to the same records and times both ways.
    const piece = input.pieces[0]
    const ours = decodeEntries(core, sluiceEntries(parser, piece, shape))
    const theirs = decodeEntries(core, jsEntries(piece, shape, writer))
    const same = sameEvents(ours, theirs)
    checks.push({
      id: `json.${shape}.same-events`,
      ok: same && ours.length > 0,
      detail: same ? `${ours.length} entries of the first piece decode alike` : 'the transcoder and JSON.parse + @msgpack/msgpack disagree',
    })
  }
  return {
    cases,
    checks,
    info: {
      linesChunks: json.lines.pieces.length,
      linesBytes: json.lines.bytes,
      arrayBodies: json.array.pieces.length,
      arrayBytes: json.array.bytes,
    },
  }
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value
}
