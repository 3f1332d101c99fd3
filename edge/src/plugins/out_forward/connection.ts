/**
 * @module One Forward connection from the edge: `connect()` (bounded by connect_timeout), the
 * shared-key handshake when the server has a key, writes, and the server's msgpack answers read as
 * a stream of objects (strings kept as raw bytes: nonces and ack ids are echoed byte for byte).
 * A connection lives inside one request (Workers do not share I/O objects between requests) and
 * is closed when its messages are acked.
 */

import { decodeMultiStream } from '@msgpack/msgpack'
import { DeliveryError, messageOf, withTimeout } from '../../errors.ts'
import type { EdgePlatform, EdgeSocket } from '../../platform.ts'
import type { ServerOptions } from './options.ts'
import { buildPing, checkPong, newSalt, readHelo } from './handshake.ts'

export interface ConnectionOptions {
  selfHostname: string
  connectTimeoutMs: number
  tls: boolean
}

export class ForwardConnection {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>
  private readonly answers: AsyncGenerator<unknown, void, unknown>
  private closed = false

  private constructor(
    private readonly socket: EdgeSocket,
    readonly server: ServerOptions,
  ) {
    this.writer = socket.writable.getWriter()
    this.answers = decodeMultiStream<undefined>(socket.readable, { rawStrings: true })
  }

  /** Connects, and runs the handshake when the server has a shared key. */
  static async open(platform: EdgePlatform, server: ServerOptions, options: ConnectionOptions): Promise<ForwardConnection> {
    let socket: EdgeSocket
    try {
      socket = platform.connect(
        { hostname: server.host, port: server.port },
        { secureTransport: options.tls ? 'on' : 'off', allowHalfOpen: false },
      )
    } catch (error) {
      throw new DeliveryError(`cannot connect to ${server.name}: ${messageOf(error)}`)
    }
    const connection = new ForwardConnection(socket, server)
    try {
      await withTimeout(
        socket.opened.catch((error) => {
          throw new DeliveryError(`cannot connect to ${server.name}: ${messageOf(error)}`)
        }),
        options.connectTimeoutMs,
        `connecting to ${server.name}`,
        () => connection.close(),
      )
      if (server.sharedKey !== null) {
        await withTimeout(
          connection.handshake(server, options.selfHostname),
          options.connectTimeoutMs,
          `the handshake with ${server.name}`,
          () => connection.close(),
        )
      }
    } catch (error) {
      connection.close()
      throw error
    }
    return connection
  }

  private async handshake(server: ServerOptions, selfHostname: string): Promise<void> {
    const helo = readHelo(await this.next('HELO'))
    const ping = { selfHostname, sharedKey: server.sharedKey!, username: server.username, password: server.password, salt: newSalt() }
    await this.write([await buildPing(helo, ping)])
    await checkPong(await this.next('PONG'), helo, ping)
  }

  /** Writes the parts in order; resolves when the runtime took them all. */
  async write(parts: readonly Uint8Array[]): Promise<void> {
    try {
      await Promise.all(parts.map((p) => this.writer.write(p)))
    } catch (error) {
      throw new DeliveryError(`cannot write to ${this.server.name}: ${messageOf(error)}`)
    }
  }

  /** The server's next msgpack object; DeliveryError when the connection ends first. */
  async next(what: string): Promise<unknown> {
    let step: IteratorResult<unknown, void>
    try {
      step = await this.answers.next()
    } catch (error) {
      throw new DeliveryError(`${this.server.name} sent bytes that are not msgpack while ${what} was expected: ${messageOf(error)}`)
    }
    if (step.done) throw new DeliveryError(`${this.server.name} closed the connection before ${what}`)
    return step.value
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.writer.releaseLock()
    this.socket.close().catch(() => {})
    this.answers.return(undefined).catch(() => {})
  }
}
