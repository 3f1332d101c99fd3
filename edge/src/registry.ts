/**
 * @module The plugins the edge runs: the source (`http`), the runtime-neutral filters, formatters and
 * routing outputs of engine/plugins (grep, record_transformer, stdout, copy, relabel, null,
 * rewrite_tag_filter, label_router; the prometheus filter/output stay on Node, where the metrics are
 * served), and the edge outputs (forward, http, queue) bound to the platform (sockets, fetch, Queues).
 */

import { PluginRegistry } from '../../engine/plugin.ts'
import { filterGrep } from '../../engine/plugins/filter_grep/index.ts'
import { filterParser } from '../../engine/plugins/filter_parser/index.ts'
import { filterRecordTransformer } from '../../engine/plugins/filter_record_transformer/index.ts'
import { filterStdout } from '../../engine/plugins/filter_stdout/index.ts'
import { formatterJson } from '../../engine/plugins/formatter_json/index.ts'
import { formatterLtsv } from '../../engine/plugins/formatter_ltsv/index.ts'
import { formatterCsv } from '../../engine/plugins/formatter_csv/index.ts'
import { formatterTsv } from '../../engine/plugins/formatter_tsv/index.ts'
import { formatterSingleValue } from '../../engine/plugins/formatter_single_value/index.ts'
import { formatterMsgpack } from '../../engine/plugins/formatter_msgpack/index.ts'
import { formatterHash } from '../../engine/plugins/formatter_hash/index.ts'
import { formatterOutFile } from '../../engine/plugins/formatter_out_file/index.ts'
import { formatterStdout } from '../../engine/plugins/formatter_stdout/index.ts'
import { outCopy } from '../../engine/plugins/out_copy/index.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { outRelabel } from '../../engine/plugins/out_relabel/index.ts'
import { outRewriteTagFilter } from '../../engine/plugins/out_rewrite_tag_filter/index.ts'
import { outLabelRouter } from '../../engine/plugins/out_label_router/index.ts'
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
    filterStdout,
    outCopy,
    outRelabel,
    outRewriteTagFilter,
    outLabelRouter,
    outNull,
    forwardOutput(platform),
    httpOutput(platform),
    queueOutput(platform),
    formatterJson,
    formatterLtsv,
    formatterCsv,
    formatterTsv,
    formatterSingleValue,
    formatterMsgpack,
    formatterHash,
    formatterOutFile,
    formatterStdout,
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
