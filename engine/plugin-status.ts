/**
 * @module The plugin landscape sluice is measured against, as data: every common Fluentd plugin
 * (core and the popular gems) with its status in sluice, and Fluent Bit's plugins with their
 * Fluentd counterpart. One table feeds the agent's error for a plugin sluice lacks ("sluice does
 * not implement output plugin 'elasticsearch' (fluent-plugin-elasticsearch)") and docs/plugins.md
 * (rendered by plugin-status-doc.ts; a test keeps both in sync with the registries).
 */

/** Fluentd's plugin kinds (the `@type` namespaces). */
export type EcosystemKind = 'input' | 'filter' | 'output' | 'parser' | 'formatter' | 'buffer' | 'storage' | 'service_discovery'

/** implemented: registered in a sluice runtime; planned: being written in the current round; not-implemented: neither. */
export type PluginStatus = 'implemented' | 'planned' | 'not-implemented'

export interface KnownPlugin {
  kind: EcosystemKind
  /** The `@type`. */
  name: string
  /** `core` (ships with Fluentd), `sluice` (sluice's own), or the gem, e.g. `fluent-plugin-elasticsearch`. */
  origin: string
  status: PluginStatus
  /** What to use instead, or what differs; shown in the error hint and the docs. */
  note?: string
}

const core = (kind: EcosystemKind, status: PluginStatus, names: string, note?: string): KnownPlugin[] =>
  names.split(' ').map((name) => ({ kind, name, origin: 'core', status, ...(note ? { note } : {}) }))
const gem = (origin: string, kind: EcosystemKind, status: PluginStatus, names: string, note?: string): KnownPlugin[] =>
  names.split(' ').map((name) => ({ kind, name, origin, status, ...(note ? { note } : {}) }))

