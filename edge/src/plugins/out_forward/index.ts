/**
 * @module The edge's forward output (`@type forward`): each emit sends the stream to a sluice or
 * Fluentd in_forward over TCP (`connect()` of cloudflare:sockets) as PackedForward messages and
 * resolves once they are acked, so the request that carried the events is answered only then.
 * There is no buffer: a failure rejects the emit (the client gets 503 and sends again), and
 * `ctx.waitUntil` is not used — work left to it is not durable (it is cancelled 30 s after the
 * answer, and lost with the isolate). For durability put it behind `@type queue`.
 *
 * @example
 * <match app.**>
 *   @type forward
 *   <server>
 *     host aggregator.example.net
 *     port 24224
 *   </server>
 * </match>
 */

import type { OutputPlugin, PluginSpec } from '../../../../engine/plugin.ts'
import type { EdgePlatform } from '../../platform.ts'
import { outForwardEdgeDescriptor, type OutForwardConfig } from '../../../../engine/schemas/out_forward_edge.ts'
import { settleForwardOptions } from './options.ts'
import { ForwardSender } from './sender.ts'

export function forwardOutput(platform: EdgePlatform): PluginSpec<'output', OutForwardConfig> {
  return {
    ...outForwardEdgeDescriptor,
    create(ctx, config): OutputPlugin {
      const sender = new ForwardSender(ctx.core, platform, settleForwardOptions(config), ctx.log, ctx.now)
      const m = ctx.metrics
      return {
        async emit(stream) {
          m.emits++
          m.eventsIn += stream.count
          m.bytesIn += stream.entries.length
          try {
            await sender.send(stream)
          } catch (error) {
            m.errors++
            throw error
          }
          m.writes++
          m.eventsOut += stream.count
          m.bytesOut += stream.entries.length
        },
      }
    },
  }
}
