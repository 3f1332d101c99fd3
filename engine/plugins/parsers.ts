/**
 * @module Every parser plugin sluice ships (`<parse @type …>`), runtime-neutral: the one list the
 * Node and edge registries and the tests register.
 */

import type { PluginSpec } from '../plugin.ts'
import { parserApache } from './parser_apache/index.ts'
import { parserApache2 } from './parser_apache2/index.ts'
import { parserApacheError } from './parser_apache_error/index.ts'
import { parserCri } from './parser_cri/index.ts'
import { parserCsv } from './parser_csv/index.ts'
import { parserDocker } from './parser_docker/index.ts'
import { parserJson } from './parser_json/index.ts'
import { parserLtsv } from './parser_ltsv/index.ts'
import { parserMsgpack } from './parser_msgpack/index.ts'
import { parserMultiline } from './parser_multiline/index.ts'
import { parserNginx } from './parser_nginx/index.ts'
import { parserNone } from './parser_none/index.ts'
import { parserRegexp } from './parser_regexp/index.ts'
import { parserSyslog } from './parser_syslog/index.ts'
import { parserTsv } from './parser_tsv/index.ts'

export const PARSERS: readonly PluginSpec<'parser'>[] = [
  parserApache,
  parserApache2,
  parserApacheError,
  parserCri,
  parserCsv,
  parserDocker,
  parserJson,
  parserLtsv,
  parserMsgpack,
  parserMultiline,
  parserNginx,
  parserNone,
  parserRegexp,
  parserSyslog,
  parserTsv,
]
