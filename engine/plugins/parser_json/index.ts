/**
 * @module parser_json (`@type json`): an object is one record, an array gives one record per
 * object (other elements are unmatched), anything else — or text that is not JSON — is unmatched.
 * The text is read by the core's JSON → msgpack transcoder (parser.ts): records stay bytes. The
 * time field is `time`; without `time_type`/`time_format` it is read as Fluentd's float, except
 * that a date string is read as a date instead of Fluentd's 1970 (warned once; see the README).
 */

import { DEFAULT_MAX_DEPTH } from '../../../wasm/json.ts'
import { parserEnv, RecordFinisher, withDefaults } from '../../parser/common.ts'
import { jsonDefaultTimeParser } from '../../parser/time-parser.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserJsonConfig, parserJsonDescriptor } from '../../schemas/parser_json.ts'
import { JsonParser } from './parser.ts'

export const parserJson: PluginSpec<'parser', ParserJsonConfig> = {
  ...parserJsonDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserJsonDescriptor.schema, config)
    const env = parserEnv(ctx)
    let finisher: RecordFinisher
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
      finisher = new RecordFinisher(config, { timeParser })
    } else {
      finisher = new RecordFinisher(config, { defaultTimeType: config.time_format === null ? 'float' : 'string' })
    }
    // Numbers are converted by the core as time_type float (json's default) or unixtime reads
    // them; string and mixed send every time value to the host's parser.
    const timeType = config.time_type ?? (config.time_format === null ? 'float' : 'string')
    const json = ctx.core.createJsonParser({
      timeKey: config.time_key,
      timeMode: timeType === 'unixtime' ? 'unixtime' : 'float',
      keepTimeKey: config.keep_time_key,
      maxDepth: DEFAULT_MAX_DEPTH,
    })
    const decode = config.types !== null || config.null_value_pattern !== null
    return new JsonParser(
      json,
      {
        coreTimes: timeType === 'float' || timeType === 'unixtime',
        decode,
        nullEmpty: !decode && config.null_empty_string,
        maxDepth: DEFAULT_MAX_DEPTH,
      },
      finisher,
      env,
      config.timeout,
    )
  },
}
