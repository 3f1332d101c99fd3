/**
 * @module The plugins the edge runs: the source (`http`), the runtime-neutral filters and routing
 * outputs of engine/plugins (grep, record_transformer, copy, relabel, null), and the edge outputs
 * (forward, http, queue) bound to the platform (sockets, fetch, Queues).
 */

import { PluginRegistry } from '../../engine/plugin.ts'
import { filterGrep } from '../../engine/plugins/filter_grep/index.ts'
import { filterParser } from '../../engine/plugins/filter_parser/index.ts'
import { filterRecordTransformer } from '../../engine/plugins/filter_record_transformer/index.ts'
import { outCopy } from '../../engine/plugins/out_copy/index.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { outRelabel } from '../../engine/plugins/out_relabel/index.ts'
import { parserApache } from '../../engine/plugins/parser_apache/index.ts'
import { parserApache2 } from '../../engine/plugins/parser_apache2/index.ts'
import { parserApacheError } from '../../engine/plugins/parser_apache_error/index.ts'
import { parserCri } from '../../engine/plugins/parser_cri/index.ts'
import { parserCsv } from '../../engine/plugins/parser_csv/index.ts'
import { parserDocker } from '../../engine/plugins/parser_docker/index.ts'
import { parserJson } from '../../engine/plugins/parser_json/index.ts'
import { parserLtsv } from '../../engine/plugins/parser_ltsv/index.ts'
import { parserMsgpack } from '../../engine/plugins/parser_msgpack/index.ts'
import { parserMultiline } from '../../engine/plugins/parser_multiline/index.ts'
import { parserNginx } from '../../engine/plugins/parser_nginx/index.ts'
import { parserNone } from '../../engine/plugins/parser_none/index.ts'
import { parserRegexp } from '../../engine/plugins/parser_regexp/index.ts'
import { parserSyslog } from '../../engine/plugins/parser_syslog/index.ts'
import { parserTsv } from '../../engine/plugins/parser_tsv/index.ts'
import type { EdgePlatform } from './platform.ts'
import { inHttpEdge } from './plugins/in_http/index.ts'
import { forwardOutput } from './plugins/out_forward/index.ts'
import { httpOutput } from './plugins/out_http/index.ts'
import { queueOutput } from './plugins/out_queue/index.ts'

export function edgeRegistry(platform: EdgePlatform): PluginRegistry {
  return new PluginRegistry().register(
    inHttpEdge,
    filterGrep,
    filterParser,
    filterRecordTransformer,
    outCopy,
    outRelabel,
    outNull,
    forwardOutput(platform),
    httpOutput(platform),
    queueOutput(platform),
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
  )
}
