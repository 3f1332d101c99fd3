/**
 * @module The server side of the shared-key handshake (reference §1.6) on one connection: write
 * HELO (16 random bytes of nonce and of user-auth salt, as bin; `keepalive` = !deny_keepalive),
 * read the first msgpack object as the PING (whatever it is: data sent before a PING is a PING
 * that fails), check it in Fluentd's order with Fluentd's reasons — `invalid ping message`,
 * `anonymous source host '<ip>' denied`, `shared_key mismatch`, `username/password mismatch` —
 * and answer PONG. A failed PONG is `["PONG", false, reason, "", ""]`, then the connection closes
 * once the write is done. The bytes after the PING (events sent right behind it) are handed on.
 */

import type { Socket } from 'node:net'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { digestMatches, newNonce, passwordDigest, sharedKeyDigest } from '../forward-security/digest.ts'
import { encodeHelo, encodePongFailure, encodePongOk, readPing, type Ping } from '../forward-security/messages.ts'
import { headBase64, readObject } from '../../../engine/forward/msgpack.ts'
import { candidateUsers, displayAddress, matchClient, type ClientRule, type SecuritySettings } from './security.ts'
import { peerName, type Peer } from './work.ts'

/** A PING is a few hundred bytes; a first object longer than this is not one. */
export const PING_MAX_BYTES = 16 * 1024
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
  const nonce = newNonce()
  const authSalt = newNonce()
  let buffered: Buffer = Buffer.alloc(0)
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
  const refuse = (reason: string, ping: Ping | null): void => {
    socket.pause()
    deps.metrics.errors++
    const fields: Record<string, unknown> = { peer: peerName(peer), reason }
    if (ping !== null) fields.client_hostname = textDecoder.decode(ping.hostname)
    if (ping !== null && deps.security.userAuth) fields.username = textDecoder.decode(ping.username)
    if (ping === null) fields.head = headBase64(buffered)
    deps.log.warn('Handshake refused; closing the connection.', fields)
    finish('refused')
    if (socket.destroyed) return
    socket.end(encodePongFailure(reason), () => socket.destroy())
    setTimeout(() => socket.destroy(), FAILED_CLOSE_MS).unref()
  }
  const onData = (chunk: Buffer): void => {
    if (finished) return
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    try {
      onBytes()
    } catch (err) {
      // Nothing a peer sends may crash the process: an unexpected failure refuses this client only.
      deps.log.error('Cannot check a PING.', { peer: peerName(peer), error: String(err), head: headBase64(buffered) })
      if (!finished) refuse('invalid ping message', null)
    }
  }
  const onBytes = (): void => {
    const read = readObject(buffered, 0, PING_MAX_BYTES)
    if (read.status === 'more') return
    if (read.status === 'invalid') return refuse('invalid ping message', null)
    const ping = readPing(read.value)
    if (ping === null) return refuse('invalid ping message', null)
    const verdict = check(ping, peer, deps, nonce, authSalt)
    if (!verdict.ok) return refuse(verdict.reason, ping)
    socket.pause()
    const { selfHostname } = deps.security
    socket.write(encodePongOk(selfHostname, sharedKeyDigest(ping.salt, selfHostname, nonce, verdict.sharedKey)))
    deps.log.debug('Handshake done.', { peer: peerName(peer), client_hostname: textDecoder.decode(ping.hostname) })
    finish(buffered.subarray(read.end))
  }

  socket.on('data', onData)
  socket.once('end', onGone)
  socket.once('close', onGone)
  socket.write(encodeHelo({ nonce, auth: authSalt, keepalive: deps.keepalive }))
  socket.resume()
  return { done, received: () => buffered }
}

type Verdict = { ok: true; sharedKey: string } | { ok: false; reason: string }

/** Fluentd's check_ping, in its order: the client's shared key when accepted, else the reason. */
function check(ping: Ping, peer: Peer, deps: HandshakeDeps, nonce: Uint8Array, authSalt: Uint8Array): Verdict {
  const { security } = deps
  const rule = matchClient(deps.rules, peer.address)
  if (rule === null && !security.allowAnonymousSource) {
    return { ok: false, reason: `anonymous source host '${displayAddress(peer.address)}' denied` }
  }
  const sharedKey = rule?.sharedKey ?? security.sharedKey
  if (!digestMatches(sharedKeyDigest(ping.salt, ping.hostname, nonce, sharedKey), ping.digest))
    return { ok: false, reason: 'shared_key mismatch' }
  if (security.userAuth) {
    const users = candidateUsers(security, rule, ping.username)
    const ok = users.some((u) => digestMatches(passwordDigest(authSalt, ping.username, u.password), ping.passwordDigest))
    if (!ok) return { ok: false, reason: 'username/password mismatch' }
  }
  return { ok: true, sharedKey }
}
