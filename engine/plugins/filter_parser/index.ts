/**
 * @module filter_parser (`@type parser`): parses the `key_name` field of each record with its
 * `<parse>` parser and builds the event from the result, as Fluentd's ParserFilter does. Records
 * stay msgpack bytes: the field's text goes to the parser as bytes, the parser's records come back
 * as bytes, and `reserve_data` / `inject_key_prefix` / `hash_value_field` /
 * `remove_key_name_field` rewrite maps at the byte level (map-bytes.ts).
 *
 * Per event: one input may give several records (a JSON array, several multiline matches). A
 * missing (or nil) field is an error event ("<key_name> does not exist") — and, with
 * `reserve_data`, the record also passes on. A text the parser does not match is an error event
 * ("pattern not matched with data '…'"), and passes on with `reserve_data`. A parse error (a time
 * that does not fit, bad CSV quoting, bytes that are not UTF-8) is an error event only. Error
 * events go to `@ERROR` (or one log line) when `emit_invalid_record_to_error` (the default).
 */

import { EntriesWriter } from '../../records/entries-writer.ts'
import { emitErrorEvents } from '../../error-events.ts'
import { decodeRecord, entryRanges } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import { CaptureSink } from '../../parser/capture-sink.ts'
import { INVALID_UTF8, withDefaults } from '../../parser/common.ts'
import { bytesRange, readValue } from '../../parser/record-reader.ts'
import { rubyClassName } from '../../parser/ruby.ts'
import { failureOf } from '../../parser/types.ts'
import type { FilterPlugin, PluginSpec } from '../../plugin.ts'
import { encodePath, findPath } from '../../records/field-scan.ts'
import { parseRecordAccessor } from '../../records/record-accessor.ts'
import { type FilterParserConfig, filterParserDescriptor } from '../../schemas/filter_parser.ts'
import { Bytes, deletePath, EMPTY_MAP, mergeMaps, prefixKeys, wrap } from './map-bytes.ts'
import { isUtf8 } from '../../records/utf8.ts'
import { scrub } from './scrub.ts'

const text = new TextDecoder()

export const filterParser: PluginSpec<'filter', FilterParserConfig> = {
  ...filterParserDescriptor,
  create(ctx, config): FilterPlugin {
    config = withDefaults(filterParserDescriptor.schema, config)
    const accessor = parseRecordAccessor(config.key_name)
    const path = encodePath(accessor.path)
    const parser = ctx.createParser(config.parse)
    const sink = new CaptureSink()
    const built = new Bytes()
    const scratch = new Bytes()
    const metrics = ctx.metrics

    /** The output record of `values` (a parsed map, or {} when none) for the original record `record`. */
    const handleParsed = (record: Uint8Array, rs: number, re: number, values: Uint8Array): Uint8Array => {
      let v = values
      if (config.inject_key_prefix !== null) {
        scratch.clear()
        prefixKeys(scratch, v, 0, v.length, config.inject_key_prefix)
        v = scratch.bytes()
      }
      if (config.hash_value_field !== null) {
        scratch.clear()
        wrap(scratch, config.hash_value_field, v, 0, v.length)
        v = scratch.bytes()
      }
      if (!config.reserve_data) return v
      built.clear()
      mergeMaps(built, record, rs, re, v, 0, v.length)
      return built.view()
    }

    return {
      filter(stream) {
        metrics.emits++
        metrics.eventsIn += stream.count
        metrics.bytesIn += stream.entries.length
        const b = stream.entries
        const ranges = entryRanges(ctx.core, stream)
        const out = new EntriesWriter(Math.max(256, b.length))
        const failed = new EntriesWriter(256)
        let failure: Error | null = null
        let sample: unknown
        const now = EventTime.now(ctx.now)
        const fail = (sec: number, nsec: number, rs: number, re: number, error: Error) => {
          if (!config.emit_invalid_record_to_error) return
          failed.appendEncoded(sec, nsec, b, rs, re)
          if (failure === null) {
            failure = error
            sample = decodeRecord(b.subarray(rs, re))
          }
        }
        for (let i = 0; i < ranges.length; i += 4) {
          const sec = ranges[i]
          const nsec = ranges[i + 1]
          const rs = ranges[i + 2]
          const re = ranges[i + 3]
          const at = findPath(b, rs, path)
          if (at < 0 || b[at] === 0xc0) {
            if (config.reserve_data) {
              const record = handleParsed(b, rs, re, EMPTY_MAP)
              out.appendEncoded(sec, nsec, record, 0, record.length)
            }
            fail(sec, nsec, rs, re, new ArgumentErrorLike(`${config.key_name} does not exist`))
            continue
          }
          const raw = bytesRange(b, at)
          if (raw === null) {
            fail(sec, nsec, rs, re, new Error(`parse failed: ${config.key_name} is not a string (${rubyClassName(readValue(b, at)[0])})`))
            continue
          }
          const original = new EventTime(sec, nsec)
          let input = b
          let [start, end] = raw
          sink.clear()
          let n = parser.parse(input, start, end, sink, now, original)
          let problem = failureOf(parser, n)
          if (problem?.kind === 'invalid' && problem.reason === INVALID_UTF8 && config.replace_invalid_sequence && !isUtf8(b, start, end)) {
            input = scrub(b, start, end)
            start = 0
            end = input.length
            sink.clear()
            n = parser.parse(input, start, end, sink, now, original)
            problem = failureOf(parser, n)
          }
          // The record the parsed values are merged into: without key_name once a parse succeeded.
          let record = b
          let recordStart = rs
          let recordEnd = re
          if (config.remove_key_name_field && sink.records.length > 0) {
            const removed = deletePath(b, rs, re, accessor.path)
            if (removed !== null) {
              record = removed
              recordStart = 0
              recordEnd = removed.length
            }
          }
          for (const r of sink.records) {
            const result = handleParsed(record, recordStart, recordEnd, r.bytes)
            if (config.reserve_time) out.appendEncoded(sec, nsec, result, 0, result.length)
            else out.appendEncoded(r.sec, r.nsec, result, 0, result.length)
          }
          if (problem === null) continue
          if (problem.kind === 'invalid') {
            fail(sec, nsec, rs, re, new Error(problem.reason))
            continue
          }
          const data = text.decode(b.subarray(raw[0], raw[1]))
          for (let k = 0; k < problem.count; k++) {
            fail(sec, nsec, rs, re, new Error(`pattern not matched with data '${data}'`))
            if (config.reserve_data) {
              const result = handleParsed(record, recordStart, recordEnd, EMPTY_MAP)
              out.appendEncoded(sec, nsec, result, 0, result.length)
            }
          }
        }
        if (failed.count > 0) emitErrorEvents(ctx, { tag: stream.tag, entries: failed.bytes(), count: failed.count }, failure, sample)
        if (out.count === 0) return null
        metrics.eventsOut += out.count
        metrics.bytesOut += out.length
        return { tag: stream.tag, entries: out.bytes(), count: out.count }
      },
    }
  },
}

/** Fluentd raises ArgumentError for a missing key; the name shows in the error event. */
class ArgumentErrorLike extends Error {
  override name = 'ArgumentError'
}
