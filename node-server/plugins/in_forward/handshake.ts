/**
 * @module The server side of the shared-key handshake (reference §1.6) on one connection: write
 * HELO (16 random bytes of nonce and of user-auth salt, as bin; `keepalive` = !deny_keepalive),
 * read the first msgpack object as the PING (whatever it is: data sent before a PING is a PING
 * that fails), check it in Fluentd's order with Fluentd's reasons — `invalid ping message`,
 * `anonymous source host '<ip>' denied`, `shared_key mismatch`, `username/password mismatch` —
 * and answer PONG. A failed PONG is `["PONG", false, reason, "", ""]`, then the connection closes
 * once the write is done. The bytes after the PING (events sent right behind it) are handed on.
 * The protocol — messages, digests, the checks after the `<client>` rule — is engine/forward's;
 * this file keeps the socket, the rules (addresses) and the log lines.
 */

import type { Socket } from 'node:net'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { answerPing, HANDSHAKE_MAX_BYTES, newHelo, type PingVerdict } from '../../../engine/forward/handshake.ts'
import { encodeHelo, encodePongFailure, readPing, type Helo, type Ping } from '../../../engine/forward/messages.ts'
import { headBase64, readObject } from '../../../engine/forward/msgpack.ts'
import { nodeSha512 } from '../../forward/sha512.ts'
import { candidateUsers, displayAddress, matchClient, type ClientRule, type SecuritySettings } from './security.ts'
import { peerName, type Peer } from './work.ts'

/** How long a connection closed after a failed PONG may wait for the peer to read it. */
const FAILED_CLOSE_MS = 5_000

const textDecoder = new TextDecoder()

export interface HandshakeDeps {
  security: SecuritySettings
  rules: readonly ClientRule[]
  keepalive: boolean
  log: Logger
  metrics: PluginMetrics
}

/** What the connection received so far (for the timeout's log line). */
export interface HandshakeProgress {
  received(): Uint8Array
}

/**
 * Runs the handshake on `socket` (plain or TLS, paused or not). Resolves with the bytes received
 * after the PING (the socket is paused again, nothing is lost) when the client is accepted;
 * `'refused'` when it was refused (logged once; the socket closes after the failed PONG is
 * written); null when the peer went away.
 */
export function serverHandshake(
  socket: Socket,
  peer: Peer,
  deps: HandshakeDeps,
): { done: Promise<Buffer | 'refused' | null> } & HandshakeProgress {
  const helo = newHelo(deps.keepalive)
  let buffered: Buffer = Buffer.alloc(0)
  /** Set once the PING is complete: later bytes are kept for the connection, not read as a PING. */
  let checking = false
  let finished = false
  let settle: (value: Buffer | 'refused' | null) => void = () => undefined
  const done = new Promise<Buffer | 'refused' | null>((resolve) => {
    settle = resolve
  })

  const finish = (value: Buffer | 'refused' | null): void => {
    if (finished) return
    finished = true
    socket.off('data', onData)
    socket.off('end', onGone)
    socket.off('close', onGone)
    settle(value)
  }
  const onGone = (): void => {
    deps.log.debug('Peer closed the connection during the handshake.', { peer: peerName(peer), bytes: buffered.length })
    finish(null)
  }
  const refuse = (reason: string, ping: Ping | null, pong: Uint8Array = encodePongFailure(reason)): void => {
    socket.pause()
    deps.metrics.errors++
    const fields: Record<string, unknown> = { peer: peerName(peer), reason }
    if (ping !== null) fields.client_hostname = textDecoder.decode(ping.hostname)
    if (ping !== null && deps.security.userAuth) fields.username = textDecoder.decode(ping.username)
    if (ping === null) fields.head = headBase64(buffered)
    deps.log.warn('Handshake refused; closing the connection.', fields)
    finish('refused')
    if (socket.destroyed) return
    socket.end(pong, () => socket.destroy())
    setTimeout(() => socket.destroy(), FAILED_CLOSE_MS).unref()
  }
  // Nothing a peer sends may crash the process: an unexpected failure refuses this client only.
  const failed = (err: unknown): void => {
    deps.log.error('Cannot check a PING.', { peer: peerName(peer), error: String(err), head: headBase64(buffered) })
    if (!finished) refuse('invalid ping message', null)
  }
  const onData = (chunk: Buffer): void => {
    if (finished) return
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    if (checking) return
    try {
      onBytes()
    } catch (err) {
      failed(err)
    }
  }
  const onBytes = (): void => {
    const read = readObject(buffered, 0, HANDSHAKE_MAX_BYTES)
    if (read.status === 'more') return
    if (read.status === 'invalid') return refuse('invalid ping message', null)
    const ping = readPing(read.value)
    if (ping === null) return refuse('invalid ping message', null)
    // The digests may be asynchronous: stop reading meanwhile (what still arrives is kept).
    checking = true
    socket.pause()
    check(ping, peer, deps, helo).then((verdict) => {
      if (finished) return
      if (!verdict.ok) return refuse(verdict.reason, ping, verdict.pong)
      socket.write(verdict.pong)
      deps.log.debug('Handshake done.', { peer: peerName(peer), client_hostname: textDecoder.decode(ping.hostname) })
      finish(buffered.subarray(read.end))
    }, failed)
  }

  socket.on('data', onData)
  socket.once('end', onGone)
  socket.once('close', onGone)
  socket.write(encodeHelo(helo))
  socket.resume()
  return { done, received: () => buffered }
}

/** Fluentd's check_ping, in its order: the `<client>` rule and anonymous sources here, the digests in the engine. */
async function check(ping: Ping, peer: Peer, deps: HandshakeDeps, helo: Helo): Promise<PingVerdict> {
  const { security } = deps
  const rule = matchClient(deps.rules, peer.address)
  if (rule === null && !security.allowAnonymousSource) {
    const reason = `anonymous source host '${displayAddress(peer.address)}' denied`
    return { ok: false, reason, pong: encodePongFailure(reason) }
  }
  const passwords = security.userAuth ? candidateUsers(security, rule, ping.username).map((u) => u.password) : null
  return answerPing(nodeSha512, ping, helo, security.selfHostname, { sharedKey: rule?.sharedKey ?? security.sharedKey, passwords })
}
