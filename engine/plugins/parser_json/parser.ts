/**
 * @module parser_json's parser over the core's JSON → msgpack transcoder (wasm/json.ts,
 * docs/core-abi.md §4): the text is copied into WASM memory once, the core writes each record as
 * msgpack with the time field taken out (or kept: keep_time_key) and numeric times converted
 * (time_type float / unixtime), and the records go to the sink as bytes — no JavaScript object per
 * record. The host steps in only where Fluentd's rules need it: a time the core did not convert
 * (strings with time_format or json's date guess, mixed, string, values out of range or of another
 * kind) is read from its text by the shared time parsers and patched into the entry; `types` and
 * `null_value_pattern` decode the record (Fluentd's convert_values on a Map) and write it again;
 * `null_empty_string` alone is applied on the bytes. `parseMany` runs many lines in one core call.
 */

import * as abi from '../../../wasm/abi.ts'
import type { JsonParser as CoreJsonParser } from '../../../wasm/json.ts'
import { EventTime } from '../../event-time.ts'
import { BaseParser, INVALID_UTF8, type ParserEnv, type RecordFinisher } from '../../parser/common.ts'
import { readValue } from '../../parser/record-reader.ts'
import { type EntrySink, failureOf, type ParseFailed, parseEach } from '../../parser/types.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import { skipObject } from '../../records/field-scan.ts'
import { timeValueAt } from './time-value.ts'
import { isUtf8 } from '../../records/utf8.ts'

const NO_TIME = 'the record has no time (estimate_current_event is false)'
const NOT_AN_ELEMENT_OBJECT = 'an element of the JSON array is not an object'
const textDecoder = new TextDecoder()

export interface JsonParserSettings {
  /** Numeric times the core converted are final (time_type float or unixtime); otherwise every time value goes to the host's time parser. */
  coreTimes: boolean
  /** `types` or `null_value_pattern` is set: records are decoded, converted and written again. */
  decode: boolean
  /** `null_empty_string` without the above: `""` values become nil on the bytes. */
  nullEmpty: boolean
  /** Nesting limit of the core handle (for messages). */
  maxDepth: number
}

export class JsonParser extends BaseParser {
  /** `timeout` is set: it is measured per parse, so `parseMany` parses line by line. */
  private readonly timed: boolean

