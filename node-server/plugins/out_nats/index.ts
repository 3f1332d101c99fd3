/**
 * @module out_nats (`<match> @type nats`): a buffered output (createBufferedOutput; `tag` chunk
 * key) that publishes each chunk to NATS — JetStream by default, where the chunk leaves the buffer
 * only once JetStream acknowledged every message of it (Nats-Msg-Id ids derived from the chunk id
 * make a chunk written again not stored twice within the stream's duplicate window), or core NATS
 * fire-and-forget with `jetstream false`. Messages are Forward msgpack (in_nats, in_forward and
 * Fluentd read them back losslessly) or the lines of a `<format>`. The choices are in README.md.
 *
 * @example
 * <match app.**>
 *   @type nats
 *   servers nats://10.0.0.5:4222,nats://10.0.0.6:4222
 *   subject logs.${tag}
 *   stream LOGS
 *   create_stream true
 *   <buffer tag>
 *     flush_interval 1s
 *   </buffer>
 * </match>
 */

import { resolveBufferConfig, hasSection } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput, type BufferedOutput } from '../../../engine/output/buffered-output.ts'
import { compileTemplate, PlaceholderConfigError } from '../../../engine/output/placeholders.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import { bufferZone } from '../../../engine/output/time-format.ts'
import { emitErrorEvents } from '../../../engine/error-events.ts'
import type { PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { outNatsBufferDefaults, outNatsDescriptor, type OutNatsConfig } from '../../../engine/schemas/out_nats.ts'
import { nodeBufferServices } from '../../buffer/services.ts'
import { NatsLink } from '../../nats/link.ts'
import { settleNatsClient } from '../../nats/options.ts'
import { settleOutNats } from './options.ts'
import { StreamKeeper } from './stream.ts'
import { NatsWriter } from './writer.ts'

/** The buffered output plus its writer and connection (status, tools, tests). */
export interface NatsOutput extends BufferedOutput {
  readonly writer: NatsWriter
  readonly link: NatsLink
}

export const outNats: PluginSpec<'output', OutNatsConfig> = {
  ...outNatsDescriptor,
  create(ctx: PluginContext, config: OutNatsConfig, element): NatsOutput {
    const { config: resolved, warnings } = resolveBufferConfig(config.buffer, outNatsBufferDefaults)
    for (const w of warnings) ctx.log.warn(w)
    if (!resolved.chunkKeys.tag) {
      throw new PlaceholderConfigError(
        'out_nats needs the tag chunk key (each message carries its tag): write <buffer tag> (other keys may follow)',
      )
    }
    const formatted = hasSection(element, 'format')
    const options = settleOutNats(config, resolved.chunkKeys, resolved.timekey, formatted)
    const client = settleNatsClient(config, `sluice ${ctx.id}`)
    if (client.tls && !config.tls_verify) ctx.log.warn('tls_verify false: the NATS server certificate is not verified (insecure).')
    if (!options.jetstream) {
      ctx.log.info('jetstream false: publishing on core NATS, fire-and-forget (no acks: messages nobody subscribes to are lost).')
    }
    // A write waits for a connection, then for acks: the buffer must not give up on it first.
    const buffer = { ...resolved, delayedCommitTimeout: Math.max(resolved.delayedCommitTimeout, (options.publishTimeoutMs * 2) / 1000 + 2) }
    const subject = compileTemplate(options.subject, {
      chunkKeys: resolved.chunkKeys,
      zone: bufferZone(resolved.timekeyUseUtc, resolved.timekeyZone),
      path: false,
    })
    const link = new NatsLink(client, ctx.log)
    const writer = new NatsWriter(options, {
      core: ctx.core,
      log: ctx.log,
      link,
      streams: new StreamKeeper(options.create, options.publishTimeoutMs, ctx.log),
      subject,
      format:
        formatted && config.format !== undefined
          ? ctx.createFormatter(
              config.format,
              element.elements.find((e) => e.name === 'format'),
            )
          : null,
      divert: (stream, error) => emitErrorEvents(ctx, stream, error),
    })
    const output = createBufferedOutput(ctx, {
      buffer,
      writer,
      services: nodeBufferServices(),
      secondary: createSecondary(ctx, element, buffer),
    })
    return {
      ...output,
      writer,
      link,
      async start() {
        link.start()
        await output.start?.()
      },
      stop: () => output.stop?.(),
      async shutdown() {
        try {
          await output.shutdown?.()
        } finally {
          await link.close()
        }
      },
      status: () => ({
        ...output.status(),
        nats: {
          connected: link.connected,
          server: link.connection?.getServer() ?? null,
          messages_published: writer.counters.messages,
          duplicates_acked: writer.counters.duplicates,
          publish_timeouts: writer.counters.timeouts,
          publish_failures: writer.counters.failures,
        },
      }),
    }
  },
}
