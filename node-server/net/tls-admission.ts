/**
 * @module The TLS handshake of accepted connections for in_tcp and in_syslog (`<transport tls>`):
 * each accepted TCP socket is handed to a never-listening `tls.Server` (so Node's certificate
 * checks apply) after a peek at its first bytes, and must finish within handshake_timeout. A
 * failure (a plaintext client at a TLS port, no shared version, a refused client certificate, too
 * slow) is one `warn` line naming the peer, with the client's first bytes; the socket is closed.
 */

import type { Socket } from 'node:net'
import type { Server as TlsServer, TLSSocket } from 'node:tls'
import type { Logger } from '../../engine/log.ts'
import type { PluginMetrics } from '../../engine/metrics.ts'
import { headBase64, peerName, type Peer } from './peer.ts'
import { injectionServer, type TlsServerSettings } from '../tls/server.ts'

interface Pending {
  onSecure: (socket: TLSSocket) => void
  onTlsError: (err: Error) => void
}

export class TlsAdmission {
  private readonly server: TlsServer
  private readonly pending = new Map<string, Pending>()
  private readonly sockets = new Set<Socket>()

  constructor(
    private readonly settings: TlsServerSettings,
    private readonly handshakeTimeoutMs: number,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
  ) {
    this.server = injectionServer(settings, handshakeTimeoutMs)
    this.server.on('secureConnection', (socket: TLSSocket) => {
      const waiting = this.pending.get(keyOf(socket))
      if (waiting !== undefined) return waiting.onSecure(socket)
      socket.on('error', () => undefined)
      socket.destroy()
    })
    this.server.on('tlsClientError', (err: Error, socket: TLSSocket) => this.pending.get(keyOf(socket))?.onTlsError(err))
    if (settings.generated !== null) log.warn(`TLS uses ${settings.generated}.`)
  }

  /** Sockets still in their handshake (they count towards max_connections). */
  get size(): number {
    return this.sockets.size
  }

  /** Destroys every socket still in its handshake (stop). */
  abortAll(): void {
    for (const s of this.sockets) s.destroy()
  }

  /** Runs the handshake on an accepted, paused socket: the TLS socket (paused), or null when refused. */
  admit(raw: Socket, peer: Peer): Promise<TLSSocket | null> {
    return new Promise((resolve) => {
      this.sockets.add(raw)
      let first: Buffer | null = null
      let settled = false
      const finish = (socket: TLSSocket | null): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.sockets.delete(raw)
        this.pending.delete(key)
        raw.off('close', onClose)
        if (socket === null) raw.destroy()
        resolve(socket)
      }
      const refuse = (message: string, fields: Record<string, unknown>): void => {
        this.metrics.errors++
        this.log.warn(message, { peer: peerName(peer), ...fields, ...(first !== null ? { head: headBase64(first) } : {}) })
        finish(null)
      }
      const key = keyOf(raw)
      const onClose = (): void => finish(null)
      raw.once('close', onClose)
      const timer = setTimeout(
        () =>
          refuse('TLS handshake did not finish within handshake_timeout; closing the connection.', {
            handshake_timeout_ms: this.handshakeTimeoutMs,
            bytes: first?.length ?? 0,
          }),
        this.handshakeTimeoutMs,
      )
      timer.unref()
      this.pending.set(key, {
        onSecure: (socket) => {
          this.pending.delete(key)
          socket.on('error', (err) => {
            this.log.debug('Connection error.', { peer: peerName(peer), error: err.message })
            socket.destroy()
          })
          if (this.settings.clientCertAuth && !socket.authorized) {
            const none = Object.keys(socket.getPeerCertificate()).length === 0
            socket.destroy()
            refuse('TLS client certificate refused (client_cert_auth); closing the connection.', {
              error: none ? 'no client certificate' : String(socket.authorizationError),
            })
            return
          }
          socket.pause()
          finish(socket)
        },
        onTlsError: (err) => {
          const code = (err as NodeJS.ErrnoException).code
          refuse('TLS handshake failed; closing the connection.', {
            error: err.message.split('\n')[0],
            ...(code !== undefined ? { code } : {}),
          })
        },
      })
      // Peek at the first bytes (for the failure line), then give the socket to the TLS server.
      raw.once('data', (chunk: Buffer) => {
        raw.pause()
        first = chunk
        raw.unshift(chunk)
        if (!settled) this.server.emit('connection', raw)
      })
      raw.resume()
    })
  }
}

/** Connections are told apart by their peer address and port while in their handshake. */
function keyOf(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`
}
