/**
 * @module parser_nginx (`@type nginx`): Fluentd's RegexpParser with the nginx expression and defaults of its descriptor (engine/parser/regexp-parser.ts).
 */

import { parserEnv } from '../../parser/common.ts'
import { RegexpParser } from '../../parser/regexp-parser.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserNginxConfig, parserNginxDescriptor } from '../../schemas/parser_nginx.ts'

export const parserNginx: PluginSpec<'parser', ParserNginxConfig> = {
  ...parserNginxDescriptor,
  create(ctx, config): ParserPlugin {
    return new RegexpParser(config, parserEnv(ctx), 'nginx')
  },
}
