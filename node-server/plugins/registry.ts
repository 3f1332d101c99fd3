/**
 * @module The plugins the Node daemon offers: every node and runtime-neutral plugin, by its
 * Fluentd `@type`, plus `monitor_agent` (the HTTP API as a source, node-server/ops/api).
 */

import { PluginRegistry, type PluginSpec } from '../../engine/plugin.ts'
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
import { monitorAgent } from '../ops/api/monitor-agent.ts'
import { inForward } from './in_forward/index.ts'
import { inHttp } from './in_http/index.ts'
import { inSample } from './in_sample/index.ts'
import { inSyslog } from './in_syslog/index.ts'
import { inTcp } from './in_tcp/index.ts'
import { inUdp } from './in_udp/index.ts'
import { outFile } from './out_file/index.ts'
import { outForward } from './out_forward/index.ts'
import { outHttp } from './out_http/index.ts'
import { outStdout } from './out_stdout/index.ts'
import { outSyslog } from './out_syslog/index.ts'

/** The specs registered by `nodeRegistry()`. */
export const NODE_PLUGINS: readonly PluginSpec[] = [
  // inputs
  inForward,
  inHttp,
  inSample,
  inSyslog,
  inTcp,
  inUdp,
  monitorAgent,
  // filters
  filterGrep,
  filterParser,
  filterRecordTransformer,
  // outputs
  outForward,
  outHttp,
  outFile,
  outStdout,
  outSyslog,
  outNull,
  outCopy,
  outRelabel,
  // parsers (built from <parse> sections)
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

/**
 * A registry with every plugin sluice ships for Node, plus `extra` (e.g. `-p` plugin modules;
 * an extra spec with the same kind and name replaces the shipped one).
 *
 * @example
 * const registry = nodeRegistry()
 * registry.names('output') // ['copy', 'file', 'forward', 'http', 'null', 'relabel', 'stdout']
 */
export function nodeRegistry(extra: readonly PluginSpec[] = []): PluginRegistry {
  return new PluginRegistry().register(...NODE_PLUGINS, ...extra)
}
