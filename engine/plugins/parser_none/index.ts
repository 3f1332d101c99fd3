/**
 * @module parser_none (`@type none`): the text, as its bytes, in `message_key`; the time is now
 * (or none with `estimate_current_event false`). No conversions apply, as in Fluentd.
 */

import { BaseParser, parserEnv, RecordFinisher, withDefaults } from '../../parser/common.ts'
import { RawString } from '../../parser/values.ts'
import type { ParserPlugin, PluginSpec } from '../../plugin.ts'
import { type ParserNoneConfig, parserNoneDescriptor } from '../../schemas/parser_none.ts'

class NoneParser extends BaseParser {
  constructor(
    config: ParserNoneConfig,
    env: ReturnType<typeof parserEnv>,
    private readonly key: string,
  ) {
    super(new RecordFinisher(config), env, 'none', config.timeout)
  }

  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    // The bytes are kept as they are (Fluentd's none parser does not look at the text).
    this.emitAt(null, new Map([[this.key, new RawString(bytes.subarray(start, end))]]))
  }
}

export const parserNone: PluginSpec<'parser', ParserNoneConfig> = {
  ...parserNoneDescriptor,
  create(ctx, config): ParserPlugin {
    config = withDefaults(parserNoneDescriptor.schema, config)
    return new NoneParser(config, parserEnv(ctx), config.message_key)
  },
}
