/**
 * @module parser_json (`@type json`): an object is one record, an array gives one record per
 * object (other elements are unmatched), anything else — or text that is not JSON — is unmatched.
 * The time field is `time`; without `time_type`/`time_format` it is read as Fluentd's float, except
 * that a date string is read as a date instead of Fluentd's 1970 (warned once; see the README).
 */

import { BaseParser, type ParserEnv, parserEnv, RecordFinisher, withDefaults } from '../../parser/common.ts'
import { jsonDefaultTimeParser } from '../../parser/time-parser.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserJsonConfig, parserJsonDescriptor } from '../../schemas/parser_json.ts'
import { readJson } from './read.ts'

class JsonParser extends BaseParser {
  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    const read = readJson(bytes, start, end)
    if ('error' in read) return this.unmatched(read.error)
    const value = read.value
    if (value instanceof Map) return this.emit(value as ParsedRecord)
    if (!Array.isArray(value)) return this.unmatched(`not a JSON object: ${typeof value === 'string' ? 'a string' : String(value)}`)
    for (const item of value) {
      if (item instanceof Map) this.emit(item as ParsedRecord)
      else this.unmatched('an element of the JSON array is not an object')
    }
  }
}

function createJsonParser(config: ParserJsonConfig, env: ParserEnv): JsonParser {
  if (config.time_type === null && config.time_format === null) {
    let warned = false
    const timeParser = jsonDefaultTimeParser((value, readAsDate) => {
      if (warned) return
      warned = true
      env.log.warn(
        readAsDate
          ? `the time field is a date string (${JSON.stringify(value)}) but time_type is float by default: Fluentd would date such events in 1970; sluice reads it as a date. Set time_format (e.g. %iso8601) to make this explicit (not logged again)`
          : `the time field is not a number (${JSON.stringify(value)}) and time_type is float by default: read as Fluentd reads it (its leading digits as seconds). Set time_type or time_format (not logged again)`,
      )
    })
    return new JsonParser(new RecordFinisher(config, { timeParser }), env, 'json', config.timeout)
  }
  return new JsonParser(
    new RecordFinisher(config, { defaultTimeType: config.time_format === null ? 'float' : 'string' }),
    env,
    'json',
    config.timeout,
  )
}

export const parserJson: PluginSpec<'parser', ParserJsonConfig> = {
  ...parserJsonDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserJsonDescriptor.schema, config)
    return createJsonParser(config, parserEnv(ctx))
  },
}
