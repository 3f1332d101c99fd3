/**
 * @module parser_regexp (`@type regexp`): Fluentd's RegexpParser (engine/parser/regexp-parser.ts).
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import { RegexpParser } from '../../parser/regexp-parser.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserRegexpConfig, parserRegexpDescriptor } from '../../schemas/parser_regexp.ts'

export const parserRegexp: PluginSpec<'parser', ParserRegexpConfig> = {
  ...parserRegexpDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserRegexpDescriptor.schema, config)
    return new RegexpParser(config, parserEnv(ctx), 'regexp')
  },
}
