/**
 * @module Fluentd's text formatters for outputs that write lines (`<format @type ...>`):
 * `out_file` (`time<TAB>tag<TAB>json`, ISO 8601 local time by default), `json` (one JSON object
 * per line), `stdout` (`2026-11-21 06:52:00.123456789 +0000 tag: {"k":"v"}`) and `single_value`
 * (the `message_key` field). Records go from msgpack bytes straight to JSON text (msgpack-json.ts).
 */

import type { Core } from '../../wasm/core.ts'
import type { SectionSpec } from '../config/schema.ts'
import { decodeRecord } from '../event-stream.ts'
import { walkEntryRanges } from './entries.ts'
import { msgpackToJson } from './msgpack-json.ts'
import { variableText } from './chunking.ts'
import { iso8601, LOCAL, parseZone, strftime, UTC, type Zone } from './time-format.ts'

export const FORMAT_TYPES = ['out_file', 'json', 'stdout', 'single_value'] as const
export type FormatType = (typeof FORMAT_TYPES)[number]

/** The `<format>` section, with the plugin's default `@type`. */
export function formatSection(defaultType: FormatType): SectionSpec {
  return {
    name: 'format',
    description: 'How each event is written as text (Fluentd <format>).',
    init: true,
    schema: {
      params: [
        { name: '@type', type: 'enum', values: FORMAT_TYPES, default: defaultType, description: 'out_file, json, stdout or single_value.' },
        { name: 'output_time', type: 'bool', default: true, description: 'out_file: write the time.' },
        { name: 'output_tag', type: 'bool', default: true, description: 'out_file: write the tag.' },
        { name: 'delimiter', type: 'string', default: '\t', description: 'out_file: SPACE, COMMA, or a tab (anything else).' },
        {
          name: 'time_format',
          type: 'string',
          default: null,
          description: 'strftime format of the time (default ISO 8601; stdout: %Y-%m-%d %H:%M:%S.%N %z).',
        },
        {
          name: 'time_type',
          type: 'enum',
          values: ['string', 'unixtime', 'float'],
          default: 'string',
          description: 'Time as text, integer seconds or float seconds.',
        },
        { name: 'localtime', type: 'bool', default: true, description: 'Format times in local time.' },
        { name: 'utc', type: 'bool', default: false, description: 'Format times in UTC.' },
        { name: 'timezone', type: 'string', default: null, description: 'Format times in this zone (+0900, Asia/Tokyo).' },
        { name: 'add_newline', type: 'bool', default: true, description: 'json / single_value: end each event with a newline.' },
        { name: 'newline', type: 'enum', values: ['lf', 'crlf'], default: 'lf', description: 'The line ending.' },
        { name: 'message_key', type: 'string', default: 'message', description: 'single_value: the field written.' },
        { name: 'output_type', type: 'string', default: 'json', description: 'stdout: how the record is written (json).' },
        { name: 'json_parser', type: 'string', default: 'oj', description: 'Accepted for compatibility (sluice has one JSON writer).' },
      ],
    },
  }
}

export interface FormatConfig {
  '@type': FormatType
  output_time: boolean
  output_tag: boolean
  delimiter: string
  time_format: string | null
  time_type: 'string' | 'unixtime' | 'float'
  localtime: boolean
  utc: boolean
  timezone: string | null
  add_newline: boolean
  newline: 'lf' | 'crlf'
  message_key: string
  output_type: string
}

/** Formats one event: its tag, time and the record at `bytes[start, end)`. */
export type Formatter = (tag: string, sec: number, nsec: number, bytes: Uint8Array, start: number, end: number) => string

function timeFormatter(c: FormatConfig, defaultFormat: string | null): (sec: number, nsec: number) => string {
  if (c.time_type === 'unixtime') return (sec) => String(sec)
  if (c.time_type === 'float') return (sec, nsec) => `${sec}.${String(nsec).padStart(9, '0')}`
  let zone: Zone = c.utc || !c.localtime ? UTC : LOCAL
  if (c.timezone !== null) {
    const parsed = parseZone(c.timezone)
    if (parsed === null) throw new Error(`<format>: timezone ${JSON.stringify(c.timezone)} is not a zone`)
    zone = parsed
  }
  const format = c.time_format ?? defaultFormat
  if (format === null) return (sec) => iso8601(sec, zone)
  if (!/%[LN]/.test(format)) {
    let lastSec = -1
    let lastText = ''
    return (sec) => (sec === lastSec ? lastText : (lastText = strftime(format, (lastSec = sec), 0, zone)))
  }
  return (sec, nsec) => strftime(format, sec, nsec, zone)
}

/**
 * @example
 * const format = createFormatter(config.format as FormatConfig)
 * format('app', 1441588984, 0, bytes, 0, bytes.length) // '2015-09-07T01:23:04+00:00\tapp\t{"k":"v"}\n'
 */
export function createFormatter(c: FormatConfig): Formatter {
  const nl = c.newline === 'crlf' ? '\r\n' : '\n'
  switch (c['@type']) {
    case 'json':
      return c.add_newline ? (_t, _s, _n, b, s, e) => msgpackToJson(b, s, e) + nl : (_t, _s, _n, b, s, e) => msgpackToJson(b, s, e)
    case 'single_value': {
      const key = c.message_key
      const end = c.add_newline ? nl : ''
      return (_t, _s, _n, b, s, e) => variableText(decodeRecord(b.subarray(s, e))[key]) + end
    }
    case 'stdout': {
      if (c.output_type !== 'json') throw new Error(`<format>: output_type ${c.output_type} is not supported (use json)`)
      const time = timeFormatter(c, '%Y-%m-%d %H:%M:%S.%N %z')
      return (tag, sec, nsec, b, s, e) => `${time(sec, nsec)} ${tag}: ${msgpackToJson(b, s, e)}${nl}`
    }
    case 'out_file': {
      const d = /SPACE/i.test(c.delimiter) ? ' ' : /COMMA/i.test(c.delimiter) ? ',' : '\t'
      const time = c.output_time ? timeFormatter(c, null) : null
      const withTag = c.output_tag
      return (tag, sec, nsec, b, s, e) => `${time ? time(sec, nsec) + d : ''}${withTag ? tag + d : ''}${msgpackToJson(b, s, e)}${nl}`
    }
  }
}

/** Formats every event of an entries stream (walked with the core) into one string. */
export function formatEntries(core: Core, format: Formatter, tag: string, entries: Uint8Array): string {
  const lines: string[] = []
  const ok = walkEntryRanges(core, entries, (_s, _e, sec, nsec, rs, re, mem) => {
    lines.push(format(tag, sec, nsec, mem, rs, re))
  })
  if (!ok) throw new Error(`the events of ${tag || 'a chunk'} are not a valid entries stream`)
  return lines.join('')
}
