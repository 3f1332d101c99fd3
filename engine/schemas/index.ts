/**
 * @module Every plugin sluice has, as data: the one list the daemon's registry, the edge's registry
 * and the designer's catalog are checked against (a test asserts each runtime registers exactly the
 * descriptors that name it). A plugin whose schema differs per runtime (in_http, out_forward,
 * out_http) has one descriptor per runtime with the same kind and name.
 */

import type { PluginDescriptor, PluginKind, Runtime } from '../plugin.ts'
import { filterGrepDescriptor } from './filter_grep.ts'
import { formatterJsonDescriptor } from './formatter_json.ts'
import { formatterLtsvDescriptor } from './formatter_ltsv.ts'
import { formatterCsvDescriptor } from './formatter_csv.ts'
import { formatterTsvDescriptor } from './formatter_tsv.ts'
import { formatterSingleValueDescriptor } from './formatter_single_value.ts'
import { formatterMsgpackDescriptor } from './formatter_msgpack.ts'
import { formatterHashDescriptor } from './formatter_hash.ts'
import { formatterOutFileDescriptor } from './formatter_out_file.ts'
import { formatterStdoutDescriptor } from './formatter_stdout.ts'
import { filterParserDescriptor } from './filter_parser.ts'
import { filterRecordTransformerDescriptor } from './filter_record_transformer.ts'
import { filterStdoutDescriptor } from './filter_stdout.ts'
import { inForwardDescriptor } from './in_forward.ts'
import { inHttpDescriptor } from './in_http.ts'
import { inHttpEdgeDescriptor } from './in_http_edge.ts'
import { inMonitorAgentDescriptor } from './in_monitor_agent.ts'
import { inPrometheusDescriptor } from './in_prometheus.ts'
import { inPrometheusMonitorDescriptor, inPrometheusOutputMonitorDescriptor } from './in_prometheus_monitor.ts'
import { inSampleDescriptor } from './in_sample.ts'
import { inSyslogDescriptor } from './in_syslog.ts'
import { inTailDescriptor } from './in_tail.ts'
import { inTcpDescriptor } from './in_tcp.ts'
import { inUdpDescriptor } from './in_udp.ts'
import { inNatsDescriptor } from './in_nats.ts'
import { outCopyDescriptor } from './out_copy.ts'
import { outFileDescriptor } from './out_file.ts'
import { outForwardDescriptor } from './out_forward.ts'
import { outForwardEdgeDescriptor } from './out_forward_edge.ts'
import { outHttpDescriptor } from './out_http.ts'
import { outHttpEdgeDescriptor } from './out_http_edge.ts'
import { outNatsDescriptor } from './out_nats.ts'
import { outNullDescriptor } from './out_null.ts'
import { outQueueDescriptor } from './out_queue.ts'
import { outRelabelDescriptor } from './out_relabel.ts'
import { outStdoutDescriptor } from './out_stdout.ts'
import { outRewriteTagFilterDescriptor } from './out_rewrite_tag_filter.ts'
import { outLabelRouterDescriptor } from './out_label_router.ts'
import { outPrometheusDescriptor } from './out_prometheus.ts'
import { filterPrometheusDescriptor } from './filter_prometheus.ts'
import { outSyslogDescriptor } from './out_syslog.ts'
import { parserApacheDescriptor } from './parser_apache.ts'
import { parserApache2Descriptor } from './parser_apache2.ts'
import { parserApacheErrorDescriptor } from './parser_apache_error.ts'
import { parserCriDescriptor } from './parser_cri.ts'
import { parserCsvDescriptor } from './parser_csv.ts'
import { parserDockerDescriptor } from './parser_docker.ts'
import { parserJsonDescriptor } from './parser_json.ts'
import { parserLtsvDescriptor } from './parser_ltsv.ts'
import { parserMsgpackDescriptor } from './parser_msgpack.ts'
import { parserMultilineDescriptor } from './parser_multiline.ts'
import { parserNginxDescriptor } from './parser_nginx.ts'
import { parserNoneDescriptor } from './parser_none.ts'
import { parserRegexpDescriptor } from './parser_regexp.ts'
import { parserSyslogDescriptor } from './parser_syslog.ts'
import { parserTsvDescriptor } from './parser_tsv.ts'

/** Every descriptor, grouped by kind (inputs, filters, outputs, parsers, formatters). */
export const DESCRIPTORS: readonly PluginDescriptor[] = [
  inForwardDescriptor,
  inHttpDescriptor,
  inHttpEdgeDescriptor,
  inMonitorAgentDescriptor,
  inPrometheusDescriptor,
  inPrometheusMonitorDescriptor,
  inPrometheusOutputMonitorDescriptor,
  inSampleDescriptor,
  inSyslogDescriptor,
  inTailDescriptor,
  inTcpDescriptor,
  inUdpDescriptor,
  inNatsDescriptor,
  filterGrepDescriptor,
  filterParserDescriptor,
  filterRecordTransformerDescriptor,
  filterStdoutDescriptor,
  outCopyDescriptor,
  outFileDescriptor,
  outForwardDescriptor,
  outForwardEdgeDescriptor,
  outHttpDescriptor,
  outHttpEdgeDescriptor,
  outNatsDescriptor,
  outNullDescriptor,
  outQueueDescriptor,
  outRelabelDescriptor,
  outStdoutDescriptor,
  outRewriteTagFilterDescriptor,
  outLabelRouterDescriptor,
  outPrometheusDescriptor,
  filterPrometheusDescriptor,
  formatterJsonDescriptor,
  formatterLtsvDescriptor,
  formatterCsvDescriptor,
  formatterTsvDescriptor,
  formatterSingleValueDescriptor,
  formatterMsgpackDescriptor,
  formatterHashDescriptor,
  formatterOutFileDescriptor,
  formatterStdoutDescriptor,
  outSyslogDescriptor,
  parserApacheDescriptor,
  parserApache2Descriptor,
  parserApacheErrorDescriptor,
  parserCriDescriptor,
  parserCsvDescriptor,
  parserDockerDescriptor,
  parserJsonDescriptor,
  parserLtsvDescriptor,
  parserMsgpackDescriptor,
  parserMultilineDescriptor,
  parserNginxDescriptor,
  parserNoneDescriptor,
  parserRegexpDescriptor,
  parserSyslogDescriptor,
  parserTsvDescriptor,
]

/** The descriptors of the plugins a runtime runs. */
export function descriptorsFor(runtime: Runtime): PluginDescriptor[] {
  return DESCRIPTORS.filter((d) => d.runtimes.includes(runtime))
}

/** The descriptor of `kind`/`name` (or an alias) for a runtime. */
export function findDescriptor(kind: PluginKind, name: string, runtime: Runtime): PluginDescriptor | undefined {
  return DESCRIPTORS.find((d) => d.kind === kind && (d.name === name || d.aliases?.includes(name)) && d.runtimes.includes(runtime))
}
