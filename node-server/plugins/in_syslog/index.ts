/**
 * @module in_syslog (`@type syslog`): Fluentd's syslog input — RFC 3164 and RFC 5424 messages
 * over UDP (default), TCP or TLS (RFC 5425), framed per RFC 6587 (traditional, octet counting,
 * or both told apart per message: `frame_type auto`, sluice's default), parsed by `<parse>`
 * (default `@type syslog` with `with_priority true`), tagged `<tag>.<facility>.<severity>` with
 * Fluentd's names. See messages.ts for the PRI rules and README.md for the choices.
 *
 * @example
 * <source>
 *   @type syslog
 *   tag system
 *   <transport tcp>
 *   </transport>
 *   <parse>
 *     message_format auto
 *   </parse>
 * </source>
 */

import type { AddressInfo, Socket } from 'node:net'
import type { ConfigElement } from '../../../engine/config/model.ts'
import { rateLimited } from '../../../engine/output/errors.ts'
import type { InputPlugin, PluginContext, PluginSectionConfig, PluginSpec } from '../../../engine/plugin.ts'
import { inSyslogDescriptor, type InSyslogConfig } from '../../../engine/schemas/in_syslog.ts'
import { TaggedBatch } from '../../net/batch.ts'
import { Framer } from '../../net/framing.ts'
import { headBase64, peerName, type Peer } from '../../net/peer.ts'
import { StreamConnection } from '../../net/stream-connection.ts'
import { StreamListener } from '../../net/stream-listener.ts'
import { chompEnd, UdpListener } from '../../net/udp-listener.ts'
import { SyslogMessages } from './messages.ts'
import { settleSyslogOptions, type SyslogOptions } from './options.ts'

/** How long shutdown waits for connections to finish their emits before destroying them. */
const SHUTDOWN_GRACE_MS = 5_000

export class SyslogInput implements InputPlugin {
  readonly options: SyslogOptions
  private readonly udp: UdpListener | null = null
  private readonly tcp: StreamListener | null = null
  private readonly connections = new Set<StreamConnection>()
  private readonly log: PluginContext['log']

  constructor(ctx: PluginContext, config: InSyslogConfig, element: ConfigElement) {
    this.options = settleSyslogOptions(config, Object.hasOwn(element.params, 'priority_key'))
    const { options } = this
    this.log = ctx.log
    for (const w of options.warnings) ctx.log.warn(w)
    const messages = new SyslogMessages(
      ctx.createParser(config.parse as PluginSectionConfig),
      options.records,
      ctx.log,
      ctx.metrics,
      ctx.now,
    )
    if (options.protocol === 'udp') {
      const batch = new TaggedBatch()
      this.udp = new UdpListener(options.udp, ctx.log, ctx.metrics, ctx.router, (bytes, peer) => {
        messages.message(bytes, 0, chompEnd(bytes, bytes.length), peer, batch)
        return batch.take()
      })
      return
    }
    const truncated = rateLimited()
    this.tcp = new StreamListener(options.listener, ctx.log, ctx.metrics, (socket: Socket, peer: Peer) => {
      const connection = new StreamConnection(socket, peer, {
        framer: new Framer({ type: options.frameType, delimiter: options.delimiter, limit: options.maxFrameSize, overflow: 'truncate' }),
        handler: {
          message: (bytes, start, end, batch) => messages.message(bytes, start, end, peer, batch),
          oversize: (size, head) => {
            const n = truncated()
            if (n !== null) {
              ctx.log.warn('A message is longer than max_frame_size; truncated it.', {
                peer: peerName(peer),
                max_frame_size: options.maxFrameSize,
                size,
                head: headBase64(head, 32),
                count: n,
              })
            }
          },
          end: () => undefined,
        },
        router: ctx.router,
        log: ctx.log,
        metrics: ctx.metrics,
        options: options.connection,
      })
      this.connections.add(connection)
      connection.closed.then(() => this.connections.delete(connection))
      return connection
    })
  }

  async start(): Promise<void> {
    if (this.udp === null) {
      await this.tcp!.listen() // the daemon logs TCP listeners (ops/start-agent.ts)
      return
    }
    await this.udp.listen()
    const { address, port } = this.udp.address()
    this.log.info('listening', { address, port, transport: 'udp' })
  }

  async stop(): Promise<void> {
    if (this.udp !== null) await this.udp.stop()
    else this.tcp!.stop()
  }

  async shutdown(): Promise<void> {
    await this.tcp?.shutdown(SHUTDOWN_GRACE_MS)
  }

  /** The bound address (tests listen on port 0). */
  address(): Pick<AddressInfo, 'address' | 'port'> {
    return this.udp !== null ? this.udp.address() : this.tcp!.address()
  }

  /** Each open TCP/TLS connection's state. */
  connectionInfo(): ReturnType<StreamConnection['info']>[] {
    return [...this.connections].map((c) => c.info())
  }
}

export const inSyslog: PluginSpec<'input', InSyslogConfig> = {
  ...inSyslogDescriptor,
  create(ctx: PluginContext, config: InSyslogConfig, element: ConfigElement): SyslogInput {
    return new SyslogInput(ctx, config, element)
  },
}
