/**
 * @module in_udp (`@type udp`): Fluentd's UDP input — one datagram is one message (cut at
 * message_length_limit bytes, one trailing newline removed), parsed by `<parse>` into records
 * tagged `tag` (or by `<extract> tag_key`), with `source_address_key` / `source_hostname_key`.
 * Emits never wait (a UDP sender cannot be slowed down): see node-server/net/udp-listener.ts.
 *
 * @example
 * <source>
 *   @type udp
 *   tag app.udp
 *   <parse>
 *     @type none
 *   </parse>
 * </source>
 */

import type { InputPlugin, PluginContext, PluginSectionConfig, PluginSpec } from '../../../engine/plugin.ts'
import { inUdpDescriptor, type InUdpConfig } from '../../../engine/schemas/in_udp.ts'
import { TaggedBatch } from '../../net/batch.ts'
import { LineRecords } from '../../net/line-records.ts'
import { chompEnd, UdpListener } from '../../net/udp-listener.ts'
import { settleUdpOptions, type UdpOptions } from './options.ts'

export class UdpInput implements InputPlugin {
  readonly options: UdpOptions
  private readonly listener: UdpListener
  private readonly log: PluginContext['log']

  constructor(ctx: PluginContext, config: InUdpConfig) {
    this.options = settleUdpOptions(config)
    const { options } = this
    if (options.extractTimeKey !== null) {
      ctx.log.warn(
        `<extract> time_key ${options.extractTimeKey} has no effect in in_udp: the parser always gives the time (as in Fluentd, where it is never reached).`,
      )
    }
    const records = new LineRecords(ctx.createParser(config.parse as PluginSectionConfig), options.records, ctx.log, ctx.metrics, ctx.now)
    // One source for every datagram: a parser that joins lines cannot tell senders apart over UDP,
    // so each datagram is parsed on its own (`parse`, not a stream).
    const source = records.source(null, false)
    const batch = new TaggedBatch()
    this.listener = new UdpListener(options.listener, ctx.log, ctx.metrics, ctx.router, (bytes, peer) => {
      source.setPeer(peer)
      source.message(bytes, 0, options.removeNewline ? chompEnd(bytes, bytes.length) : bytes.length, batch)
      return batch.take()
    })
    this.log = ctx.log
  }

  async start(): Promise<void> {
    await this.listener.listen()
    // The daemon logs TCP listeners itself (ops/start-agent.ts); UDP sockets are logged here, alike.
    const { address, port } = this.listener.address()
    this.log.info('listening', { address, port, transport: 'udp' })
  }

  async stop(): Promise<void> {
    await this.listener.stop()
  }

  /** The bound address (tests listen on port 0). */
  address(): { address: string; port: number } {
    return this.listener.address()
  }
}

export const inUdp: PluginSpec<'input', InUdpConfig> = {
  ...inUdpDescriptor,
  create(ctx: PluginContext, config: InUdpConfig): UdpInput {
    return new UdpInput(ctx, config)
  },
}
