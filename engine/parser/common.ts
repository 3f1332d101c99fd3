/**
 * @module What every parser shares (Fluentd's Parser base class): the time zone settings
 * (`localtime`/`utc`/`timezone`), the time field (`time_key`, `keep_time_key`,
 * `estimate_current_event`, the time parser of `time_type`/`time_format`), the value conversions
 * applied after it (`null_empty_string`, `null_value_pattern`, `types`), the `timeout` warning,
 * and `BaseParser`: the ParserPlugin bookkeeping (records appended, `lastError`, `lastFailure`),
 * the UTF-8 check of text input, and the msgpack writing of each record. A parser implements
 * `parseBytes` or `parseText` and calls `emit` / `unmatched`; it never throws out of `parse`.
 */

import type { PluginSchema } from '../config/schema.ts'
import { EventTime } from '../event-time.ts'
import type { Logger } from '../log.ts'
import { parseZone, UTC, type Zone } from '../time/zone.ts'
import type { CommonParseConfig } from './params.ts'
import { RecordWriter } from './record-writer.ts'
import { rubySplit, valueToF, valueToI, valueToS } from './ruby.ts'
import { createTimeParser, TIME_TYPES, TimeConfigError, TimeParseError, type TimeParser, type TimeType } from './time-parser.ts'
import { type EntrySink, failureOf, type ParseFailed, type ParserPlugin } from './types.ts'
import { FloatValue, type ParsedRecord } from './values.ts'

/** A `<parse>` config Fluentd would refuse (thrown from a parser's `create`, reported at the directive). */
export class ParserConfigError extends Error {}

/** Fluentd's ParserError: the record cannot be used (lastFailure 'invalid'). */
export class ParserError extends Error {}

/** The zone settings of a `<parse>`, resolved as Fluentd's TimeMixin does. */
export interface ZoneSettings {
  localtime: boolean
  utc: boolean
  timezone: string | null
}

/** Resolves localtime/utc/timezone; localtime and utc have no schema default, so undefined means "not written". */
export function zoneSettings(config: CommonParseConfig): ZoneSettings {
  const hasLocal = config.localtime !== undefined
  const hasUtc = config.utc !== undefined
  const utc = config.utc ?? false
  const localtime = hasLocal ? (config.localtime ?? true) : hasUtc ? !utc : true
  if (hasLocal && hasUtc && localtime === utc) throw new ParserConfigError('both of utc and localtime are specified, use only one of them')
  if (config.timezone !== null && !validTimezone(config.timezone)) throw new ParserConfigError(`Unsupported timezone '${config.timezone}'`)
  return { localtime, utc, timezone: config.timezone }
}

/** Fluentd's Timezone.validate: `[+-]HH:MM`, `[+-]HHMM`, `[+-]HH`, or `Region/Zone[/Zone]` known to the zone database. */
export function validTimezone(text: string): boolean {
  if (/^[+-]\d\d(:?\d\d)?$/.test(text)) return parseZone(text) !== null
  return /^[^/]+\/[^/]+(\/[^/]+)?$/.test(text) && parseZone(text) !== null
}

/** The zone of times without an offset for a time parser: null = local time (the default). */
function zoneFor(settings: ZoneSettings, timezone: string | null): Zone | null {
  if (timezone !== null) return parseZone(timezone)
  return settings.localtime && !settings.utc ? null : UTC
}

/** Fluentd's `time_parser_create(type:, format:, timezone:)`. */
export function timeParserFor(
  settings: ZoneSettings,
  type: TimeType,
  format: string | null,
  timezone: string | null,
  fallbacks: readonly string[] = [],
): TimeParser {
  try {
    return createTimeParser({ type, format, fallbacks, zone: zoneFor(settings, timezone) })
  } catch (error) {
    if (error instanceof TimeConfigError) throw new ParserConfigError(error.message)
    throw error
  }
}

type Converter = (value: unknown, nowSec: number) => unknown

const TRUTHY = new Set(['true', 'yes', '1'])

