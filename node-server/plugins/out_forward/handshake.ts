/**
 * @module The client side of the shared-key handshake (reference §1.6) on a connected socket
 * (plain or TLS): read HELO, answer PING (a fresh 32-hex salt per connection; the user-auth
 * digest when HELO carries an auth salt), check PONG as Fluentd does — a 5-element PONG, auth
 * result true (else the server's reason), a server hostname different from our own
 * self_hostname, and the server's digest. It never hangs: a closed connection fails it at once,
 * broken or oversized answers fail it, and it has a deadline. Bytes after the PONG are put back.
 */

import type { Socket } from 'node:net'
import { digestMatches, newSalt, passwordDigest, sharedKeyDigest } from '../forward-security/digest.ts'
import { encodePing, readHelo, readPong, type Helo } from '../forward-security/messages.ts'
import { readObject } from '../forward-security/msgpack.ts'
import type { ClientSecurity } from '../../../engine/schemas/sections/forward-security-client.ts'

/** A HELO or PONG is well under this; more without a complete object is not one. */
const ANSWER_MAX_BYTES = 16 * 1024
const textDecoder = new TextDecoder()

/**
 * Runs the handshake; resolves when the server accepted us, rejects with the reason otherwise
 * (the caller destroys the socket). It reads in paused mode ('readable'), so the socket is left
 * as a new one is: what arrives next waits until the next 'data' listener (the ack reader).
 */
export function clientHandshake(socket: Socket, security: ClientSecurity, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0)
    let helo: Helo | null = null
    const salt = newSalt()
    let timer: ReturnType<typeof setTimeout> | undefined
    let finished = false
    const done = (err: Error | null, rest?: Buffer): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      finished = true
      socket.off('readable', onReadable)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
      if (err !== null) return reject(err)
      if (rest !== undefined && rest.length > 0) socket.unshift(rest)
      resolve()
    }
    const onEnd = (): void =>
      done(new Error(`the server closed the connection during the handshake (waiting for ${helo === null ? 'HELO' : 'PONG'})`))
    const onError = (err: Error): void => done(new Error(`connection error during the handshake: ${err.message}`))
    const onAbort = (): void => done(new Error('the buffer gave up on the write'))
    const onReadable = (): void => {
      for (let chunk: Buffer | null; !finished && (chunk = socket.read() as Buffer | null) !== null; ) onData(chunk)
    }
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
      for (;;) {
        const read = readObject(buffered, 0, ANSWER_MAX_BYTES)
        if (read.status === 'more') return
        if (read.status === 'invalid') return done(new Error(`the server sent bytes that are not a handshake message (${read.reason})`))
        buffered = buffered.subarray(read.end)
        if (helo === null) {
          helo = readHelo(read.value)
          if (helo === null) return done(new Error('received invalid helo message (is <security> set on the server?)'))
          socket.write(ping(helo, security, salt))
          continue
        }
        const failure = checkPong(read.value, helo, security, salt)
        return done(failure === null ? null : new Error(failure), buffered)
      }
    }
    if (timeoutMs > 0)
      timer = setTimeout(
        () => done(new Error(`handshake timed out after ${timeoutMs} ms (waiting for ${helo === null ? 'HELO' : 'PONG'})`)),
        timeoutMs,
      )
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.on('readable', onReadable)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
    socket.once('error', onError)
  })
}

/** Fluentd's generate_ping. */
function ping(helo: Helo, security: ClientSecurity, salt: string): Uint8Array {
  const withUser = helo.auth.length > 0
  return encodePing({
    hostname: security.selfHostname,
    salt,
    digest: sharedKeyDigest(salt, security.selfHostname, helo.nonce, security.sharedKey),
    username: withUser ? security.username : '',
    passwordDigest: withUser ? passwordDigest(helo.auth, security.username, security.password) : '',
  })
}

/** Fluentd's check_pong; null when the server is accepted, else the reason. */
function checkPong(value: Parameters<typeof readPong>[0], helo: Helo, security: ClientSecurity, salt: string): string | null {
  const pong = readPong(value)
  if (pong === null) return 'invalid format for PONG message'
  if (!pong.ok) return `authentication failed: ${textDecoder.decode(pong.reason)}`
  const hostname = textDecoder.decode(pong.hostname)
  if (hostname === security.selfHostname) return 'same hostname between input and output: invalid configuration'
  if (!digestMatches(sharedKeyDigest(salt, pong.hostname, helo.nonce, security.sharedKey), pong.digest)) return 'shared key mismatch'
  return null
}
