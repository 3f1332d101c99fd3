/**
 * @module JSON and NDJSON bodies → PackedForward entries through the core's transcoder
 * (wasm/json.ts, docs/core-abi.md §4): the body bytes go into WASM memory once, the entries come
 * out once, and no JavaScript object is made per event — only for the items that are refused
 * (their error message). in_http's record rules ride along: the time key (numbers → EventTime as
 * `EventTime.fromFloat`; absent, null or false → now; anything else refuses the record), and the
 * decorations HTTP_* / QUERY_* / REMOTE_ADDR appended to each record as msgpack pairs (an existing
 * key takes the new value in place, as Ruby's `record[k] = v`).
 */

import { encode } from '@msgpack/msgpack'
import * as abi from '../../wasm/abi.ts'
import type { Core } from '../../wasm/core.ts'
import type { JsonParser } from '../../wasm/json.ts'
import { describe } from './payload.ts'
import { timeFieldProblem } from './records.ts'

const textDecoder = new TextDecoder()

/** The parsers of one ingest app: with and without the time key (a `time` param turns it off). */
export class JsonBodies {
  private timed: JsonParser | null = null
  private untimed: JsonParser | null = null
  /** Whether each parser holds extras now (setting none again is skipped). */
  private readonly hasExtras = new Map<JsonParser, boolean>()

  constructor(
    private readonly core: Core,
    private readonly o: { timeKey: string; keepTimeKey: boolean; recordSizeLimit: number },
  ) {}

  /** The parser for this request; `extras` (msgpack pairs, or null) are set on it. */
  parser(withTimeKey: boolean, extras: Uint8Array | null): JsonParser {
    let p = withTimeKey ? this.timed : this.untimed
    if (p === null) {
      p = this.core.createJsonParser({
        timeKey: withTimeKey ? this.o.timeKey : null,
        timeMode: 'double',
        keepTimeKey: this.o.keepTimeKey,
        maxRecordBytes: this.o.recordSizeLimit,
      })
      if (withTimeKey) this.timed = p
      else this.untimed = p
    }
    if (extras !== null || this.hasExtras.get(p) !== false) {
      p.setExtras(extras)
      this.hasExtras.set(p, extras !== null)
    }
    return p
  }
}

/** The request's decorations as msgpack `key value …` pairs (null when there are none). */
export function extrasOf(
  headers: [string, string][] | null,
  query: [string, string][] | null,
  remoteAddr: string | null | undefined,
): Uint8Array | null {
  if (headers === null && query === null && remoteAddr === undefined) return null
  const parts: Uint8Array[] = []
  for (const [k, v] of headers ?? []) parts.push(encode(k), encode(v))
  for (const [k, v] of query ?? []) parts.push(encode(k), encode(v))
  if (remoteAddr !== undefined) parts.push(encode('REMOTE_ADDR'), encode(remoteAddr))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const NONE: readonly number[] = []

/**
 * The items of the parser's last run that need a look: not OK, or (with `checkTimes`) a time value
 * that did not set the entry's time and is not absent, null or false. Usually none: one pass over
 * the item table, nothing allocated.
 */
export function itemsToCheck(parser: JsonParser, checkTimes: boolean): readonly number[] {
  const { words, base } = parser.itemTable()
  let out: number[] | null = null
  for (let i = 0, n = parser.itemCount, w = base; i < n; i++, w += abi.ITEM_WORDS) {
    let check = words[w + abi.I_STATUS] !== abi.ITEM_OK
    if (!check && checkTimes) {
      const time = words[w + abi.I_TIME]
      const kind = time & 0xff
      check =
        (time & abi.TIME_APPLIED) === 0 && kind !== abi.TIME_KIND_ABSENT && kind !== abi.TIME_KIND_NULL && kind !== abi.TIME_KIND_FALSE
    }
    if (check) {
      out ??= []
      out.push(i)
    }
  }
  return out ?? NONE
}

/** The text of item `i`'s word pair (src or time), from the body. */
function textOf(parser: JsonParser, i: number, startWord: number, body: Uint8Array): string {
  return textDecoder.decode(body.subarray(parser.item(i, startWord), parser.item(i, startWord + 1)))
}

/**
 * in_http's verdict on record `i`'s time value: null when usable (a number in range — already the
 * entry's time — or absent, null, false: now), else the error (Fluentd: `Time.at` raises → 400).
 */
export function timeProblem(parser: JsonParser, i: number, body: Uint8Array, key: string): string | null {
  const time = parser.item(i, abi.I_TIME)
  const kind = time & 0xff
  if (kind === abi.TIME_KIND_ABSENT || kind === abi.TIME_KIND_NULL || kind === abi.TIME_KIND_FALSE) return null
  if (time & abi.TIME_APPLIED) return null
  return timeFieldProblem(JSON.parse(textOf(parser, i, abi.I_TIME_START, body)), key)
}

/** Why item `i` (not OK) was refused, for logs and the edge's answer. */
export function itemProblem(parser: JsonParser, i: number, body: Uint8Array, maxDepth = 512): string {
  const status = parser.item(i, abi.I_STATUS)
  const start = parser.item(i, abi.I_SRC_START)
  if (status === abi.ITEM_INVALID) {
    const at = parser.item(i, abi.I_ERROR_OFFSET)
    const what = at >= parser.item(i, abi.I_SRC_END) ? 'end of text' : `${JSON.stringify(String.fromCharCode(body[at]))}`
    return `invalid JSON: unexpected ${what} at position ${at - start}`
  }
  if (status === abi.ITEM_TOO_DEEP)
    return `invalid JSON: nested deeper than ${maxDepth} levels at position ${parser.item(i, abi.I_ERROR_OFFSET) - start}`
  if (status === abi.ITEM_NOT_OBJECT) {
    const value = describe(parseLenient(textOf(parser, i, abi.I_SRC_START, body)), 60)
    return parser.item(i, abi.I_INDEX) >= 0 ? `not an object: ${value}` : `not an object or an array of objects: ${value}`
  }
  return `record is ${parser.item(i, abi.I_RECORD_SIZE)} bytes (msgpack)`
}

function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