/** Fluentd's `types` converters (`build_type_converters`). */
function typeConverters(
  types: Record<string, unknown> | null,
  settings: ZoneSettings,
  fallbacks: readonly string[],
): Map<string, Converter> | null {
  if (types === null) return null
  const out = new Map<string, Converter>()
  for (const [field, definition] of Object.entries(types)) {
    const text = typeof definition === 'string' ? definition : valueToS(definition)
    const colon = text.indexOf(':')
    const type = colon < 0 ? text : text.slice(0, colon)
    const option = colon < 0 ? null : text.slice(colon + 1)
    switch (type) {
      case 'string':
        out.set(field, (v) => valueToS(v))
        break
      case 'integer':
        out.set(field, (v) => valueToI(v))
        break
      case 'float':
        out.set(field, (v) => new FloatValue(valueToF(v)))
        break
      case 'bool':
        out.set(field, (v) => TRUTHY.has(valueToS(v).toLowerCase()))
        break
      case 'time': {
        let parser: TimeParser
        if (option === null) parser = timeParserFor(settings, 'string', null, null, fallbacks)
        else {
          let timeType: TimeType = 'string'
          const at = option.indexOf(':')
          let timezone: string | null = at < 0 ? option : option.slice(0, at)
          let format: string | null = at < 0 ? null : option.slice(at + 1)
          if (!validTimezone(timezone)) {
            timezone = null
            format = option
          }
          if (format !== null && (TIME_TYPES as readonly string[]).includes(format)) {
            timeType = format as TimeType
            format = null
          }
          parser = timeParserFor(settings, timeType, format, timezone, fallbacks)
        }
        out.set(field, (v, now) => {
          try {
            return parser.parse(v, now)
          } catch {
            return null
          }
        })
        break
      }
      case 'array': {
        const delimiter = option ?? ','
        out.set(field, (v) => rubySplit(valueToS(v), delimiter))
        break
      }
      default:
        throw new ParserConfigError(`unknown value conversion for key:'${field}', type:'${type}'`)
    }
  }
  return out
}

/** Options a parser passes about its own defaults. */
export interface FinisherOptions {
  /** The time_type when none was written (json: float, or string when time_format is set). */
  defaultTimeType?: TimeType
  /** A time parser of the parser's own (parser_json's default), instead of the one time_type/time_format give. */
  timeParser?: TimeParser
}

/**
 * The time field and the value conversions of one parser config: `time(record, …)` takes the
 * time out of a record (Fluentd's `parse_time`), `convert(record, …)` applies the null patterns
 * and `types` (`convert_values`).
 */
export class RecordFinisher {
  readonly timeKey: string | null
  readonly keepTimeKey: boolean
  readonly estimate: boolean
  readonly settings: ZoneSettings
  readonly timeParser: TimeParser
  private readonly converters: Map<string, Converter> | null
  private readonly nullEmpty: boolean
  private readonly nullPattern: RegExp | null
  readonly converts: boolean

  constructor(config: CommonParseConfig, options: FinisherOptions = {}) {
    this.settings = zoneSettings(config)
    this.timeKey = config.time_key
    this.keepTimeKey = config.keep_time_key
    this.estimate = config.estimate_current_event
    const fallbacks = config.time_format_fallbacks.map((f) => String(f))
    const timeType = config.time_type ?? options.defaultTimeType ?? 'string'
    this.timeParser = options.timeParser ?? timeParserFor(this.settings, timeType, config.time_format, config.timezone, fallbacks)
    this.converters = typeConverters(config.types, this.settings, fallbacks)
    this.nullEmpty = config.null_empty_string
    this.nullPattern = config.null_value_pattern?.regexp ?? null
    this.converts = this.converters !== null || this.nullEmpty || this.nullPattern !== null
  }

  /**
   * The event time of a record: parsed from (and, unless keep_time_key, removed from) the time
   * field; `now` when it has none and estimate_current_event; else `original`, or null. Throws
   * ParserError when the value is not a time.
   */
  time(record: ParsedRecord, now: EventTime, original: EventTime | undefined): EventTime | null {
    const key = this.timeKey
    if (key !== null && record.has(key)) {
      const value = record.get(key)
      if (!this.keepTimeKey) record.delete(key)
      return this.parseTime(value, now)
    }
    return this.estimate ? now : (original ?? null)
  }

  /** Parses a time value with this config's time parser; ParserError when it is not one. */
  parseTime(value: unknown, now: EventTime): EventTime {
    try {
      return this.timeParser.parse(value, now.sec)
    } catch (error) {
      if (error instanceof TimeParseError) throw new ParserError(error.message)
      throw error
    }
  }

