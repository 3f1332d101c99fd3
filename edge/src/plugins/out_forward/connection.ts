/**
 * @module One Forward connection from the edge: `connect()` (bounded by connect_timeout), the
 * shared-key handshake when the server has a key (engine/forward's `clientHandshake`, hashing with
 * WebCrypto), writes, and the server's msgpack answers read as a stream of objects (engine/forward's
 * ObjectStream: strings kept as raw bytes, so nonces and ack ids are hashed and compared byte for
 * byte; an answer longer than 16 KiB is refused). A connection lives inside one request (Workers do
 * not share I/O objects between requests) and is closed when its messages are acked.
 */

import { webCryptoSha512 } from '../../../../engine/forward/digest.ts'
import { clientHandshake, HANDSHAKE_MAX_BYTES, HandshakeError } from '../../../../engine/forward/handshake.ts'
import { ObjectStream, type Value } from '../../../../engine/forward/msgpack.ts'
import { DeliveryError, messageOf, withTimeout } from '../../errors.ts'
import type { EdgePlatform, EdgeSocket } from '../../platform.ts'
import type { ServerOptions } from './options.ts'

export interface ConnectionOptions {
  selfHostname: string
  connectTimeoutMs: number
  tls: boolean
}

export class ForwardConnection {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly answers = new ObjectStream(HANDSHAKE_MAX_BYTES)
  private closed = false

  private constructor(
    private readonly socket: EdgeSocket,
    readonly server: ServerOptions,
  ) {
    this.writer = socket.writable.getWriter()
    this.reader = socket.readable.getReader()
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
    const credentials = { selfHostname, sharedKey: server.sharedKey!, username: server.username, password: server.password }
    const channel = { next: (what: string) => this.next(what), write: (bytes: Uint8Array) => this.write([bytes]) }
    try {
      await clientHandshake(channel, credentials, webCryptoSha512)
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error
      throw new DeliveryError(
        error.failure === 'refused'
          ? `handshake refused by the server: ${error.serverReason || 'no reason given'}`
          : `the handshake with ${server.name} failed: ${error.message}`,
      )
    }
  }

  /** Writes the parts in order; resolves when the runtime took them all. */
  async write(parts: readonly Uint8Array[]): Promise<void> {
    try {
      await Promise.all(parts.map((p) => this.writer.write(p)))
    } catch (error) {
      throw new DeliveryError(`cannot write to ${this.server.name}: ${messageOf(error)}`)
    }
  }

  /** The server's next msgpack object; DeliveryError when the connection ends first or sends garbage. */
  async next(what: string): Promise<Value> {
    for (;;) {
      const read = this.answers.next()
      if (read.status === 'ok') return read.value
      if (read.status === 'invalid')
        throw new DeliveryError(`${this.server.name} sent bytes that are not msgpack while ${what} was expected: ${read.reason}`)
      let step: ReadableStreamReadResult<Uint8Array>
      try {
        step = await this.reader.read()
      } catch (error) {
        throw new DeliveryError(`${this.server.name} closed the connection before ${what}: ${messageOf(error)}`)
      }
      if (step.done) throw new DeliveryError(`${this.server.name} closed the connection before ${what}`)
      this.answers.push(step.value)
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.writer.releaseLock()
    this.reader.cancel().catch(() => {})
    this.socket.close().catch(() => {})
  }
}
