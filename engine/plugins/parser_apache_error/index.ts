/**
 * @module parser_apache_error (`@type apache_error`): Fluentd's RegexpParser with the apache_error expression and defaults of its descriptor (engine/parser/regexp-parser.ts).
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import { RegexpParser } from '../../parser/regexp-parser.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserApacheErrorConfig, parserApacheErrorDescriptor } from '../../schemas/parser_apache_error.ts'

export const parserApacheError: PluginSpec<'parser', ParserApacheErrorConfig> = {
  ...parserApacheErrorDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserApacheErrorDescriptor.schema, config)
    return new RegexpParser(config, parserEnv(ctx), 'apache_error')
  },
}
