/**
 * @module What each config of test/fixtures/corpus must give under `sluice check` today: `line:
 * reason` of every error, warning and info note (hints are not compared). A config with no
 * `errors` must build. Configs that fail only on a plugin being written this round are listed in
 * WAITING_FOR (the one place to look when a plugin lands: corpus.test.ts then fails for them and
 * says so; update their entry to what `sluice check` gives with the plugin).
 */

export interface CorpusExpectation {
  errors?: readonly string[]
  warnings?: readonly string[]
  notes?: readonly string[]
}

/** Planned plugin (`kind:type` as plugin-status.ts lists it) → the corpus configs that wait for it. */
export const WAITING_FOR: Readonly<Record<string, readonly string[]>> = {}

export const CORPUS: Readonly<Record<string, CorpusExpectation>> = {
  'aggregator-file-buffer-secondary.conf': {},
  'aggregator-secondary-file.conf': {
    errors: ["20: sluice does not implement output plugin 'secondary_file' (a Fluentd core plugin)"],
  },
  'datadog-splunk.conf': {
    errors: [
      "9: sluice does not implement output plugin 'datadog' (fluent-plugin-datadog)",
      "15: sluice does not implement output plugin 'splunk_hec' (fluent-plugin-splunk-hec)",
    ],
  },
  'docker-compose-file-per-service.conf': {
    errors: ["19: cannot configure output plugin 'file': symlink_path is not supported by sluice"],
  },
  'docker-compose-forward-stdout.conf': {},
  'docs-copy-example.conf': {},
  'embedded-ruby-paths.conf': {},
  'embedded-ruby-unsupported.conf': {
    errors: ['8: unsupported embedded Ruby #{`hostname -f`.strip}: shell commands are not supported (column 1)'],
  },
  'enable-ruby-k8s-fields.conf': {},
  'enable-ruby-transformer.conf': {},
  'enable-ruby-unsupported.conf': {
    errors: [
      "10: cannot configure filter plugin 'record_transformer': unsupported enable_ruby expression ${record.map { |k, v| [k.upcase, v] }.to_h}: blocks and hash literals are not supported (column 12)",
    ],
  },
  'filter-parser-docker-json.conf': {},
  'fluent-bit-names.conf': {
    errors: ["7: unknown output plugin 'es': that is Fluent Bit's name"],
  },
  'forward-security.conf': {},
  'grep-and-transform.conf': {},
  'grep-v012-flat.conf': {
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      "7: 'type' is deprecated parameter name. use '@type' instead.",
      '8: regexp1 in <filter> is deprecated',
      '9: exclude1 in <filter> is deprecated',
      "13: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'helm-forwarder-env.conf': {
    warnings: ['42: queue_limit_length in <buffer> is deprecated'],
  },
  'helm-http-output-env.conf': {},
  'http-edge-relay.conf': {},
  'http-single-value.conf': {},
  'include-conf-d.conf': {},
  'k8s-cloudwatch-multiline.conf': {
    errors: [
      "14: sluice does not implement filter plugin 'concat' (fluent-plugin-concat)",
      "28: sluice does not implement output plugin 'detect_exceptions' (fluent-plugin-detect-exceptions)",
      "35: sluice does not implement output plugin 'cloudwatch_logs' (fluent-plugin-cloudwatch-logs)",
    ],
  },
  'k8s-daemonset-elasticsearch.conf': {
    errors: [
      "22: sluice does not implement filter plugin 'kubernetes_metadata' (fluent-plugin-kubernetes_metadata_filter)",
      "32: sluice does not implement output plugin 'elasticsearch' (fluent-plugin-elasticsearch)",
    ],
    warnings: [
      '26: environment variable KUBERNETES_CA_FILE is not set, so #{ENV[\'KUBERNETES_CA_FILE\']} is nil and gives "" (as in Fluentd)',
      '38: environment variable FLUENT_ELASTICSEARCH_PATH is not set, so #{ENV[\'FLUENT_ELASTICSEARCH_PATH\']} is nil and gives "" (as in Fluentd)',
    ],
  },
  'k8s-daemonset-forward.conf': {
    errors: ["15: sluice does not implement filter plugin 'kubernetes_metadata' (fluent-plugin-kubernetes_metadata_filter)"],
  },
  'k8s-daemonset-loki.conf': {
    errors: [
      "15: sluice does not implement filter plugin 'kubernetes_metadata' (fluent-plugin-kubernetes_metadata_filter)",
      "20: sluice does not implement output plugin 'loki' (fluent-plugin-grafana-loki)",
    ],
  },
  'k8s-daemonset-s3.conf': {
    errors: ["15: sluice does not implement output plugin 's3' (fluent-plugin-s3)"],
  },
  'k8s-systemd-journal.conf': {
    errors: ["3: sluice does not implement input plugin 'systemd' (fluent-plugin-systemd)"],
  },
  'kafka-pipeline.conf': {
    errors: ["7: sluice does not implement output plugin 'kafka2' (fluent-plugin-kafka)"],
  },
  'label-router.conf': {},
  'labels-error-routing.conf': {},
  'lenient-values.conf': {
    warnings: [
      '5: environment variable FORWARD_PORT_UNSET is not set, so #{ENV[\'FORWARD_PORT_UNSET\']} is nil and gives "" (as in Fluentd)',
      '5: port: invalid integer ""; read as 0 like Fluentd (String#to_i)',
      '6: environment variable SKIP_INVALID_UNSET is not set, so #{ENV[\'SKIP_INVALID_UNSET\']} is nil and gives "" (as in Fluentd)',
      '14: port: invalid integer "24224tcp"; read as 24224 like Fluentd (String#to_i)',
      '17: flush_thread_count: invalid integer "4threads"; read as 4 like Fluentd (String#to_i)',
      '18: retry_forever: invalid bool "True"; read as false like Fluentd (an unknown bool is nil, which is false)',
    ],
  },
  'monitor-agent.conf': {},
  'multi-format-tail.conf': {
    errors: ["7: sluice does not implement parser plugin 'multi_format' (fluent-plugin-multi-format-parser) in <parse>"],
    warnings: ['9: section <pattern> is not used in <parse>', '12: section <pattern> is not used in <parse>'],
  },
  'opensearch-data-stream.conf': {
    errors: ["15: sluice does not implement output plugin 'opensearch_data_stream' (fluent-plugin-opensearch)"],
  },
  'out-http-ndjson.conf': {},
  'prometheus-monitoring.conf': {},
  'record-modifier.conf': {
    errors: ["7: sluice does not implement filter plugin 'record_modifier' (fluent-plugin-record-modifier)"],
  },
  'rewrite-tag-filter.conf': {},
  'sample-stdout.conf': {},
  'secure-forward-v012.conf': {
    errors: ["7: sluice does not implement output plugin 'secure_forward' (fluent-plugin-secure-forward)"],
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      "7: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'strict-config-value.conf': {
    errors: ['8: port: invalid integer "24224tcp"'],
  },
  'syslog-input.conf': {},
  'system-everything.conf': {
    notes: [
      '2: <system> settings with no effect in sluice: suppress_repeated_stacktrace, ignore_repeated_log_interval, ignore_same_log_interval, emit_error_log_interval, rpc_endpoint, enable_get_dump, enable_msgpack_time_support, disable_shared_socket, enable_input_metrics, enable_size_metrics, enable_jit, file_permission, dir_permission, <log> time_format, <log> rotate_age, <log> rotate_size',
    ],
  },
  'system-fluent-bit-keys.conf': {
    notes: [
      "4: unknown <system> param 'Flush' is ignored, as Fluentd ignores it",
      "5: unknown <system> param 'Daemon' is ignored, as Fluentd ignores it",
      "6: unknown <system> param 'Log_Level' is ignored, as Fluentd ignores it",
      "7: unknown <system> param 'HTTP_Server' is ignored, as Fluentd ignores it",
      "8: unknown <system> param 'HTTP_Port' is ignored, as Fluentd ignores it",
    ],
  },
  'tail-apache.conf': {},
  'tcp-udp-inputs.conf': {},
  'td-agent-default.conf': {
    errors: [
      "12: sluice does not implement output plugin 'tdlog' (fluent-plugin-td)",
      "56: sluice does not implement input plugin 'debug_agent' (a Fluentd core plugin)",
    ],
    warnings: [
      "12: 'type' is deprecated parameter name. use '@type' instead.",
      "20: 'type' is deprecated parameter name. use '@type' instead.",
      "27: 'type' is deprecated parameter name. use '@type' instead.",
      "37: 'type' is deprecated parameter name. use '@type' instead.",
      "50: 'type' is deprecated parameter name. use '@type' instead.",
      "56: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'td-agent-v012-copy.conf': {
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      "7: 'type' is deprecated parameter name. use '@type' instead.",
      "9: 'type' is deprecated parameter name. use '@type' instead.",
      '11: v0.12 flat buffer parameters in <store> (buffer_type, flush_interval) are deprecated: read as <buffer time> @type memory, flush_interval 10s, timekey 86400 </buffer>',
      '13: v0.12 flat formatter parameters in <store> (format) are deprecated: read as <format> @type ltsv </format>',
      "16: 'type' is deprecated parameter name. use '@type' instead.",
      '17: v0.12 flat buffer parameters in <store> (buffer_chunk_limit, buffer_queue_limit, flush_interval) are deprecated: read as <buffer tag> flush_interval 1s, chunk_limit_size 1m, queue_limit_length 64 </buffer>',
      '18: queue_limit_length in <buffer> is deprecated',
    ],
  },
  'td-agent-v012-file.conf': {
    warnings: [
      "4: 'type' is deprecated parameter name. use '@type' instead.",
      "9: 'type' is deprecated parameter name. use '@type' instead.",
      '11: v0.12 flat buffer parameters in <match app.**> (time_slice_format, time_slice_wait, buffer_type, buffer_path, buffer_chunk_limit, buffer_queue_limit, flush_interval, flush_at_shutdown) are deprecated: read as <buffer time> @type file, path /var/log/td-agent/buffer/app, flush_interval 60s, chunk_limit_size 256m, queue_limit_length 128, flush_at_shutdown true, timekey_wait 10m, timekey 3600, timekey_use_utc true </buffer>',
      '13: v0.12 flat formatter parameters in <match app.**> (utc, format) are deprecated: read as <format> @type json, utc </format>',
      '13: v0.12 flat inject parameters in <match app.**> (utc) are deprecated: read as <inject> localtime false </inject>',
      '18: queue_limit_length in <buffer> is deprecated',
      "25: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'td-agent-v012-forward.conf': {
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      "9: 'type' is deprecated parameter name. use '@type' instead.",
      "15: 'type' is deprecated parameter name. use '@type' instead.",
      "16: 'id' is deprecated parameter name. use '@id' instead.",
      "17: 'log_level' is deprecated parameter name. use '@log_level' instead.",
      '23: v0.12 flat buffer parameters in <match **> (buffer_type, buffer_path, buffer_chunk_limit, buffer_queue_limit, buffer_queue_full_action, flush_interval, num_threads, retry_limit, max_retry_wait) are deprecated: read as <buffer tag> @type file, path /var/log/td-agent/buffer/forward, flush_thread_count 2, flush_interval 5s, retry_max_times 17, retry_max_interval 1h, chunk_limit_size 8m, queue_limit_length 256, overflow_action drop_oldest_chunk </buffer>',
      '26: queue_limit_length in <buffer> is deprecated',
      "32: parameter 'retry_wait' in <match **> is not used",
      "46: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'td-agent-v012-stdout.conf': {
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      "8: 'type' is deprecated parameter name. use '@type' instead.",
      '9: v0.12 flat formatter parameters in <match debug.**> (output_type) are deprecated: read as <format> output_type json </format>',
      '10: v0.12 flat inject parameters in <match debug.**> (include_time_key, time_key, include_tag_key, tag_key) are deprecated: read as <inject> time_key @timestamp, tag_key @log_name, time_type string </inject>',
    ],
  },
  'unknown-params-typos.conf': {
    warnings: [
      "4: parameter 'prot' in <source> is not used",
      "5: parameter 'bind_address' in <source> is not used",
      "11: parameter 'flush_interval' in <match **> is not used",
      "13: parameter 'flush_intervall' in <buffer> is not used",
      "14: parameter 'chunk_limit' in <buffer> is not used",
      '16: section <fromat> is not used in <match **>',
    ],
  },
  // in_http's <parse> reads the whole body with the chosen parser (engine/ingest/parsed-body.ts)
  'v012-in-http-format.conf': {
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      '5: v0.12 flat parser parameters in <source> (format) are deprecated: read as <parse> @type json </parse>',
      "9: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'v012-tail-format.conf': {
    warnings: [
      "3: 'type' is deprecated parameter name. use '@type' instead.",
      '7: v0.12 flat parser parameters in <source> (format, time_format, keep_time_key) are deprecated: read as <parse> @type regexp, expression ^(?<time>[^ ]* [^ ]*) \\[(?<level>[^\\]]*)\\] (?<message>.*)$, time_format %Y-%m-%d %H:%M:%S, keep_time_key true </parse>',
      "13: 'type' is deprecated parameter name. use '@type' instead.",
    ],
  },
  'workers-blocks.conf': {},
  'workers-unimplemented.conf': {
    errors: [],
  },
}
