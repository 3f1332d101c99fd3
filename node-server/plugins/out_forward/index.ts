/**
 * @module out_forward (`@type forward`): Fluentd's Forward protocol output — a buffered output
 * (createBufferedOutput; `tag` chunk key) whose writer sends each chunk as PackedForward (bin
 * entries) to `<server>`s chosen by weight with standby and failover, with acks
 * (require_ack_response), gzip, time_as_integer, a keepalive pool, and heartbeats with the phi
 * accrual detector. `<buffer> delivery` decides acks too: none never asks for them, durable
 * turns require_ack_response on unless it is written. The choices are in README.md beside this file.
 *
 * @example
 * <match app.**>
 *   @type forward
 *   require_ack_response true
 *   <server>
 *     host 10.0.0.2
 *   </server>
 *   <buffer>
 *     @type file
 *     path /var/lib/sluice/forward
 *     flush_interval 1s
 *   </buffer>
 * </match>
 */

import { PlaceholderConfigError } from '../../../engine/output/placeholders.ts'
import { resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput, type BufferedOutput } from '../../../engine/output/buffered-output.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import type { PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { nodeBufferServices } from '../../buffer/services.ts'
import { outForwardDescriptor, bufferDefaults, type OutForwardConfig } from '../../../engine/schemas/out_forward.ts'
import { discover, updateServers } from './discovery.ts'
import { ForwardNode } from './node.ts'
import { settleOutputOptions } from './options.ts'
import { withSessions } from './session.ts'
import { ForwardWriter } from './writer.ts'

/** The buffered output plus the writer (its servers' state) for status, tools and tests. */
export interface ForwardOutput extends BufferedOutput {
  readonly writer: ForwardWriter
}

export const outForward: PluginSpec<'output', OutForwardConfig> = {
  ...outForwardDescriptor,
  create(ctx: PluginContext, written: OutForwardConfig, element): ForwardOutput {
    // <service_discovery> adds servers to the <server>s (discovery.ts).
    const discovery = discover(written, ctx.log)
    const config = { ...written, server: discovery.servers }
    let options = withSessions(settleOutputOptions(config), config)
    if (config.transport === 'tls' && config.tls_insecure_mode)
      ctx.log.warn('TLS transport is configured in insecure way (tls_insecure_mode): servers are not verified.')
    const { config: resolved, warnings } = resolveBufferConfig(config.buffer, bufferDefaults)
    for (const w of warnings) ctx.log.warn(w)
    if (!resolved.chunkKeys.tag) {
      throw new PlaceholderConfigError(
        'out_forward needs the tag chunk key: write <buffer tag> (other keys may follow, e.g. <buffer tag,time>)',
      )
    }
    // <buffer> delivery reaches the network hop: none never waits for acks, durable wants them.
    const ackWritten = element.params.require_ack_response !== undefined
    if (resolved.delivery === 'none' && options.requireAckResponse) {
      throw new PlaceholderConfigError(
        '<buffer> delivery none does not wait for acks: remove require_ack_response true, or use delivery buffered / durable',
      )
    }
    if (resolved.delivery === 'durable') {
      if (!ackWritten) options = { ...options, requireAckResponse: true }
      else if (!options.requireAckResponse) {
        ctx.log.warn(
          'delivery durable with require_ack_response false: chunks leave the buffer once written to the socket, so the network hop is at-most-once.',
        )
      }
    }
    // Fluentd: a chunk waiting for its ack must not be timed out by the buffer first.
    const buffer = options.requireAckResponse
      ? { ...resolved, delayedCommitTimeout: Math.max(resolved.delayedCommitTimeout, options.ackResponseTimeoutMs / 1000 + 2) }
      : resolved
    if (buffer.compress === 'gzip' && !options.compress) {
      ctx.log.info('The buffer is compressed; add "compress gzip" to the <match> to also save network bandwidth.')
    }
    const writer = new ForwardWriter(ctx.core, options, ctx.log, ctx.now)
    const output = createBufferedOutput(ctx, {
      buffer,
      writer,
      services: nodeBufferServices(),
      secondary: createSecondary(ctx, element, buffer),
    })
    return {
      ...output,
      writer,
      async start() {
        await writer.start()
        await output.start?.()
        discovery.watch((servers) => {
          try {
            const settled = withSessions(settleOutputOptions({ ...written, server: servers }), { ...written, server: servers })
            updateServers(writer, settled.servers, (server) => new ForwardNode(server, options, ctx.log, ctx.now), ctx.log)
          } catch (error) {
            ctx.log.error(`sd_file: ${(error as Error).message}; the servers stay as they were`)
          }
        })
      },
      stop: () => output.stop?.(),
      async shutdown() {
        try {
          await output.shutdown?.()
        } finally {
          discovery.stop()
          writer.stop()
        }
      },
      status: () => ({ ...output.status(), servers: writer.status() }),
    }
  },
}
