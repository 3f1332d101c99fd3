/**
 * @module parser_nginx (`@type nginx`): Fluentd's RegexpParser with the nginx expression and defaults of its descriptor (engine/parser/regexp-parser.ts).
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import { RegexpParser } from '../../parser/regexp-parser.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserNginxConfig, parserNginxDescriptor } from '../../schemas/parser_nginx.ts'

export const parserNginx: PluginSpec<'parser', ParserNginxConfig> = {
  ...parserNginxDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserNginxDescriptor.schema, config)
    return new RegexpParser(config, parserEnv(ctx), 'nginx')
  },
}
