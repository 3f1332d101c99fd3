/**
 * @module parser_csv (`@type csv`): one CSV line zipped with `keys` (extra values dropped, missing
 * ones null). `parser_engine normal` reads quoting as Ruby's CSV does (a malformed line is invalid);
 * `fast` is Fluentd's quick splitter. An empty line is unmatched (Fluentd 1.19; 1.18 raised).
 */

import { parserEnv, RecordFinisher, TextParser, withDefaults } from '../../parser/common.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserCsvConfig, parserCsvDescriptor } from '../../schemas/parser_csv.ts'
import { parseCsvFast, parseCsvLine } from './csv-line.ts'

class CsvParser extends TextParser {
  private readonly keys: string[]
  private readonly delimiter: string
  private readonly fast: boolean

  constructor(config: ParserCsvConfig, env: ReturnType<typeof parserEnv>) {
    super(new RecordFinisher(config), env, 'csv', config.timeout)
    this.keys = config.keys
    this.delimiter = config.delimiter
    this.fast = config.parser_engine === 'fast'
  }

  protected parseText(text: string): void {
    if (this.fast) return this.emit(parseCsvFast(text, this.delimiter, this.keys) as ParsedRecord)
    const values = parseCsvLine(text, this.delimiter)
    if (values === null) return this.unmatched('empty line')
    const record: ParsedRecord = new Map()
    for (let i = 0; i < this.keys.length; i++) record.set(this.keys[i], values[i] ?? null)
    this.emit(record)
  }
}

export const parserCsv: PluginSpec<'parser', ParserCsvConfig> = {
  ...parserCsvDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserCsvDescriptor.schema, config)
    return new CsvParser(config, parserEnv(ctx))
  },
}
