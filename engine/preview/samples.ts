/**
 * @module Sample events for the preview: pasted or uploaded text (a JSON array, NDJSON, plain
 * lines, or a mix) → events kept as msgpack `[EventTime, record]` entries, ready to be emitted as
 * one-event streams. 64-bit integers stay exact (bigint); no size cap short of memory.
 *
 * What a sample can be (one per line, or the elements of one JSON array):
 * - a JSON object → the record, with the default tag;
 * - `{"tag": "...", "time": ..., "record": {...}}` (what the live tap sends) or Fluentd's Message
 *   form `["tag", time, {...}]` → that tag, time and record;
 * - any other line → `{"message": "<the line>"}` (Fluentd's `none` parser key), unless the format
 *   is `json`/`ndjson`, where it is an error for that line only.
 */

import { Encoder } from '@msgpack/msgpack'
import { EventTime, eventTimeCodec } from '../event-time.ts'
import { parseJsonLossless } from './json.ts'

export type SampleFormat = 'auto' | 'json' | 'ndjson' | 'lines'

export interface Sample {
  /** The tag the event is emitted with (before the entry source's `tag` / `add_tag_prefix`). */
  tag: string
  time: EventTime
  /** The msgpack entry `[EventTime, record]` (one event of an EventStream). */
  entry: Uint8Array
  /** 1-based line of the text it came from (for JSON arrays, the line the element starts on). */
  line: number
}

export interface SampleProblem {
  line: number
  message: string
}

export interface ParsedSamples {
  samples: Sample[]
  problems: SampleProblem[]
}

export interface SampleOptions {
  format?: SampleFormat
  /** Tag of samples that do not name one. */
  tag?: string
  /** Time (ms since the epoch) of samples that do not carry one; fixed so previews repeat exactly. */
  now?: number
}

export const DEFAULT_SAMPLE_TAG = 'sample'

const encoder = new Encoder({ extensionCodec: eventTimeCodec, useBigInt64: true, ignoreUndefined: true })

/**
 * @example
 * parseSamples('{"level":"error"}\nplain text line', { tag: 'app.web' }).samples.length // 2
 */
export function parseSamples(text: string, options: SampleOptions = {}): ParsedSamples {
  const format = options.format ?? 'auto'
  const ctx: Context = {
    tag: options.tag?.trim() || DEFAULT_SAMPLE_TAG,
    time: EventTime.now(() => options.now ?? Date.now()),
    samples: [],
    problems: [],
  }
  const trimmed = text.trimStart()
  if ((format === 'auto' || format === 'json') && trimmed.startsWith('[') && readWholeArray(text, ctx)) return result(ctx)
  if (format === 'json' && trimmed.startsWith('{')) {
    const whole = tryParse(text)
    if (whole.ok) {
      addValue(whole.value, 1 + leadingLines(text), ctx)
      return result(ctx)
    }
  }
  let line = 0
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    line++
    const raw = text.slice(start, end).replace(/\r$/, '')
    start = end + 1
    if (raw.trim() === '') continue
    addLine(raw, line, format, ctx)
  }
  return result(ctx)
}

interface Context {
  tag: string
  time: EventTime
  samples: Sample[]
  problems: SampleProblem[]
}

function result(ctx: Context): ParsedSamples {
  return { samples: ctx.samples, problems: ctx.problems }
}

function addLine(raw: string, line: number, format: SampleFormat, ctx: Context): void {
  if (format === 'lines') {
    push(ctx, ctx.tag, ctx.time, { message: raw }, line)
    return
  }
  const first = raw.trimStart()[0]
  if (first === '{' || first === '[') {
    const parsed = tryParse(raw)
    if (parsed.ok) {
      addValue(parsed.value, line, ctx)
      return
    }
    if (format !== 'auto') {
      ctx.problems.push({ line, message: `not JSON: ${parsed.error}` })
      return
    }
  } else if (format !== 'auto') {
    ctx.problems.push({ line, message: 'not a JSON object (use the "lines" format for plain text)' })
    return
  }
  push(ctx, ctx.tag, ctx.time, { message: raw }, line)
}

