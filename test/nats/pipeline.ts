/**
 * @module The scale-out pipeline of the NATS tests and bench:nats, as configs for real sluice
 * processes: an agent (in_forward → out_nats into a JetStream stream, file buffer) and aggregators
 * (in_nats on one durable consumer → out_file, the counting sink of test/faults, or out_forward to
 * a test receiver). Ports and directories are chosen by the caller.
 */

export interface AgentOptions {
  /** in_forward port. */
  port: number
  natsUrls: string[]
  bufferDir: string
  stream?: string
  replicas?: number
  /** Extra out_nats lines. */
  extra?: string
  /** The `<buffer>` type: file (default, delivery durable) or memory. */
  buffer?: 'file' | 'memory'
  chunkLimit?: string
  flushInterval?: number
}

export function agentConfig(o: AgentOptions): string {
  const buffer =
    (o.buffer ?? 'file') === 'file'
      ? `    @type file
    path ${o.bufferDir}
    delivery durable`
      : '    @type memory'
  return `<system>
  log_level info
</system>
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${o.port}
</source>
<match bench.** app.**>
  @type nats
  @id to_nats
  servers ${o.natsUrls.join(',')}
  subject logs.\${tag}
  stream ${o.stream ?? 'LOGS'}
  create_stream true
  stream_replicas ${o.replicas ?? 1}
  publish_timeout 3
  reconnect_wait 0.25
  connect_timeout 2
${o.extra ?? ''}
  <buffer tag>
${buffer}
    total_limit_size 256m
    overflow_action block
    flush_mode interval
    flush_interval ${o.flushInterval ?? 0.1}
    flush_thread_interval 0.05
    flush_thread_count 2
    chunk_limit_size ${o.chunkLimit ?? '256k'}
    retry_wait 0.2
    retry_max_interval 1
    retry_forever true
  </buffer>
</match>
`
}

export interface AggregatorOptions {
  natsUrls: string[]
  stream?: string
  consumer?: string
  /** out_file directory (the counting sink) … */
  outDir?: string
  bufferDir: string
  /** … or an in_forward port to send to (out_forward with acks). */
  forwardPort?: number
  ackWait?: number
  batchSize?: number
  /** Extra in_nats lines. */
  extra?: string
}

export function aggregatorConfig(o: AggregatorOptions): string {
  const sink =
    o.forwardPort !== undefined
      ? `  @type forward
  @id out
  require_ack_response true
  ack_response_timeout 5
  heartbeat_type none
  <server>
    host 127.0.0.1
    port ${o.forwardPort}
  </server>
  <buffer tag>
    @type file
    path ${o.bufferDir}
    flush_mode interval
    flush_interval 0.1
    flush_thread_interval 0.05
    retry_wait 0.2
    retry_max_interval 1
    retry_forever true
  </buffer>`
      : `  @type file
  @id out
  path ${o.outDir}/\${tag}
  append true
  <buffer tag>
    @type file
    path ${o.bufferDir}
    delivery durable
    flush_mode interval
    flush_interval 0.3
    flush_thread_interval 0.05
    chunk_limit_size 4m
    total_limit_size 1g
    overflow_action block
    retry_wait 0.2
    retry_max_interval 1
    retry_forever true
  </buffer>`
  return `<system>
  log_level info
</system>
<source>
  @type nats
  @id from_nats
  servers ${o.natsUrls.join(',')}
  stream ${o.stream ?? 'LOGS'}
  consumer ${o.consumer ?? 'aggregators'}
  ack_wait ${o.ackWait ?? 5}
  batch_size ${o.batchSize ?? 32}
  fetch_expires 1
  reconnect_wait 0.25
  connect_timeout 2
${o.extra ?? ''}
</source>
<match **>
${sink}
</match>
`
}