/** Fluentd's plugins (v1.18 core and the third-party plugins real configs use most). */
export const KNOWN_PLUGINS: readonly KnownPlugin[] = [
  // Fluentd core
  ...core('input', 'implemented', 'forward http monitor_agent tail syslog sample tcp udp'),
  ...core('input', 'implemented', 'dummy', 'the old name of sample'),
  ...core('input', 'not-implemented', 'exec unix debug_agent gc_stat object_space windows_eventlog'),
  ...core('filter', 'implemented', 'grep record_transformer parser stdout'),
  ...core('output', 'implemented', 'forward http file stdout null copy relabel'),
  ...core('output', 'not-implemented', 'exec exec_filter roundrobin buffer stream'),
  ...core('output', 'not-implemented', 'secondary_file', 'in <secondary>, @type file writes the chunks as well'),
  ...core('parser', 'implemented', 'json regexp apache2 apache apache_error nginx syslog csv tsv ltsv none multiline msgpack'),
  ...core('formatter', 'implemented', 'out_file json stdout single_value csv ltsv tsv msgpack hash'),
  ...core('buffer', 'implemented', 'memory file'),
  ...core('buffer', 'not-implemented', 'file_single'),
  ...core('storage', 'not-implemented', 'local'),
  ...core('service_discovery', 'implemented', 'static file', 'out_forward'),
  ...core('service_discovery', 'not-implemented', 'srv'),
  // sluice's own
  ...gem('sluice', 'output', 'implemented', 'queue', 'the edge only: Cloudflare Queues'),
  ...gem('sluice', 'output', 'implemented', 'syslog', "RFC 5424 / RFC 3164 over UDP, TCP or TLS, Fluent Bit's out_syslog params"),
  ...gem('sluice', 'parser', 'implemented', 'docker', "Docker json-file lines, 16 KiB splits joined (Fluent Bit's docker parser)"),
  // third-party gems, roughly by how often real configs use them
  ...gem('fluent-plugin-elasticsearch', 'output', 'not-implemented', 'elasticsearch elasticsearch_dynamic elasticsearch_data_stream'),
  ...gem('fluent-plugin-elasticsearch', 'filter', 'not-implemented', 'elasticsearch_genid'),
  ...gem('fluent-plugin-opensearch', 'output', 'not-implemented', 'opensearch opensearch_data_stream'),
  ...gem('fluent-plugin-kubernetes_metadata_filter', 'filter', 'not-implemented', 'kubernetes_metadata'),
  ...gem('fluent-plugin-s3', 'output', 'not-implemented', 's3'),
  ...gem('fluent-plugin-s3', 'input', 'not-implemented', 's3'),
  ...gem('fluent-plugin-kafka', 'output', 'not-implemented', 'kafka kafka2 kafka_buffered rdkafka rdkafka2'),
  ...gem('fluent-plugin-kafka', 'input', 'not-implemented', 'kafka kafka_group'),
  ...gem(
    'fluent-plugin-nats',
    'output',
    'implemented',
    'nats',
    'JetStream with acks and de-duplication ids (or core NATS); not parameter-compatible: servers, subject',
  ),
  ...gem(
    'fluent-plugin-nats',
    'input',
    'implemented',
    'nats',
    'a JetStream durable pull consumer, acked after the emit; not parameter-compatible: servers, stream, consumer',
  ),
  ...gem('fluent-plugin-cloudwatch-logs', 'output', 'not-implemented', 'cloudwatch_logs'),
  ...gem('fluent-plugin-cloudwatch-logs', 'input', 'not-implemented', 'cloudwatch_logs'),
  ...gem('fluent-plugin-grafana-loki', 'output', 'not-implemented', 'loki'),
  ...gem('fluent-plugin-datadog', 'output', 'not-implemented', 'datadog'),
  ...gem('fluent-plugin-splunk-hec', 'output', 'not-implemented', 'splunk_hec'),
  ...gem('fluent-plugin-concat', 'filter', 'not-implemented', 'concat'),
  ...gem('fluent-plugin-detect-exceptions', 'output', 'not-implemented', 'detect_exceptions'),
  ...gem('fluent-plugin-multi-format-parser', 'parser', 'not-implemented', 'multi_format'),
  ...gem('fluent-plugin-record-modifier', 'filter', 'not-implemented', 'record_modifier', 'record_transformer does most of it'),
  ...gem('fluent-plugin-record-modifier', 'output', 'not-implemented', 'record_modifier'),
  ...gem('fluent-plugin-rewrite-tag-filter', 'output', 'implemented', 'rewrite_tag_filter'),
  ...gem('fluent-plugin-label-router', 'output', 'implemented', 'label_router'),
  ...gem('fluent-plugin-prometheus', 'input', 'implemented', 'prometheus prometheus_monitor prometheus_output_monitor'),
  ...gem('fluent-plugin-prometheus', 'input', 'planned', 'prometheus_tail_monitor'),
  ...gem('fluent-plugin-prometheus', 'filter', 'implemented', 'prometheus'),
  ...gem('fluent-plugin-prometheus', 'output', 'implemented', 'prometheus'),
  ...gem('fluent-plugin-systemd', 'input', 'not-implemented', 'systemd'),
  ...gem('fluent-plugin-systemd', 'filter', 'not-implemented', 'systemd_entry'),
  ...gem('fluent-plugin-parser-cri', 'parser', 'implemented', 'cri', 'partial (P) lines joined per stream, as Fluent Bit'),
  ...gem('fluent-plugin-grok-parser', 'parser', 'not-implemented', 'grok multiline_grok'),
  ...gem('fluent-plugin-secure-forward', 'input', 'not-implemented', 'secure_forward', 'use forward with <security> and <transport tls>'),
  ...gem('fluent-plugin-secure-forward', 'output', 'not-implemented', 'secure_forward', 'use forward with <security> and transport tls'),
  ...gem('fluent-plugin-record-reformer', 'output', 'not-implemented', 'record_reformer', 'record_transformer + relabel do the same'),
  ...gem('fluent-plugin-forest', 'output', 'not-implemented', 'forest'),
  ...gem('fluent-plugin-kinesis', 'output', 'not-implemented', 'kinesis_streams kinesis_firehose kinesis_streams_aggregated'),
  ...gem('fluent-plugin-google-cloud', 'output', 'not-implemented', 'google_cloud'),
  ...gem('fluent-plugin-bigquery', 'output', 'not-implemented', 'bigquery_insert bigquery_load'),
  ...gem('fluent-plugin-mongo', 'output', 'not-implemented', 'mongo mongo_replset'),
  ...gem(
    'fluent-plugin-remote_syslog',
    'output',
    'not-implemented',
    'remote_syslog',
    'use @type syslog (RFC 5424 / 3164 over UDP, TCP, TLS)',
  ),
  ...gem('fluent-plugin-gelf-hs', 'output', 'not-implemented', 'gelf'),
  ...gem('fluent-plugin-sumologic_output', 'output', 'not-implemented', 'sumologic'),
  ...gem('fluent-plugin-newrelic', 'output', 'not-implemented', 'newrelic'),
  ...gem('fluent-plugin-azure-loganalytics', 'output', 'not-implemented', 'azure-loganalytics'),
  ...gem('fluent-plugin-opentelemetry', 'input', 'not-implemented', 'opentelemetry'),
  ...gem('fluent-plugin-opentelemetry', 'output', 'not-implemented', 'opentelemetry'),
  ...gem('fluent-plugin-webhdfs', 'output', 'not-implemented', 'webhdfs'),
  ...gem('fluent-plugin-gcs', 'output', 'not-implemented', 'gcs'),
  ...gem('fluent-plugin-influxdb', 'output', 'not-implemented', 'influxdb'),
  ...gem('fluent-plugin-redis', 'output', 'not-implemented', 'redis'),
  ...gem('fluent-plugin-sql', 'output', 'not-implemented', 'sql'),
  ...gem('fluent-plugin-slack', 'output', 'not-implemented', 'slack'),
  ...gem('fluent-plugin-flowcounter', 'output', 'not-implemented', 'flowcounter'),
  ...gem('fluent-plugin-dedot_filter', 'filter', 'not-implemented', 'dedot'),
  ...gem('fluent-plugin-throttle', 'filter', 'not-implemented', 'throttle'),
  ...gem('fluent-plugin-geoip', 'filter', 'not-implemented', 'geoip'),
  ...gem('fluent-plugin-docker_metadata_filter', 'filter', 'not-implemented', 'docker_metadata'),
  ...gem('fluent-plugin-windows-eventlog', 'input', 'not-implemented', 'windows_eventlog2'),
  ...gem('fluent-plugin-td', 'output', 'not-implemented', 'tdlog', "Treasure Data's output (the default td-agent.conf)"),
]