  /** Fluentd's `convert_values`: null patterns on strings, then the `types` conversions; nil and false are left as they are. */
  convert(record: ParsedRecord, now: EventTime): void {
    if (!this.converts) return
    for (const [key, value] of record) {
      if (value === null || value === undefined || value === false) continue
      if (typeof value === 'string' && this.likeNull(value)) {
        record.set(key, null)
        continue
      }
      const converter = this.converters?.get(key)
      if (converter !== undefined) record.set(key, converter(value, now.sec))
    }
  }

  private likeNull(value: string): boolean {
    if (this.nullEmpty && value === '') return true
    if (this.nullPattern === null) return false
    this.nullPattern.lastIndex = 0
    return this.nullPattern.test(value)
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export const INVALID_UTF8 = 'invalid byte sequence in UTF-8'

/** The shared context a parser is built with. */
export interface ParserEnv {
  log: Logger
  /** Milliseconds since the epoch (for the timeout warning). */
  now(): number
}

/**
 * The ParserPlugin bookkeeping every sluice parser shares. Subclasses implement `parseBytes`
 * (or extend TextParser for `parseText`) and report through `emit`, `emitAt`, `unmatched`.
 */
export abstract class BaseParser implements ParserPlugin {
  lastError = ''
  lastFailure: 'unmatched' | 'invalid' | null = null
  lastUnmatched = 0
  protected out: EntrySink | null = null
  protected now: EventTime = new EventTime(0)
  protected original: EventTime | undefined = undefined
  protected appended = 0
  private readonly writer = new RecordWriter()
  protected readonly timeoutMs: number | null

  constructor(
    readonly finisher: RecordFinisher,
    protected readonly env: ParserEnv,
    protected readonly type: string,
    timeout: number | null,
  ) {
    this.timeoutMs = timeout === null ? null : timeout * 1000
  }

  parse(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, original?: EventTime): number {
    this.begin(out, now, original)
    const began = this.timeoutMs === null ? 0 : this.env.now()
    try {
      this.parseBytes(bytes, start, end)
    } catch (error) {
      this.invalid(error instanceof Error ? error.message : String(error))
    }
    if (this.timeoutMs !== null) this.checkTimeout(began, bytes.subarray(start, Math.min(end, start + 1024)))
    this.out = null
    return this.appended
  }

  /**
   * Runs one parse for a stream: resets the outcome, runs `body` (its exceptions become an
   * 'invalid' outcome), warns when it took longer than `timeout`. Returns the records appended.
   */
  protected run(
    out: EntrySink,
    now: EventTime,
    original: EventTime | undefined,
    body: () => void,
    text: () => Uint8Array | string,
  ): number {
    this.begin(out, now, original)
    const began = this.timeoutMs === null ? 0 : this.env.now()
    try {
      body()
    } catch (error) {
      this.invalid(error instanceof Error ? error.message : String(error))
    }
    if (this.timeoutMs !== null) this.checkTimeout(began, text())
    this.out = null
    return this.appended
  }

  protected begin(out: EntrySink, now: EventTime, original: EventTime | undefined): void {
    this.lastError = ''
    this.lastFailure = null
    this.lastUnmatched = 0
    this.out = out
    this.now = now
    this.original = original
    this.appended = 0
  }

  private checkTimeout(began: number, sample: Uint8Array | string): void {
    const took = this.env.now() - began
    if (took <= this.timeoutMs!) return
    this.env.log.warn(`parsing took longer than timeout with parser_${this.type}`, {
      seconds: took / 1000,
      timeout: this.timeoutMs! / 1000,
      text: typeof sample === 'string' ? sample.slice(0, 1024) : new TextDecoder().decode(sample),
    })
  }

  protected abstract parseBytes(bytes: Uint8Array, start: number, end: number): void

  /** Takes the time out of `record`, converts its values, and appends it (or counts it unmatched when it has no time). */
  protected emit(record: ParsedRecord): void {
    const time = this.finisher.time(record, this.now, this.original)
    this.finisher.convert(record, this.now)
    this.emitAt(time, record)
  }

  /** Appends `record` at `time` (null: estimate_current_event's now, else original, else unmatched). */
  protected emitAt(time: EventTime | null, record: unknown): void {
    const at = time ?? (this.finisher.estimate ? this.now : this.original)
    if (at === undefined) {
      this.unmatched('the record has no time (estimate_current_event is false)')
      return
    }
    const n = this.writer.encode(record)
    this.out!.appendEncoded(at.sec, at.nsec, this.writer.bytes(), 0, n)
    this.appended++
  }

  /**
   * Appends the record of string fields `keys[i]` → `values[i]` (see RecordWriter.encodeStringPairs;
   * `skip`: the index of a field left out, the time key) at `time`, as `emitAt` does — for parsers
   * that have the values at hand and no conversions to apply (no Map per record).
   */
  protected emitStringPairs(
    time: EventTime | null,
    keys: readonly Uint8Array[],
    values: readonly (string | undefined)[],
    skip: number,
  ): void {
    const at = time ?? (this.finisher.estimate ? this.now : this.original)
    if (at === undefined) {
      this.unmatched('the record has no time (estimate_current_event is false)')
      return
    }
    const n = this.writer.encodeStringPairs(keys, values, skip)
    this.out!.appendEncoded(at.sec, at.nsec, this.writer.bytes(), 0, n)
    this.appended++
  }

  /** One part of the input yielded no record: Fluentd's `yield nil, nil`. */
  protected unmatched(reason = 'pattern not matched'): void {
    if (this.lastFailure !== 'invalid') {
      this.lastFailure = 'unmatched'
      this.lastError = reason
    }
    this.lastUnmatched++
  }

  /** The input has the parser's shape but cannot be used: Fluentd raises (the rest of the input is not read). */
  protected invalid(reason: string): void {
    this.lastFailure = 'invalid'
    this.lastError = reason
    this.lastUnmatched++
  }
}

/**
 * A parser of text: the bytes must be UTF-8 (Fluentd raises "invalid byte sequence in UTF-8" on its
 * regexps). `parseMany` decodes a batch of lines with one TextDecoder call when it is all ASCII
 * (each line is then a slice of that string, its byte offsets its character offsets), instead of
 * one decode per line; the outcome is that of `parse` on each line.
 */
export abstract class TextParser extends BaseParser {
  parseMany(bytes: Uint8Array, ranges: ArrayLike<number>, count: number, out: EntrySink, now: EventTime, failed: ParseFailed): number {
    if (count === 0) return 0
    const lo = ranges[0]
    const hi = ranges[2 * count - 1]
    // `timeout` is measured per parse; text that is not all ASCII is decoded line by line.
    const text = this.timeoutMs === null && lo <= hi ? decodeUtf8(bytes, lo, hi) : null
    let total = 0
    for (let r = 0; r < count; r++) {
      let n: number
      if (text === null || text.length !== hi - lo) n = this.parse(bytes, ranges[2 * r], ranges[2 * r + 1], out, now)
      else {
        this.begin(out, now, undefined)
        try {
          this.parseText(text.slice(ranges[2 * r] - lo, ranges[2 * r + 1] - lo))
        } catch (error) {
          this.invalid(error instanceof Error ? error.message : String(error))
        }
        this.out = null
        n = this.appended
      }
      total += n
      const failure = failureOf(this, n)
      if (failure !== null) failed(r, failure)
    }
    return total
  }

  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    let text: string
    try {
      text = strictUtf8.decode(bytes.subarray(start, end))
    } catch {
      this.invalid(INVALID_UTF8)
      return
    }
    this.parseText(text)
  }

  protected abstract parseText(text: string): void
}

/** Decodes UTF-8 strictly; null when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string | null {
  try {
    return strictUtf8.decode(bytes.subarray(start, end))
  } catch {
    return null
  }
}

/** The ParserEnv of a plugin context. */
export function parserEnv(ctx: { log: Logger; now(): number }): ParserEnv {
  return { log: ctx.log, now: () => ctx.now() }
}

/**
 * A parser's config with the schema's defaults filled in for params it does not have: parsers may
 * be built from configs written in code (`ctx.createParser({ '@type': 'json' })`), not only from
 * validated `<parse>` sections.
 */
export function withDefaults<C>(schema: PluginSchema, config: C): C {
  const out = { ...(config as Record<string, unknown>) }
  for (const p of schema.params) if (out[p.name] === undefined && p.default !== undefined) out[p.name] = p.default
  return out as C
}
