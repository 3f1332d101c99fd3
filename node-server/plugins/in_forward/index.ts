/**
 * @module in_forward (`@type forward`): Fluentd's Forward protocol input — TCP with Message,
 * Forward, PackedForward and CompressedPackedForward modes framed by the core, acks after the
 * router accepted the events, JSON mode, the UDP heartbeat, TLS (`<transport tls>`), the
 * shared-key handshake (`<security>`), and explicit limits. See
 * /work/shared/reference/forward-protocol.md §1 and the choices listed in README.md beside this file.
 *
 * @example
 * <source>
 *   @type forward
 *   port 24224
 * </source>
 */

import type { AddressInfo, Socket } from 'node:net'
import type { InputPlugin, PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { Admission } from './admission.ts'
import { inForwardDescriptor, type InForwardConfig } from '../../../engine/schemas/in_forward.ts'
import { settleOptions, type ForwardOptions } from './options.ts'
import { ForwardConnection, type ConnectionInfo } from './connection.ts'
import { EventBuilder } from './events.ts'
import { MessageReader } from './message.ts'
import { settleSecurity } from './security.ts'
import { ForwardServer } from './server.ts'
import { settleTlsServer } from '../../tls/server.ts'
import type { Peer } from './work.ts'

/** How long shutdown waits for connections to finish their queued acks before destroying them. */
const SHUTDOWN_GRACE_MS = 5_000

export class ForwardInput implements InputPlugin {
  readonly options: ForwardOptions
  private readonly events: EventBuilder
  private readonly reader: MessageReader
  private readonly server: ForwardServer<ConnectionInfo>

  constructor(ctx: PluginContext, config: InForwardConfig) {
    this.options = settleOptions(config)
    if (!this.options.skipInvalidEvent) {
      ctx.log.warn(
        "skip_invalid_event false is accepted but invalid events are still dropped: sluice's event streams hold only [EventTime, map] entries.",
      )
    }
    this.events = new EventBuilder(ctx.core, this.options, ctx.log, ctx.metrics, ctx.now)
    this.reader = new MessageReader(ctx.core, this.options, this.events, ctx.log, ctx.metrics, ctx.router)
    const security = config.security === undefined ? null : settleSecurity(config.security)
    const tls = config.transport?.protocol === 'tls' ? settleTlsServer(config.transport) : null
    const admission = new Admission(
      { tls, security, handshakeTimeoutMs: this.options.handshakeTimeoutMs, denyKeepalive: this.options.denyKeepalive },
      ctx.log,
      ctx.metrics,
    )
    const msgpackOnly = security !== null
    // A test-only hook (ConnectionDeps.poisonLent), read once here: off in production.
    const poisonLent = process.env.SLUICE_TEST_POISON_LENT === '1'
    this.server = new ForwardServer(
      this.options,
      ctx.log,
      (socket: Socket, peer: Peer, leftover: Buffer | null) =>
        new ForwardConnection(
          socket,
          peer,
          {
            core: ctx.core,
            options: this.options,
            reader: this.reader,
            events: this.events,
            router: ctx.router,
            log: ctx.log,
            metrics: ctx.metrics,
            poisonLent,
          },
          // Without TLS or the handshake the accepted socket was never read: it may use a read buffer.
          { leftover, msgpackOnly, fresh: !admission.enabled },
        ),
      admission.enabled ? admission : null,
    )
  }

  async start(): Promise<void> {
    await this.server.listen()
  }

  /** Stops accepting; connections finish what they already read (emit + ack) and close. */
  async stop(): Promise<void> {
    await this.server.stop()
  }

  async shutdown(): Promise<void> {
    await this.server.shutdown(SHUTDOWN_GRACE_MS)
    this.events.free()
  }

  /**
   * Closes the listener and destroys every connection at once, writing no pending ack: what a
   * crash looks like to the peers (they resend what was not acked). For tests and emergencies.
   */
  async abort(): Promise<void> {
    await this.server.stop()
    await this.server.shutdown(0)
  }

  /** The bound TCP address (for tests on port 0 and for logs). */
  address(): AddressInfo {
    return this.server.address()
  }

  /** Open connections (including those still resolving their peer's name). */
  get connectionCount(): number {
    return this.server.connectionCount
  }

  /** The state of each open connection (peer, paused by backpressure, queued messages). */
  connections(): ConnectionInfo[] {
    return this.server.connectionInfo()
  }
}

export const inForward: PluginSpec<'input', InForwardConfig> = {
  ...inForwardDescriptor,
  create(ctx: PluginContext, config: InForwardConfig): ForwardInput {
    return new ForwardInput(ctx, config)
  },
}