export interface FluentBitPlugin {
  kind: 'input' | 'filter' | 'output'
  /** Fluent Bit's `Name`. */
  name: string
  /** The Fluentd plugin that does the same (`kind:@type`), if any. */
  fluentd?: string
}

const fb = (kind: FluentBitPlugin['kind'], pairs: string): FluentBitPlugin[] =>
  pairs.split(' ').map((pair) => {
    const [name, fluentd] = pair.split('=')
    return fluentd ? { kind, name, fluentd: fluentd.includes(':') ? fluentd : `${kind}:${fluentd}` } : { kind, name }
  })

/** Fluent Bit's plugins (v4/v5) and their Fluentd counterparts: their status in sluice is that counterpart's. */
export const FLUENT_BIT_PLUGINS: readonly FluentBitPlugin[] = [
  ...fb(
    'input',
    'tail=tail systemd=systemd forward=forward http=http tcp=tcp udp=udp syslog=syslog dummy=sample exec=exec kmsg cpu mem disk netif proc docker docker_events node_exporter_metrics prometheus_scrape fluentbit_metrics opentelemetry=opentelemetry kubernetes_events winlog=windows_eventlog winevtlog=windows_eventlog2 mqtt stdin health random',
  ),
  ...fb(
    'filter',
    'grep=grep record_modifier=record_modifier modify=record_transformer nest kubernetes=kubernetes_metadata parser=parser lua rewrite_tag=output:rewrite_tag_filter throttle=throttle multiline=concat geoip2=geoip stdout=stdout aws expect type_converter sysinfo log_to_metrics',
  ),
  ...fb(
    'output',
    'forward=forward http=http stdout=stdout file=file null=null es=elasticsearch opensearch=opensearch s3=s3 kafka=kafka2 loki=loki cloudwatch_logs=cloudwatch_logs kinesis_firehose=kinesis_firehose kinesis_streams=kinesis_streams datadog=datadog splunk=splunk_hec stackdriver=google_cloud bigquery=bigquery_insert gelf=gelf influxdb=influxdb syslog=syslog prometheus_exporter=prometheus prometheus_remote_write opentelemetry=opentelemetry nrlogs=newrelic azure=azure-loganalytics azure_blob tcp counter flowcounter=flowcounter nats=nats pgsql websocket slack=slack td=tdlog',
  ),
]

/**
 * The table entry of a Fluentd plugin, if sluice knows of it.
 *
 * @example
 * knownPlugin('output', 'elasticsearch')?.origin // 'fluent-plugin-elasticsearch'
 */
export function knownPlugin(kind: EcosystemKind, name: string): KnownPlugin | undefined {
  return KNOWN_PLUGINS.find((p) => p.kind === kind && p.name === name)
}

/**
 * Why a `@type` is missing from a runtime, when the table knows the name: a plugin sluice does not
 * have (reason names it and its gem), or Fluent Bit's name for a Fluentd plugin. Undefined when
 * the name is unknown everywhere (a typo: the caller suggests the closest available name) or when
 * sluice implements it (for another runtime).
 *
 * @example
 * missingPlugin('output', 'elasticsearch')?.reason // "sluice does not implement output plugin 'elasticsearch' (fluent-plugin-elasticsearch)"
 */
export function missingPlugin(kind: EcosystemKind, name: string): { reason: string; hint: string } | undefined {
  const known = knownPlugin(kind, name)
  if (known !== undefined) {
    if (known.status === 'implemented') return undefined
    const origin = known.origin === 'core' ? 'a Fluentd core plugin' : known.origin
    const status = known.status === 'planned' ? 'it is planned; ' : ''
    return {
      reason: `sluice does not implement ${kind} plugin '${name}' (${origin})`,
      hint: `${status}${known.note ? `${known.note}; ` : ''}docs/plugins.md lists what sluice has`,
    }
  }
  const bit = FLUENT_BIT_PLUGINS.find((p) => p.kind === kind && p.name === name)
  if (bit?.fluentd === undefined) return undefined
  const [fluentdKind, fluentdName] = bit.fluentd.split(':') as [EcosystemKind, string]
  if (fluentdName === name && fluentdKind === kind) return undefined
  const target = knownPlugin(fluentdKind, fluentdName)
  const has = target?.status === 'implemented' ? 'which sluice has' : 'which sluice does not implement'
  return {
    reason: `unknown ${kind} plugin '${name}': that is Fluent Bit's name`,
    hint: `the Fluentd plugin is ${fluentdKind === kind ? '' : `${fluentdKind} `}'${fluentdName}'${target && target.origin !== 'core' ? ` (${target.origin})` : ''}, ${has}; docs/plugins.md lists what sluice has`,
  }
}
