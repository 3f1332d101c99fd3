/**
 * @module parser_apache2 (`@type apache2`): Fluentd's fixed Apache combined-log parser. Every
 * field is present: `-` (and a missing referer/agent/path) becomes null, `code` and `size` become
 * integers (code 0 becomes null). The time always uses `%d/%b/%Y:%H:%M:%S %z`; `types` and the
 * null patterns do not apply (Fluentd's apache2 does not run them either).
 */

import type { EventTime } from '../../event-time.ts'
import { parserEnv, RecordFinisher, TextParser, timeParserFor, type ParserEnv, withDefaults } from '../../parser/common.ts'
import { APACHE_TIME_FORMAT, APACHE2_REGEXP } from '../../parser/patterns.ts'
import { stringToI } from '../../parser/ruby.ts'
import type { TimeParser } from '../../parser/time-parser.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserApache2Config, parserApache2Descriptor } from '../../schemas/parser_apache2.ts'

const dash = (v: string | undefined) => (v === undefined || v === '-' ? null : v)

class Apache2Parser extends TextParser {
  private readonly timeParser: TimeParser
  private readonly keepTime: boolean

  constructor(config: ParserApache2Config, env: ParserEnv) {
    const finisher = new RecordFinisher(config)
    super(finisher, env, 'apache2', config.timeout)
    this.timeParser = timeParserFor(finisher.settings, config.time_type ?? 'string', APACHE_TIME_FORMAT, config.timezone)
    this.keepTime = config.keep_time_key
  }

  protected parseText(text: string): void {
    const m = APACHE2_REGEXP.exec(text)
    if (m === null) return this.unmatched()
    const g = m.groups!
    const time: EventTime = this.timeParser.parse(g.time, this.now.sec)
    const code = stringToI(g.code)
    const record: ParsedRecord = new Map<string, unknown>([
      ['host', dash(g.host)],
      ['user', dash(g.user)],
      ['method', g.method],
      ['path', g.path ?? null],
      ['code', code === 0 ? null : code],
      ['size', g.size === '-' ? null : stringToI(g.size)],
      ['referer', dash(g.referer)],
      ['agent', dash(g.agent)],
    ])
    if (this.keepTime) record.set('time', g.time)
    this.emitAt(time, record)
  }
}

export const parserApache2: PluginSpec<'parser', ParserApache2Config> = {
  ...parserApache2Descriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserApache2Descriptor.schema, config)
    return new Apache2Parser(config, parserEnv(ctx))
  },
}
