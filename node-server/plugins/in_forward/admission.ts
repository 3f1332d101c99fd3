/**
 * @module What a connection goes through before it may send events: the TLS handshake
 * (`<transport tls>`), then the shared-key handshake (`<security>`), both within
 * `handshake_timeout`. TLS runs on a never-listening `tls.Server` that in_forward's listener hands
 * each accepted socket (so Node's own client-certificate checks apply), after peeking at the
 * first bytes so a failure can log them (a plaintext client at a TLS port shows as msgpack).
 * Every refusal is one log line naming the peer; the socket is closed; nothing else is touched.
 */

import type { Socket } from 'node:net'
import type { Server as TlsServer, TLSSocket } from 'node:tls'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { headBase64 } from '../../../engine/forward/msgpack.ts'
import { serverHandshake, type HandshakeProgress } from './handshake.ts'
import { resolveClients, type ClientRule, type SecuritySettings } from './security.ts'
import { injectionServer, type TlsServerSettings } from '../../tls/server.ts'
import { peerName, type Peer } from './work.ts'

export interface AdmissionOptions {
  tls: TlsServerSettings | null
  security: SecuritySettings | null
  handshakeTimeoutMs: number
  denyKeepalive: boolean
}

/** An admitted connection: the socket to read (the TLS socket with TLS) and bytes already read. */
export interface Admitted {
  socket: Socket
  leftover: Buffer | null
}

interface Pending {
  onSecure: (socket: TLSSocket) => void
  onTlsError: (err: Error) => void
}

export class Admission {
  private rules: ClientRule[] = []
  private tlsServer: TlsServer | null = null
  private readonly pending = new Map<string, Pending>()
  private readonly sockets = new Set<Socket>()

  constructor(
    private readonly options: AdmissionOptions,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
  ) {}

  /** True when connections need TLS or the handshake before events. */
  get enabled(): boolean {
    return this.options.tls !== null || this.options.security !== null
  }

  /** Resolves `<client host>` names and makes the TLS server (at start). */
  async prepare(): Promise<void> {
    if (this.options.security !== null) this.rules = await resolveClients(this.options.security.clients)
    if (this.options.tls !== null) {
      const server = injectionServer(this.options.tls, this.options.handshakeTimeoutMs)
      server.on('secureConnection', (socket: TLSSocket) => {
        const pending = this.pending.get(keyOf(socket))
        if (pending !== undefined) return pending.onSecure(socket)
        // Its admission ended meanwhile (timeout, stop): nothing waits for it.
        socket.on('error', () => undefined)
        socket.destroy()
      })
      server.on('tlsClientError', (err: Error, socket: TLSSocket) => this.pending.get(keyOf(socket))?.onTlsError(err))
      this.tlsServer = server
      if (this.options.tls.generated !== null) this.log.warn(`TLS uses ${this.options.tls.generated}.`)
    }
  }

  /** Connections still in TLS or the handshake. */
  get size(): number {
    return this.sockets.size
  }

  /** Destroys every connection not admitted yet (stop). */
  abortAll(): void {
    for (const s of this.sockets) s.destroy()
  }

  /**
   * Takes an accepted (paused) socket through TLS and the handshake. Resolves with what to read
   * from, or null when the connection was refused, timed out or went away (already closed).
   */
  admit(raw: Socket, peer: Peer): Promise<Admitted | null> {
    return new Promise((resolve) => {
      this.sockets.add(raw)
      let stage: 'tls' | 'handshake' = this.options.tls !== null ? 'tls' : 'handshake'
      let progress: HandshakeProgress | null = null
      let first: Buffer | null = null
      let settled = false
      /** `destroy` false: the socket is already closing gracefully (a failed PONG being written). */
      const finish = (result: Admitted | null, destroy = true): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.sockets.delete(raw)
        this.pending.delete(keyOf(raw))
        raw.off('close', onClose)
        if (result === null && destroy) raw.destroy()
        resolve(result)
      }
      const onClose = (): void => finish(null)
      raw.once('close', onClose)
      const timer = setTimeout(() => {
        this.metrics.errors++
        const seen = progress?.received() ?? first
        this.log.warn('Handshake did not finish within handshake_timeout; closing the connection.', {
          peer: peerName(peer),
          stage,
          handshake_timeout_ms: this.options.handshakeTimeoutMs,
          bytes: seen?.length ?? 0,
          ...(seen !== null && seen.length > 0 ? { head: headBase64(seen) } : {}),
        })
        finish(null)
      }, this.options.handshakeTimeoutMs)
      timer.unref()

      const afterTls = (socket: Socket): void => {
        stage = 'handshake'
        if (this.options.security === null) {
          socket.pause()
          finish({ socket, leftover: null })
          return
        }
        const handshake = serverHandshake(socket, peer, {
          security: this.options.security,
          rules: this.rules,
          keepalive: !this.options.denyKeepalive,
          log: this.log,
          metrics: this.metrics,
        })
        progress = handshake
        handshake.done.then((leftover) => {
          if (leftover === 'refused') finish(null, false)
          else finish(leftover === null ? null : { socket, leftover })
        })
      }

      if (this.tlsServer === null) return afterTls(raw)
      const tlsServer = this.tlsServer
      this.pending.set(keyOf(raw), {
        onSecure: (socket) => {
          this.pending.delete(keyOf(raw))
          socket.on('error', (err) => {
            this.log.debug('Connection error.', { peer: peerName(peer), error: err.message })
            socket.destroy()
          })
          if (this.options.tls!.clientCertAuth && !socket.authorized) {
            this.metrics.errors++
            const none = Object.keys(socket.getPeerCertificate()).length === 0
            this.log.warn('TLS client certificate refused (client_cert_auth); closing the connection.', {
              peer: peerName(peer),
              error: none ? 'no client certificate' : String(socket.authorizationError),
            })
            socket.destroy()
            finish(null)
            return
          }
          afterTls(socket)
        },
        onTlsError: (err) => {
          if (settled) return
          this.metrics.errors++
          const code = (err as NodeJS.ErrnoException).code
          this.log.warn('TLS handshake failed; closing the connection.', {
            peer: peerName(peer),
            error: err.message.split('\n')[0],
            ...(code !== undefined ? { code } : {}),
            ...(first !== null ? { head: headBase64(first) } : {}),
          })
          finish(null)
        },
      })
      // Peek at the first bytes (for the failure line), then give the socket to the TLS server.
      raw.once('data', (chunk: Buffer) => {
        raw.pause()
        first = chunk
        raw.unshift(chunk)
        if (!settled) tlsServer.emit('connection', raw)
      })
      raw.resume()
    })
  }
}

/** Connections are told apart by their peer address and port while they are admitted. */
function keyOf(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`
}
