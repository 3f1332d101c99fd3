/**
 * @module in_tcp (`@type tcp`): Fluentd's TCP input — messages ending with `delimiter`, each
 * parsed by `<parse>` into records tagged `tag` (or by `<extract> tag_key`), over TCP or TLS,
 * with the `<security><client>` allow-list, `source_address_key` / `source_hostname_key`, and
 * explicit limits (message_length_limit, max_connections, frame_timeout). See README.md.
 *
 * @example
 * <source>
 *   @type tcp
 *   tag app.tcp
 *   port 5170
 *   <parse>
 *     @type json
 *   </parse>
 * </source>
 */

import type { AddressInfo, Socket } from 'node:net'
import { rateLimited } from '../../../engine/output/errors.ts'
import type { InputPlugin, PluginContext, PluginSectionConfig, PluginSpec } from '../../../engine/plugin.ts'
import { inTcpDescriptor, type InTcpConfig } from '../../../engine/schemas/in_tcp.ts'
import { Framer } from '../../net/framing.ts'
import { LineRecords } from '../../net/line-records.ts'
import { headBase64, peerName, type Peer } from '../../net/peer.ts'
import { StreamConnection } from '../../net/stream-connection.ts'
import { StreamListener } from '../../net/stream-listener.ts'
import { settleTcpOptions, type TcpOptions } from './options.ts'

/** How long shutdown waits for connections to finish their emits before destroying them. */
const SHUTDOWN_GRACE_MS = 5_000

export class TcpInput implements InputPlugin {
  readonly options: TcpOptions
  private readonly listener: StreamListener
  private readonly connections = new Set<StreamConnection>()

  constructor(ctx: PluginContext, config: InTcpConfig) {
    this.options = settleTcpOptions(config)
    const { options } = this
    if (options.extractTimeKey !== null) {
      ctx.log.warn(
        `<extract> time_key ${options.extractTimeKey} has no effect in in_tcp: the parser always gives the time (as in Fluentd, where it is never reached).`,
      )
    }
    const records = new LineRecords(ctx.createParser(config.parse as PluginSectionConfig), options.records, ctx.log, ctx.metrics, ctx.now)
    const oversize = rateLimited()
    this.listener = new StreamListener(options.listener, ctx.log, ctx.metrics, (socket: Socket, peer: Peer) => {
      const source = records.source(peer)
      const connection = new StreamConnection(socket, peer, {
        framer: new Framer({ type: 'traditional', delimiter: options.delimiter, limit: options.messageLengthLimit, overflow: 'drop' }),
        handler: {
          message: (bytes, start, end, batch) => source.message(bytes, start, end, batch),
          oversize: (size, head) => {
            ctx.metrics.dropped++
            const n = oversize()
            if (n !== null) {
              ctx.log.info("The received data is larger than 'message_length_limit', dropped:", {
                peer: peerName(peer),
                limit: options.messageLengthLimit,
                size,
                head: headBase64(head, 32),
                count: n,
              })
            }
          },
          end: (batch) => source.end(batch),
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
    await this.listener.listen()
  }

  /** Stops accepting; connections emit what they already read and close. */
  stop(): void {
    this.listener.stop()
  }

  async shutdown(): Promise<void> {
    await this.listener.shutdown(SHUTDOWN_GRACE_MS)
  }

  /** The bound address (tests listen on port 0). */
  address(): AddressInfo {
    return this.listener.address()
  }

  get connectionCount(): number {
    return this.listener.connectionCount
  }

  /** Each open connection's state (paused by backpressure, queued streams). */
  connectionInfo(): ReturnType<StreamConnection['info']>[] {
    return [...this.connections].map((c) => c.info())
  }
}

export const inTcp: PluginSpec<'input', InTcpConfig> = {
  ...inTcpDescriptor,
  create(ctx: PluginContext, config: InTcpConfig): TcpInput {
    return new TcpInput(ctx, config)
  },
}
