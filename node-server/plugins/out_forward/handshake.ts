/**
 * @module The client side of the shared-key handshake (reference §1.6) on a connected socket
 * (plain or TLS): the protocol is engine/forward's `clientHandshake` (HELO → PING → PONG checked as
 * Fluentd does); this file gives it the socket. It never hangs: a closed connection fails it at
 * once, broken or oversized answers fail it, and it has a deadline. Bytes after the PONG are put
 * back on the socket.
 */

import type { Socket } from 'node:net'
import { clientHandshake as runClientHandshake, HANDSHAKE_MAX_BYTES } from '../../../engine/forward/handshake.ts'
import { ObjectStream, type Value } from '../../../engine/forward/msgpack.ts'
import type { ClientSecurity } from '../../../engine/schemas/sections/forward-security-client.ts'
import { nodeSha512 } from '../../forward/sha512.ts'

/**
 * Runs the handshake; resolves when the server accepted us, rejects with the reason otherwise
 * (the caller destroys the socket). It reads in paused mode ('readable'), so the socket is left
 * as a new one is: what arrives next waits until the next 'data' listener (the ack reader).
 */
export function clientHandshake(socket: Socket, security: ClientSecurity, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const answers = new ObjectStream(HANDSHAKE_MAX_BYTES)
    let expected: 'HELO' | 'PONG' = 'HELO'
    let waiting: { resolve: (value: Value) => void; reject: (err: Error) => void } | null = null
    let failure: Error | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let finished = false

    /** Hands a complete answer (or the failure) to the waiting step. */
    const deliver = (): void => {
      if (waiting === null) return
      const step = waiting
      if (failure !== null) {
        waiting = null
        return step.reject(failure)
      }
      const read = answers.next()
      if (read.status === 'more') return
      waiting = null
      if (read.status === 'invalid') step.reject(new Error(`the server sent bytes that are not a handshake message (${read.reason})`))
      else step.resolve(read.value)
    }
    const fail = (err: Error): void => {
      failure ??= err
      if (waiting !== null) deliver()
      else done(failure)
    }
    const done = (err: Error | null): void => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.off('readable', onReadable)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
      if (err !== null) return reject(err)
      const rest = answers.rest()
      if (rest.length > 0) socket.unshift(Buffer.from(rest))
      resolve()
    }
    const onEnd = (): void => fail(new Error(`the server closed the connection during the handshake (waiting for ${expected})`))
    const onError = (err: Error): void => fail(new Error(`connection error during the handshake: ${err.message}`))
    const onAbort = (): void => fail(new Error('the buffer gave up on the write'))
    const onReadable = (): void => {
      for (let chunk: Buffer | null; !finished && (chunk = socket.read() as Buffer | null) !== null; ) answers.push(chunk)
      deliver()
    }
    const channel = {
      next(what: 'HELO' | 'PONG'): Promise<Value> {
        expected = what
        return new Promise<Value>((res, rej) => {
          waiting = { resolve: res, reject: rej }
          deliver()
        })
      },
      write(bytes: Uint8Array): void {
        socket.write(bytes)
      },
    }
    if (timeoutMs > 0)
      timer = setTimeout(() => fail(new Error(`handshake timed out after ${timeoutMs} ms (waiting for ${expected})`)), timeoutMs)
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.on('readable', onReadable)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
    socket.once('error', onError)
    runClientHandshake(channel, security, nodeSha512).then(
      () => done(null),
      (err: Error) => done(err),
    )
  })
}
