/**
 * @module out_forward (`@type forward`): Fluentd's Forward protocol output — chunks sent as
 * PackedForward (bin entries) to `<server>`s chosen by weight with standby and failover, acks
 * with require_ack_response, gzip, time_as_integer, keepalive pool, heartbeats with the phi
 * accrual detector. See writer.ts; the choices are listed in README.md beside this file.
 *
 * @example
 * <match app.**>
 *   @type forward
 *   require_ack_response true
 *   <server>
 *     host 10.0.0.2
 *   </server>
 * </match>
 */

import type { OutputPlugin, PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { outForwardBaseSchema, settleOutputOptions, type OutForwardBaseConfig } from './config.ts'
import { createUnbufferedForward } from './unbuffered.ts'
import { ForwardWriter } from './writer.ts'

export const outForwardSchema = outForwardBaseSchema
export type OutForwardConfig = OutForwardBaseConfig

export const outForward: PluginSpec<'output', OutForwardConfig> = {
  name: 'forward',
  kind: 'output',
  description: 'Sends events to Fluentd / Fluent Bit / sluice servers over the Forward protocol (acks, load balancing, failover).',
  schema: outForwardSchema,
  runtimes: ['node'],
  create(ctx: PluginContext, config: OutForwardConfig): OutputPlugin {
    const options = settleOutputOptions(config)
    const writer = new ForwardWriter(ctx.core, options, ctx.log, ctx.metrics, ctx.now)
    return createUnbufferedForward(ctx, writer)
  },
}