function addValue(value: unknown, line: number, ctx: Context): void {
  if (isRecord(value)) {
    const envelope = readEnvelope(value)
    if (envelope !== null) {
      if (typeof envelope === 'string') ctx.problems.push({ line, message: envelope })
      else push(ctx, envelope.tag ?? ctx.tag, envelope.time ?? ctx.time, envelope.record, line)
      return
    }
    push(ctx, ctx.tag, ctx.time, value, line)
    return
  }
  if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'string' && isRecord(value[2])) {
    const time = readTime(value[1])
    if (typeof time === 'string') ctx.problems.push({ line, message: time })
    else push(ctx, value[0], time ?? ctx.time, value[2], line)
    return
  }
  ctx.problems.push({ line, message: `a sample must be a JSON object (a record), got ${describe(value)}` })
}

/** `{tag?, time?, record}` with no other keys; returns null when it is a plain record. */
function readEnvelope(value: Record<string, unknown>): { tag?: string; time?: EventTime; record: Record<string, unknown> } | string | null {
  const keys = Object.keys(value)
  if (!isRecord(value.record) || keys.some((k) => k !== 'tag' && k !== 'time' && k !== 'record')) return null
  if (value.tag !== undefined && typeof value.tag !== 'string') return 'the "tag" of a sample must be a string'
  const time = value.time === undefined ? undefined : readTime(value.time)
  if (typeof time === 'string') return time
  return { tag: value.tag as string | undefined, time: time ?? undefined, record: value.record }
}

/** Integer or float seconds, an EventTime-like `{sec, nsec}`, or an ISO 8601 string. */
function readTime(value: unknown): EventTime | null | string {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return new EventTime(Number(value))
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 2 ** 32) return EventTime.fromFloat(value)
  if (isRecord(value) && typeof value.sec === 'number') return new EventTime(value.sec, typeof value.nsec === 'number' ? value.nsec : 0)
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    if (!Number.isNaN(ms)) return EventTime.fromFloat(ms / 1000)
  }
  return `invalid sample time ${describe(value)}: use seconds since the epoch or an ISO 8601 date`
}

function push(ctx: Context, tag: string, time: EventTime, record: Record<string, unknown>, line: number): void {
  ctx.samples.push(sampleOf(tag, time, record, line))
}

/** One sample from a decoded record (64-bit integers as bigint stay exact). */
export function sampleOf(tag: string, time: EventTime, record: Record<string, unknown>, line: number): Sample {
  return { tag, time, entry: encoder.encode([time, record]), line }
}

function readWholeArray(text: string, ctx: Context): boolean {
  const parsed = tryParse(text)
  if (!parsed.ok || !Array.isArray(parsed.value)) return false
  // One Fluentd Message-form line (["tag", time, {...}]) is a sample, not a list of samples.
  const v = parsed.value
  if (v.length === 3 && typeof v[0] === 'string' && isRecord(v[2]) && !isRecord(v[0])) return false
  const lines = elementLines(text, v.length)
  v.forEach((element, i) => addValue(element, lines[i], ctx))
  return true
}

/** The line each top-level element of a JSON array starts on (a cheap scan; strings are skipped). */
function elementLines(text: string, count: number): number[] {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let expectValue = false
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const c = text[i]
    if (c === '\n') line++
    else if (c === '"') {
      if (depth === 1 && expectValue) {
        lines.push(line)
        expectValue = false
      }
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
    } else if (c === '[' || c === '{') {
      if (depth === 1 && expectValue) {
        lines.push(line)
        expectValue = false
      }
      depth++
      if (depth === 1) expectValue = true
    } else if (c === ']' || c === '}') depth--
    else if (c === ',' && depth === 1) expectValue = true
    else if (depth === 1 && expectValue && !/\s/.test(c)) {
      lines.push(line)
      expectValue = false
    }
  }
  while (lines.length < count) lines.push(line)
  return lines
}

function leadingLines(text: string): number {
  const m = /^\s*/.exec(text)![0]
  return m.split('\n').length - 1
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseJsonLossless(text) }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`
  return `${typeof value} ${String(value)}`
}
