/**
 * @module formatter_msgpack (`<format @type msgpack>`): each record as msgpack, back to back —
 * Ruby's `record.to_msgpack` bytes (engine/formatter/msgpack-canonical.ts): what arrived, in the
 * smallest forms, with repeated keys merged and EventTime values as seconds.
 */

import { writeCanonicalMsgpack } from '../../formatter/msgpack-canonical.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { formatterMsgpackDescriptor, type FormatterMsgpackConfig } from '../../schemas/formatter_msgpack.ts'

export const formatterMsgpack: PluginSpec<'formatter', FormatterMsgpackConfig> = {
  ...formatterMsgpackDescriptor,
  create(): FormatterPlugin {
    return {
      kind: 'binary',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        writeCanonicalMsgpack(out, record, start)
      },
    }
  },
}
