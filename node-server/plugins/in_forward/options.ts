/**
 * @module in_forward's settled options: the config checked for the combinations Fluentd rejects and turned into what the listener and the connections use.
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

/** Checks the combinations Fluentd rejects (and what sluice does not support yet); throws with the reason. */
export function settleOptions(config: InForwardConfig): ForwardOptions {
  if (config.source_hostname_key !== null && config.resolve_hostname === false) {
    throw new Error('source_hostname_key needs resolve_hostname; remove "resolve_hostname false"')
  }
  if (config.deny_keepalive && config.send_keepalive_packet) {
    throw new Error('send_keepalive_packet cannot be used with deny_keepalive true')
  }
  if (config.port < 0 || config.port > 65535) throw new Error(`port ${config.port} is out of range 0..65535`)
  if (config.max_frame_size < 1) throw new Error('max_frame_size must be at least 1 byte')
  if (config.max_connections < 1) throw new Error('max_connections must be at least 1')
  if (config.decompression_size_limit < 1) throw new Error('decompression_size_limit must be at least 1 byte')
  if (config.handshake_timeout <= 0) throw new Error('handshake_timeout must be more than 0')
  if (config.frame_timeout < 0) throw new Error('frame_timeout must be 0 (no limit) or more')
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
