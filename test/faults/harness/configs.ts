/**
 * @module The sluice configs of the fault scenarios. The receiver: in_forward → out_file (one
 * appended file, file buffer with `delivery durable`, flushed every 0.3 s) — the counting sink.
 * The forwarder: in_forward → out_forward with acks to the receiver (or a proxy in front of it)
 * through a buffer the scenario chooses; anything not tagged `bench.seq` (the fuzzer's events) goes
 * to out_null. Heartbeats and recovery are fast so outages are noticed in seconds.
 */

export interface ForwarderOptions {
  port: number
  upstreamPort: number
  /** The `<buffer>` body (type, path, limits, overflow_action). */
  buffer: string
  /** Extra in_forward lines (max_connections, backlog, limits). */
  source?: string
}

const BUFFER_TIMING = `    flush_mode interval
    flush_interval 0.2
    flush_thread_interval 0.05
    flush_thread_count 2
    chunk_limit_size 1m
    retry_type exponential_backoff
    retry_wait 0.2
    retry_max_interval 1
    retry_forever true`

/** A file buffer on `dir` (durable: acked only once fsynced). */
export function fileBuffer(dir: string, extra = ''): string {
  return `    @type file
    path ${dir}
    delivery durable
    total_limit_size 256m
    overflow_action block
${BUFFER_TIMING}
${extra}`
}

/** A memory buffer of `totalLimit` with overflow_action block (bounded memory, backpressure). */
export function memoryBuffer(totalLimit: string, extra = ''): string {
  return `    @type memory
    total_limit_size ${totalLimit}
    overflow_action block
${BUFFER_TIMING}
${extra}`
}

export function forwarderConfig(o: ForwarderOptions): string {
  return `<system>
  log_level info
</system>
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${o.port}
${o.source ?? ''}
</source>
<match bench.seq>
  @type forward
  @id out
  require_ack_response true
  ack_response_timeout 5
  heartbeat_type transport
  heartbeat_interval 0.5
  recover_wait 1
  hard_timeout 3
  connect_timeout 2
  send_timeout 5
  <server>
    host 127.0.0.1
    port ${o.upstreamPort}
  </server>
  <buffer tag>
${o.buffer}
  </buffer>
</match>
<match **>
  @type null
  @id fuzz_sink
</match>
`
}

export function receiverConfig(port: number, outDir: string, bufferDir: string): string {
  return `<system>
  log_level info
</system>
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${port}
</source>
<match **>
  @type file
  @id out
  path ${outDir}/\${tag}
  append true
  <buffer tag>
    @type file
    path ${bufferDir}
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
  </buffer>
</match>
`
}
