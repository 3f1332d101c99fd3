/**
 * @module parser_msgpack (`@type msgpack`): the input is msgpack objects one after another; a map
 * is a record, an array gives one record per map (other elements are unmatched), any other object
 * is unmatched, a malformed byte makes the rest invalid. Records stay bytes: the time field is
 * read and cut out at the byte level, and only `types` / the null patterns decode a record.
 * `newStream()` takes chunks of a byte stream and keeps an object cut between chunks.
 */

import type { EventTime } from '../../event-time.ts'
import { BaseParser, type ParserEnv, parserEnv, RecordFinisher, withDefaults } from '../../parser/common.ts'
import {
  container,
  INVALID,
  isArray,
  isMap,
  mapEntries,
  readValue,
  sameBytes,
  skip,
  strRange,
  TRUNCATED,
} from '../../parser/record-reader.ts'
import type { EntrySink, ParserStream, Unmatched } from '../../parser/types.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserMsgpackConfig, parserMsgpackDescriptor } from '../../schemas/parser_msgpack.ts'

const TRUNCATED_OBJECT = 'the input ends inside a msgpack object'

class MsgpackParser extends BaseParser {
  private readonly timeKey: Uint8Array | null
  private scratch = new Uint8Array(256)

  constructor(
    config: ParserMsgpackConfig,
    env: ParserEnv,
    private readonly limit: number,
  ) {
    super(new RecordFinisher(config), env, 'msgpack', config.timeout)
    this.timeKey = config.time_key === null ? null : new TextEncoder().encode(config.time_key)
  }

  newStream(): ParserStream {
    return new MsgpackStream(this, this.limit)
  }

  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    const tail = this.objects(bytes, start, end)
    if (tail < end) this.unmatched(TRUNCATED_OBJECT)
  }

  /** Parses the complete objects of `[start, end)`; returns where an incomplete one starts (or `end`). */
  objects(bytes: Uint8Array, start: number, end: number): number {
    let p = start
    while (p < end) {
      const next = skip(bytes, p, end)
      if (next === TRUNCATED) return p
      if (next === INVALID) {
        this.invalid('invalid msgpack (malformed or nested too deep)')
        return end
      }
      if (isMap(bytes, p)) this.record(bytes, p, next)
      else if (isArray(bytes, p)) {
        const { count, first } = container(bytes, p)
        let at = first
        for (let i = 0; i < count; i++) {
          const after = skip(bytes, at, next)
          if (isMap(bytes, at)) this.record(bytes, at, after)
          else this.unmatched('an element of the msgpack array is not a map')
          at = after
        }
      } else this.unmatched('the msgpack object is not a map')
      p = next
    }
    return end
  }

  /** Runs `objects` as one parse for a stream. */
  runObjects(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime): { appended: number; tail: number } {
    let tail = end
    const appended = this.run(
      out,
      now,
      undefined,
      () => (tail = this.objects(bytes, start, end)),
      () => bytes.subarray(start, end),
    )
    return { appended, tail }
  }

  private record(b: Uint8Array, p: number, e: number): void {
    const finisher = this.finisher
    let timeAt = -1
    const entries = this.timeKey === null ? [] : mapEntries(b, p, e)
    const drop = new Set<number[]>()
    for (const entry of entries) {
      const key = strRange(b, entry[0])
      if (key !== null && sameBytes(b, key[0], key[1], this.timeKey!)) {
        timeAt = entry[1]
        drop.add(entry)
      }
    }
    const time: EventTime | null = timeAt >= 0 ? finisher.parseTime(readValue(b, timeAt)[0], this.now) : null
    if (finisher.converts) {
      const record = readValue(b, p)[0] as ParsedRecord
      if (timeAt >= 0 && !finisher.keepTimeKey) record.delete(this.finisher.timeKey!)
      finisher.convert(record, this.now)
      return this.emitAt(time, record)
    }
    if (drop.size === 0 || finisher.keepTimeKey) return this.appendBytes(time, b, p, e)
    // The record without its time field, at the byte level.
    const kept = entries.filter((entry) => !drop.has(entry))
    let size = 5
    for (const [k, , v] of kept) size += v - k
    if (this.scratch.length < size) this.scratch = new Uint8Array(size * 2)
    const out = this.scratch
    let at = 0
    const n = kept.length
    if (n < 16) out[at++] = 0x80 | n
    else if (n < 65536) {
      out[at++] = 0xde
      out[at++] = n >> 8
      out[at++] = n & 0xff
    } else {
      out[at++] = 0xdf
      new DataView(out.buffer).setUint32(at, n)
      at += 4
    }
    for (const [k, , v] of kept) {
      out.set(b.subarray(k, v), at)
      at += v - k
    }
    this.appendBytes(time, out, 0, at)
  }

  private appendBytes(time: EventTime | null, b: Uint8Array, start: number, end: number): void {
    const at = time ?? (this.finisher.estimate ? this.now : this.original)
    if (at === undefined) return this.unmatched('the record has no time (estimate_current_event is false)')
    this.out!.appendEncoded(at.sec, at.nsec, b, start, end)
    this.appended++
  }
}

/** Chunks of one msgpack byte stream: an object cut between chunks is kept (up to `limit` bytes) for the next. */
class MsgpackStream implements ParserStream {
  private held: Uint8Array | null = null

  constructor(
    private readonly parser: MsgpackParser,
    private readonly limit: number,
  ) {}

  get pending(): boolean {
    return this.held !== null
  }

  push(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    let data = bytes
    let from = start
    let to = end
    if (this.held !== null) {
      data = new Uint8Array(this.held.length + (end - start))
      data.set(this.held)
      data.set(bytes.subarray(start, end), this.held.length)
      from = 0
      to = data.length
      this.held = null
    }
    const { appended, tail } = this.parser.runObjects(data, from, to, out, now)
    if (this.parser.lastFailure !== null) unmatched(data.slice(from, tail), this.parser.lastError)
    if (tail < to) {
      if (to - tail > this.limit) unmatched(data.slice(tail, to), `a msgpack object larger than max_joined_size (${this.limit} bytes)`)
      else this.held = data.slice(tail, to)
    }
    return appended
  }

  flush(_out: EntrySink, _now: EventTime, unmatched: Unmatched): number {
    if (this.held !== null) unmatched(this.held, TRUNCATED_OBJECT)
    this.held = null
    return 0
  }
}

export const parserMsgpack: PluginSpec<'parser', ParserMsgpackConfig> = {
  ...parserMsgpackDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserMsgpackDescriptor.schema, config)
    return new MsgpackParser(config, parserEnv(ctx), config.max_joined_size)
  },
}
