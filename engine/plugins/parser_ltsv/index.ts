/**
 * @module parser_ltsv (`@type ltsv`): the text split at `delimiter` (or `delimiter_pattern`), each
 * pair split at its first `label_delimiter`; pairs without one are skipped. Values are strings.
 */

import { parserEnv, RecordFinisher, TextParser, withDefaults } from '../../parser/common.ts'
import { rubyRegexp } from '../../parser/patterns.ts'
import { rubySplit } from '../../parser/ruby.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserLtsvConfig, parserLtsvDescriptor } from '../../schemas/parser_ltsv.ts'

class LtsvParser extends TextParser {
  private readonly delimiter: string | RegExp
  private readonly label: string

  constructor(config: ParserLtsvConfig, env: ReturnType<typeof parserEnv>) {
    super(new RecordFinisher(config), env, 'ltsv', config.timeout)
    this.delimiter = config.delimiter_pattern === null ? config.delimiter : rubyRegexp(config.delimiter_pattern)
    this.label = config.label_delimiter
  }

  protected parseText(text: string): void {
    const record: ParsedRecord = new Map()
    for (const pair of rubySplit(text, this.delimiter)) {
      if (!pair.includes(this.label)) continue
      const [key, value] = rubySplit(pair, this.label, 2)
      if (key === undefined) continue
      record.set(key, value ?? '')
    }
    this.emit(record)
  }
}

export const parserLtsv: PluginSpec<'parser', ParserLtsvConfig> = {
  ...parserLtsvDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserLtsvDescriptor.schema, config)
    return new LtsvParser(config, parserEnv(ctx))
  },
}
