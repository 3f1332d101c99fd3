/**
 * @module parser_syslog (`@type syslog`): RFC 3164 and RFC 5424 lines, with or without `<PRI>`,
 * or `auto` (RFC 5424 when `<PRI>` is followed by a version digit). Two engines, as Fluentd has:
 * - `regexp` (default): the PRI is read, the time field is cut by counting the spaces of the time
 *   format (runs of spaces count once: `Jun  4` is `Jun 4`), parsed, then Fluentd's regexp is
 *   matched on the rest of the line (regexp-engine.ts);
 * - `string`: Fluentd's splitter, which differs on edge cases (string-engine.ts).
 * A time that does not parse makes the line invalid (Fluentd raises), a line without the parts
 * is unmatched.
 */

import type { EventTime } from '../../event-time.ts'
import { parserEnv, RecordFinisher, TextParser, timeParserFor, type ParserEnv, withDefaults } from '../../parser/common.ts'
import { DETECT_RFC5424 } from '../../parser/patterns.ts'
import type { TimeParser } from '../../parser/time-parser.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserSyslogConfig, parserSyslogDescriptor } from '../../schemas/parser_syslog.ts'
import { parse3164Regexp, parse5424Regexp } from './regexp-engine.ts'
import { parse3164String, parse5424String } from './string-engine.ts'

export const RFC3164_TIME_FORMAT = '%b %d %H:%M:%S'
const RFC5424_WITHOUT_SUBSECONDS = '%Y-%m-%dT%H:%M:%S%z'

/** What an engine returns: the record and its time, 'unmatched', or throws for an invalid line. */
export type SyslogResult = { time: EventTime | null; record: ParsedRecord } | 'unmatched'

/** What the engines need to read one line. */
export interface SyslogSettings {
  withPriority: boolean
  keepTimeKey: boolean
  supportColonlessIdent: boolean
  /** Spaces in the RFC 3164 / 5424 time formats (+1), runs counted once. */
  spaces3164: number
  spaces5424: number
  /** string engine: the 3164 format is `%b %d %H:%M:%S` (or with `.%N`): the time is 15 characters. */
  fixed3164: boolean
  /** string engine: the 5424 format has no space: the time ends at the first space. */
  fixed5424: boolean
  time3164(text: string): EventTime
  /** The RFC 5424 time, retried without subseconds as Fluentd does. */
  time5424(text: string): EventTime
}

/** Fluentd's `format.squeeze(' ').count(' ') + 1`. */
function spaceCount(format: string): number {
  return format.replace(/ +/g, ' ').split(' ').length
}

class SyslogParser extends TextParser {
  private readonly settings: SyslogSettings
  private readonly read: (text: string, s: SyslogSettings) => SyslogResult

  constructor(config: ParserSyslogConfig, env: ParserEnv) {
    const format3164 = config.time_format ?? RFC3164_TIME_FORMAT
    const format5424 = config.message_format === 'rfc5424' ? (config.time_format ?? config.rfc5424_time_format) : config.rfc5424_time_format
    const finisher = new RecordFinisher({ ...config, time_format: config.message_format === 'rfc5424' ? format5424 : format3164 })
    super(finisher, env, 'syslog', config.timeout)
    const type = config.time_type ?? 'string'
    const make = (format: string): TimeParser => timeParserFor(finisher.settings, type, format, config.timezone)
    const parser3164 = make(format3164)
    const parser5424 = make(format5424)
    const parser5424NoFraction = make(RFC5424_WITHOUT_SUBSECONDS)
    const now = () => this.now.sec
    this.settings = {
      withPriority: config.with_priority,
      keepTimeKey: config.keep_time_key,
      supportColonlessIdent: config.support_colonless_ident,
      spaces3164: spaceCount(format3164),
      spaces5424: spaceCount(format5424),
      fixed3164: format3164 === '%b %d %H:%M:%S' || format3164 === '%b %d %H:%M:%S.%N',
      fixed5424: !format5424.includes(' '),
      time3164: (text) => parser3164.parse(text, now()),
      time5424: (text) => {
        try {
          return parser5424.parse(text, now())
        } catch {
          return parser5424NoFraction.parse(text, now())
        }
      },
    }
    const string = config.parser_engine === 'string'
    const r3164 = string ? parse3164String : parse3164Regexp
    const r5424 = string ? parse5424String : parse5424Regexp
    this.read =
      config.message_format === 'rfc3164'
        ? r3164
        : config.message_format === 'rfc5424'
          ? r5424
          : (text, s) => (DETECT_RFC5424.test(text) ? r5424 : r3164)(text, s)
  }

  protected parseText(text: string): void {
    const result = this.read(text, this.settings)
    if (result === 'unmatched') return this.unmatched()
    this.emitAt(result.time, result.record)
  }
}

export const parserSyslog: PluginSpec<'parser', ParserSyslogConfig> = {
  ...parserSyslogDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserSyslogDescriptor.schema, config)
    return new SyslogParser(config, parserEnv(ctx))
  },
}
