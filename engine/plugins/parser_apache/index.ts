/**
 * @module parser_apache (`@type apache`): Fluentd's RegexpParser with the apache expression and defaults of its descriptor (engine/parser/regexp-parser.ts).
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import { RegexpParser } from '../../parser/regexp-parser.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserApacheConfig, parserApacheDescriptor } from '../../schemas/parser_apache.ts'

export const parserApache: PluginSpec<'parser', ParserApacheConfig> = {
  ...parserApacheDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserApacheDescriptor.schema, config)
    return new RegexpParser(config, parserEnv(ctx), 'apache')
  },
}
