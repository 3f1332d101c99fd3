/**
 * @module in_forward's settled options: the checked config turned into what the listener and the connections use.
 */

import type { InForwardConfig } from '../../../engine/schemas/in_forward.ts'

/** The settled options the listener and the connections use. */
export interface ForwardOptions {
  port: number
  bind: string
  backlog: number | null
  lingerTimeoutMs: number
  tag: string | null
  addTagPrefix: string | null
  resolveHostname: boolean
  sourceAddressKey: string | null
  sourceHostnameKey: string | null
  denyKeepalive: boolean
  sendKeepalivePacket: boolean
  chunkSizeWarnLimit: number | null
  chunkSizeLimit: number | null
  skipInvalidEvent: boolean
  decompressionSizeLimit: number
  maxFrameSize: number
  maxConnections: number
  idleTimeoutMs: number
  /** TLS and <security> handshakes together must finish within this. */
  handshakeTimeoutMs: number
  /** A message must arrive within this once it started (0: no limit). */
  frameTimeoutMs: number
}

/**
 * The settled options of a checked config (the combinations Fluentd rejects are checked before, in
 * every runtime, by the descriptor's `checkInForward`: engine/schemas/in_forward.ts).
 */
export function settleOptions(config: InForwardConfig): ForwardOptions {
  const linger = config.transport?.linger_timeout ?? config.linger_timeout
  return {
    port: config.port,
    bind: config.bind,
    backlog: config.backlog,
    lingerTimeoutMs: Math.max(0, linger) * 1000,
    tag: config.tag,
    addTagPrefix: config.add_tag_prefix,
    resolveHostname: config.resolve_hostname === true || config.source_hostname_key !== null,
    sourceAddressKey: config.source_address_key,
    sourceHostnameKey: config.source_hostname_key,
    denyKeepalive: config.deny_keepalive,
    sendKeepalivePacket: config.send_keepalive_packet,
    chunkSizeWarnLimit: config.chunk_size_warn_limit,
    chunkSizeLimit: config.chunk_size_limit,
    skipInvalidEvent: config.skip_invalid_event,
    decompressionSizeLimit: config.decompression_size_limit,
    maxFrameSize: config.max_frame_size,
    maxConnections: config.max_connections,
    idleTimeoutMs: config.idle_timeout === null ? 0 : config.idle_timeout * 1000,
    handshakeTimeoutMs: config.handshake_timeout * 1000,
    frameTimeoutMs: config.frame_timeout * 1000,
  }
}

/** The event tag after `tag` / `add_tag_prefix` (Fluentd applies both, in that order). */
export function rewriteTag(options: Pick<ForwardOptions, 'tag' | 'addTagPrefix'>, tag: string): string {
  const base = options.tag ?? tag
  return options.addTagPrefix === null ? base : `${options.addTagPrefix}.${base}`
}