  constructor(
    private readonly json: CoreJsonParser,
    private readonly settings: JsonParserSettings,
    finisher: RecordFinisher,
    env: ParserEnv,
    timeout: number | null,
  ) {
    super(finisher, env, 'json', timeout)
    this.timed = timeout !== null
  }

  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    if (!isUtf8(bytes, start, end)) return this.unmatched(INVALID_UTF8)
    const now = this.now
    this.json.runBytes(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), 'value', now.sec, now.nsec)
    for (let i = 0, n = this.json.itemCount; i < n; i++) this.item(i, bytes, start)
  }

  /** Many lines in one core call (the ParserPlugin batch form); the outcome of `parse` on each in turn. */
  parseMany(bytes: Uint8Array, ranges: ArrayLike<number>, count: number, out: EntrySink, now: EventTime, failed: ParseFailed): number {
    if (count === 0) return 0
    const lo = ranges[0]
    const hi = ranges[2 * count - 1]
    // `timeout` is measured per parse, and text that is not UTF-8 is refused per line: line by line then.
    if (this.timed || lo > hi || !isUtf8(bytes, lo, hi)) return parseEach(this, bytes, ranges, count, out, now, failed)
    const core = this.json.core
    core.aux(bytes.subarray(lo, hi))
    const at = core.exports.jsonRangesReserve(count)
    if (at === 0) throw new Error('core.wasm is out of memory (JSON ranges)')
    const words = core.i32()
    for (let i = 0, w = at >> 2; i < 2 * count; i++) words[w + i] = ranges[i] - lo
    this.json.run(1, 0, hi - lo, 'ranges', now.sec, now.nsec, count)
    const n = this.json.itemCount
    if (n === count && out.appendEntries !== undefined && this.wholeBlock(count)) {
      // One record per line, each final as the core wrote it: the entries go over in one copy.
      const u8 = core.u8()
      const ptr = core.result(abi.R_OUT_PTR)
      if (this.settings.nullEmpty) {
        const { words, base } = this.json.itemTable()
        for (let i = 0; i < count; i++) nullEmptyStrings(u8, ptr + words[base + i * abi.ITEM_WORDS + abi.I_ENTRY_START] + 11)
      }
      out.appendEntries(u8, ptr, ptr + core.result(abi.R_OUT_LEN), count)
      return count
    }
    let total = 0
    let i = 0
    for (let r = 0; r < count; r++) {
      this.reset(out, now)
      try {
        for (; i < n && this.json.item(i, abi.I_LINE) === r + 1; i++) this.item(i, bytes, lo)
      } catch (error) {
        this.invalid(error instanceof Error ? error.message : String(error))
        while (i < n && this.json.item(i, abi.I_LINE) === r + 1) i++
      }
      total += this.appended
      const failure = failureOf(this, this.appended)
      if (failure !== null) failed(r, failure)
    }
    this.out = null
    return total
  }

  /**
   * Are the `count` items of the last run one OK record per line, in order, whose times need
   * nothing from the host (absent with estimate_current_event, or converted by the core), with no
   * record decoding (`types`, `null_value_pattern`)? Then the core's entries are the result as is.
   */
  private wholeBlock(count: number): boolean {
    if (this.settings.decode) return false
    if (this.json.entryCount !== count) return false
    const { words, base } = this.json.itemTable()
    const estimate = this.finisher.estimate
    const coreTimes = this.settings.coreTimes
    for (let i = 0, w = base; i < count; i++, w += abi.ITEM_WORDS) {
      if (words[w + abi.I_STATUS] !== abi.ITEM_OK || words[w + abi.I_LINE] !== i + 1) return false
      const time = words[w + abi.I_TIME]
      if ((time & 0xff) === abi.TIME_KIND_ABSENT) {
        if (!estimate) return false
      } else if (!coreTimes || (time & abi.TIME_APPLIED) === 0) return false
    }
    return true
  }

  private reset(out: EntrySink, now: EventTime): void {
    this.lastError = ''
    this.lastFailure = null
    this.lastUnmatched = 0
    this.out = out
    this.now = now
    this.original = undefined
    this.appended = 0
  }

  /**
   * Item `i` of the last core run: a record is timed (the core's time, the host's, or none) and
   * appended; anything else counts as unmatched. `text` holds the run's text from `base`. Throws
   * ParserError (→ 'invalid') for a time value Fluentd's time parser refuses.
   */
  private item(i: number, text: Uint8Array, base: number): void {
    const json = this.json
    const { words, base: table } = json.itemTable()
    const w = table + i * abi.ITEM_WORDS
    const status = words[w + abi.I_STATUS]
    if (status !== abi.ITEM_OK) return this.unmatched(this.problem(i, status, text, base))
    const time = words[w + abi.I_TIME]
    const kind = time & 0xff
    if (kind === abi.TIME_KIND_ABSENT) {
      if (!this.finisher.estimate) {
        if (this.original === undefined) return this.unmatched(NO_TIME)
        json.setTime(i, this.original.sec, this.original.nsec)
      }
    } else if (!this.settings.coreTimes || (time & abi.TIME_APPLIED) === 0) {
      const value = timeValueAt(text, base + words[w + abi.I_TIME_START], base + words[w + abi.I_TIME_END], kind)
      const at = this.finisher.parseTime(value, this.now)
      json.setTime(i, at.sec, at.nsec)
    }
    // setTime writes memory but never grows it: the views stay valid.
    const out = json.core.result(abi.R_OUT_PTR)
    const recordStart = out + words[w + abi.I_ENTRY_START] + 11
    const recordEnd = out + words[w + abi.I_ENTRY_END]
    const sec = words[w + abi.I_SEC] >>> 0
    const nsec = words[w + abi.I_NSEC] >>> 0
    const u8 = json.core.u8()
    if (this.settings.decode) {
      const record = readValue(u8, recordStart)[0] as ParsedRecord
      this.finisher.convert(record, this.now)
      return this.emitAt(new EventTime(sec, nsec), record)
    }
    if (this.settings.nullEmpty) nullEmptyStrings(u8, recordStart)
    this.out!.appendEncoded(sec, nsec, u8, recordStart, recordEnd)
    this.appended++
  }

  /** Why item `i` (not a record) yielded nothing. */
  private problem(i: number, status: number, text: Uint8Array, base: number): string {
    const json = this.json
    const src = base + json.item(i, abi.I_SRC_START)
    const srcEnd = base + json.item(i, abi.I_SRC_END)
    if (status === abi.ITEM_INVALID) {
      const at = base + json.item(i, abi.I_ERROR_OFFSET)
      const what = at >= srcEnd ? 'end of text' : JSON.stringify(String.fromCharCode(text[at]))
      return `invalid JSON: unexpected ${what} at position ${at - src}`
    }
    if (status === abi.ITEM_TOO_DEEP)
      return `invalid JSON: nested deeper than ${this.settings.maxDepth} levels at position ${base + json.item(i, abi.I_ERROR_OFFSET) - src}`
    if (json.item(i, abi.I_INDEX) >= 0) return NOT_AN_ELEMENT_OBJECT
    const shown = textDecoder.decode(text.subarray(src, Math.min(srcEnd, src + 60)))
    return `not a JSON object: ${shown}${srcEnd - src > 60 ? '…' : ''}`
  }
}

/**
 * `null_empty_string` on a record's bytes: each top-level value that is the empty string (`a0`,
 * the only form the core writes for it) becomes nil (`c0`), in place — Fluentd's convert_values
 * on the top-level keys.
 */
function nullEmptyStrings(b: Uint8Array, p: number): void {
  const h = b[p]
  let pairs: number
  if (h >= 0x80 && h <= 0x8f) {
    pairs = h & 0x0f
    p += 1
  } else if (h === 0xde) {
    pairs = (b[p + 1] << 8) | b[p + 2]
    p += 3
  } else {
    pairs = ((b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4]) >>> 0
    p += 5
  }
  for (let k = 0; k < pairs; k++) {
    p = skipObject(b, p)
    if (b[p] === 0xa0) b[p] = 0xc0
    p = skipObject(b, p)
  }
}
