/**
 * @module parser_tsv (`@type tsv`): the text split at `delimiter` into at most as many values as
 * `keys` (the last key takes the rest), zipped with the keys: every key is present, missing
 * values are null.
 */

import { parserEnv, RecordFinisher, TextParser, withDefaults } from '../../parser/common.ts'
import { rubySplit } from '../../parser/ruby.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserTsvConfig, parserTsvDescriptor } from '../../schemas/parser_tsv.ts'

class TsvParser extends TextParser {
  constructor(
    config: ParserTsvConfig,
    env: ReturnType<typeof parserEnv>,
    private readonly keys: string[],
    private readonly delimiter: string,
  ) {
    super(new RecordFinisher(config), env, 'tsv', config.timeout)
  }

  protected parseText(text: string): void {
    const values = rubySplit(text, this.delimiter, this.keys.length)
    const record: ParsedRecord = new Map()
    for (let i = 0; i < this.keys.length; i++) record.set(this.keys[i], values[i] ?? null)
    this.emit(record)
  }
}

export const parserTsv: PluginSpec<'parser', ParserTsvConfig> = {
  ...parserTsvDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserTsvDescriptor.schema, config)
    return new TsvParser(config, parserEnv(ctx), config.keys, config.delimiter)
  },
}
