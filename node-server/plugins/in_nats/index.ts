/**
 * @module in_nats (`<source> @type nats`): consumes a NATS JetStream stream with a durable pull
 * consumer — every sluice configured with the same `consumer` shares its messages — and emits the
 * Forward messages it finds (what out_nats publishes), acking each message only once its events
 * were accepted (at-least-once end to end). Backpressure stops the pulling; messages that cannot
 * be read or were delivered max_deliver times go to @ERROR (or one log line). The choices are in
 * README.md beside this file.
 *
 * @example
 * <source>
 *   @type nats
 *   servers nats://10.0.0.5:4222,nats://10.0.0.6:4222
 *   stream LOGS
 *   consumer aggregators
 * </source>
 */

import type { InputPlugin, PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { inNatsDescriptor, type InNatsConfig } from '../../../engine/schemas/in_nats.ts'
import { NatsLink } from '../../nats/link.ts'
import { settleNatsClient } from '../../nats/options.ts'
import { ConsumerKeeper } from './consumer.ts'
import { DeadLetters } from './dead-letter.ts'
import { MessageDecoder } from './decode.ts'
import { settleInNats } from './options.ts'
import { NatsReader } from './reader.ts'

/** How long shutdown waits for the message being emitted before closing the connection. */
const SHUTDOWN_GRACE_MS = 5_000

export interface NatsInput extends InputPlugin {
  readonly link: NatsLink
  readonly reader: NatsReader
  status(): Record<string, unknown>
}

export const inNats: PluginSpec<'input', InNatsConfig> = {
  ...inNatsDescriptor,
  create(ctx: PluginContext, config: InNatsConfig): NatsInput {
    const options = settleInNats(config)
    const client = settleNatsClient(config, `sluice ${ctx.id}`)
    if (client.tls && !config.tls_verify) ctx.log.warn('tls_verify false: the NATS server certificate is not verified (insecure).')
    const link = new NatsLink(client, ctx.log)
    const decoder = new MessageDecoder(ctx.core, {
      decompressionSizeLimit: options.decompressionSizeLimit,
      rewriteTag: options.rewriteTag,
      now: () => ctx.now(),
    })
    const deadLetters = new DeadLetters(ctx, options, decoder)
    const consumers = new ConsumerKeeper(options, ctx.log)
    const reader = new NatsReader(ctx, options, link, consumers, decoder, deadLetters)
    return {
      link,
      reader,
      start() {
        link.start()
        reader.start()
      },
      stop() {
        reader.stop()
      },
      async shutdown() {
        reader.stop()
        await reader.stopped(SHUTDOWN_GRACE_MS)
        deadLetters.close()
        await link.close()
      },
      status: () => ({
        nats: {
          connected: link.connected,
          server: link.connection?.getServer() ?? null,
          stream: options.stream,
          consumer: options.consumer,
          messages: reader.counters.messages,
          redelivered: reader.counters.redelivered,
          held: reader.counters.held,
          naked: reader.counters.naked,
          dead_lettered: deadLetters.count,
        },
      }),
    }
  },
}
