/**
 * @module parser_multiline (`@type multiline`): multiline.ts parses a text that holds one or more
 * records; `newStream()` (stream.ts) joins lines into those texts for in_tail and in_tcp.
 */

import { parserEnv, withDefaults } from '../../parser/common.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserMultilineConfig, parserMultilineDescriptor } from '../../schemas/parser_multiline.ts'
import { MultilineParser } from './multiline.ts'

export const parserMultiline: PluginSpec<'parser', ParserMultilineConfig> = {
  ...parserMultilineDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserMultilineDescriptor.schema, config)
    return new MultilineParser(config, parserEnv(ctx))
  },
}
