/**
 * @module Every formatter plugin sluice ships (`<format @type …>`), runtime-neutral: the one list the
 * Node and edge registries and the tests register.
 */

import type { PluginSpec } from '../plugin.ts'
import { formatterJson } from './formatter_json/index.ts'
import { formatterLtsv } from './formatter_ltsv/index.ts'
import { formatterCsv } from './formatter_csv/index.ts'
import { formatterTsv } from './formatter_tsv/index.ts'
import { formatterSingleValue } from './formatter_single_value/index.ts'
import { formatterMsgpack } from './formatter_msgpack/index.ts'
import { formatterHash } from './formatter_hash/index.ts'
import { formatterOutFile } from './formatter_out_file/index.ts'
import { formatterStdout } from './formatter_stdout/index.ts'

export const FORMATTERS: readonly PluginSpec<'formatter'>[] = [
  formatterJson,
  formatterLtsv,
  formatterCsv,
  formatterTsv,
  formatterSingleValue,
  formatterMsgpack,
  formatterHash,
  formatterOutFile,
  formatterStdout,
]
