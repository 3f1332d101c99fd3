/**
 * @module The plugins the Node daemon offers: every node and runtime-neutral plugin, by its
 * Fluentd `@type`, plus `monitor_agent` (the HTTP API as a source, node-server/ops/api).
 */

import { PluginRegistry, type PluginSpec } from '../../engine/plugin.ts'
import { filterGrep } from '../../engine/plugins/filter_grep/index.ts'
import { filterParser } from '../../engine/plugins/filter_parser/index.ts'
import { FORMATTERS } from '../../engine/plugins/formatters.ts'
import { PARSERS } from '../../engine/plugins/parsers.ts'
import { filterRecordTransformer } from '../../engine/plugins/filter_record_transformer/index.ts'
import { filterStdout } from '../../engine/plugins/filter_stdout/index.ts'
import { outCopy } from '../../engine/plugins/out_copy/index.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { outRelabel } from '../../engine/plugins/out_relabel/index.ts'
import { outRewriteTagFilter } from '../../engine/plugins/out_rewrite_tag_filter/index.ts'
import { outLabelRouter } from '../../engine/plugins/out_label_router/index.ts'
import { outPrometheus } from '../../engine/plugins/out_prometheus/index.ts'
import { filterPrometheus } from '../../engine/plugins/filter_prometheus/index.ts'
import { monitorAgent } from '../ops/api/monitor-agent.ts'
import { inForward } from './in_forward/index.ts'
import { inHttp } from './in_http/index.ts'
import { inPrometheus } from './in_prometheus/index.ts'
import { inPrometheusMonitor } from './in_prometheus_monitor/index.ts'
import { inPrometheusOutputMonitor } from './in_prometheus_output_monitor/index.ts'
import { inSample } from './in_sample/index.ts'
import { inSyslog } from './in_syslog/index.ts'
import { inTail } from './in_tail/index.ts'
import { inTcp } from './in_tcp/index.ts'
import { inUdp } from './in_udp/index.ts'
import { inNats } from './in_nats/index.ts'
import { outFile } from './out_file/index.ts'
import { outForward } from './out_forward/index.ts'
import { outHttp } from './out_http/index.ts'
import { outNats } from './out_nats/index.ts'
import { outStdout } from './out_stdout/index.ts'
import { outSyslog } from './out_syslog/index.ts'

/** The specs registered by `nodeRegistry()`. */
export const NODE_PLUGINS: readonly PluginSpec[] = [
  // inputs
  inForward,
  inHttp,
  inSample,
  inSyslog,
  inTail,
  inTcp,
  inUdp,
  inNats,
  monitorAgent,
  inPrometheus,
  inPrometheusMonitor,
  inPrometheusOutputMonitor,
  // filters
  filterGrep,
  filterParser,
  filterRecordTransformer,
  filterStdout,
  // outputs
  outForward,
  outHttp,
  outNats,
  outFile,
  outStdout,
  outSyslog,
  outNull,
  outCopy,
  outRelabel,
  outRewriteTagFilter,
  outLabelRouter,
  outPrometheus,
  filterPrometheus,
  ...FORMATTERS,
  // parsers (built from <parse> sections)
  ...PARSERS,
]

/**
 * A registry with every plugin sluice ships for Node, plus `extra` (e.g. `-p` plugin modules;
 * an extra spec with the same kind and name replaces the shipped one).
 *
 * @example
 * const registry = nodeRegistry()
 * registry.names('output') // ['copy', 'file', 'forward', 'http', 'nats', 'null', 'relabel', 'stdout']
 */
export function nodeRegistry(extra: readonly PluginSpec[] = []): PluginRegistry {
  return new PluginRegistry().register(...NODE_PLUGINS, ...extra)
}
