/**
 * @module What a new out_forward connection does before its first envelope: TLS (`transport tls`),
 * then the shared-key handshake (`<security>`, with the `<server>`'s own shared_key, username and
 * password). The whole setup has one deadline — the lower of connect_timeout and hard_timeout
 * (Fluentd's handshake timeout) — and fails at once when the connection drops, so a flush or a
 * heartbeat never hangs on a half-open handshake (fluentd#4396). Heartbeats (`transport`) run
 * the same setup, as in Fluentd.
 */

import type { Socket } from 'node:net'
import type { ForwardOutputOptions } from './options.ts'
import { clientHandshake } from './handshake.ts'
import type { SecurityConfig, ServerSession, TlsClientConfig } from '../../../engine/schemas/sections/forward-security-client.ts'
import { settleTlsClient, startTls, tlsServername } from '../../tls/client.ts'

interface ServerCredentials {
  host: string
  name: string | null
  shared_key: string | null
  username: string
  password: string
}

/** `options` with each server's session settled from the config (TLS, <security>). Throws on config errors. */
export function withSessions(
  options: ForwardOutputOptions,
  config: Parameters<typeof settleSessions>[0] & { server: readonly ServerCredentials[] },
): ForwardOutputOptions {
  const sessions = settleSessions(config, config.server)
  return { ...options, servers: options.servers.map((s, i) => (sessions[i] === undefined ? s : { ...s, session: sessions[i] })) }
}

/** The session settings of each server (undefined: plain TCP, no handshake). Throws on config errors. */
export function settleSessions(
  config: TlsClientConfig & { security?: SecurityConfig },
  servers: readonly ServerCredentials[],
): (ServerSession | undefined)[] {
  const tls = settleTlsClient(config)
  const security = config.security
  return servers.map((s) => {
    const credentials = s.shared_key !== null || s.username !== '' || s.password !== ''
    if (credentials && security === undefined) {
      throw new Error(`<server> ${s.host}: shared_key/username/password need a <security> section (self_hostname, shared_key)`)
    }
    if (tls === null && security === undefined) return undefined
    return {
      tls,
      servername: tlsServername(s.host, s.name),
      security:
        security === undefined
          ? null
          : {
              selfHostname: security.self_hostname,
              sharedKey: s.shared_key ?? security.shared_key,
              username: s.username,
              password: s.password,
            },
    }
  })
}

/**
 * TLS, then the handshake, on a connected TCP socket. Resolves with the socket to write to (the
 * TLS socket with TLS); rejects with the reason (the socket is destroyed).
 */
export async function establishSession(
  socket: Socket,
  session: ServerSession,
  host: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  const deadline = Date.now() + timeoutMs
  const left = () => (timeoutMs > 0 ? Math.max(1, deadline - Date.now()) : 0)
  let current: Socket = socket
  try {
    if (session.tls !== null) current = await startTls(socket, session.tls, host, session.servername, left(), signal)
    if (session.security !== null) await clientHandshake(current, session.security, left(), signal)
    return current
  } catch (err) {
    current.destroy()
    socket.destroy()
    throw err
  }
}
