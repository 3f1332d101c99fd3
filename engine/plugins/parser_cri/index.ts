/**
 * @module parser_cri (`@type cri`): CRI container log lines (cri.ts), joined across partial lines
 * by `newStream()` (stream.ts); an optional nested `<parse>` reads the message.
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserCriConfig, parserCriDescriptor } from '../../schemas/parser_cri.ts'
import { CriParser } from './cri.ts'

export const parserCri: PluginSpec<'parser', ParserCriConfig> = {
  ...parserCriDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserCriDescriptor.schema, config)
    const sub = config.parse === undefined ? null : ctx.createParser(config.parse)
    return new CriParser(config, parserEnv(ctx), sub)
  },
}
