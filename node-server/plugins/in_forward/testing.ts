/**
 * @module Test support for the Forward plugins (not a test file itself): a raw TCP client that
 * keeps every byte it received and whether the server closed, condition polling, and an agent
 * with in_forward on port 0 feeding `@type capture`.
 */

import { connect, type Socket } from 'node:net'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures, type Capture } from '../../../test/helpers/capture-output.ts'
import type { PluginServices, PluginSpec } from '../../../engine/plugin.ts'
import { inForward, type ForwardInput } from './index.ts'

/** Polls `check` every few ms until it is true; rejects with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

export class RawClient {
  received: Buffer = Buffer.alloc(0)
  /** The server closed (FIN or RST). */
  ended = false
  closed = false
  error: Error | null = null

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      this.received = Buffer.concat([this.received, d])
    })
    socket.on('end', () => {
      this.ended = true
    })
    socket.on('error', (err) => {
      this.error = err
    })
    socket.on('close', () => {
      this.closed = true
      this.ended = true
    })
  }

  /** Connects; `allowHalfOpen` keeps the client's side open after the server's FIN. */
  static open(port: number, host = '127.0.0.1', allowHalfOpen = false): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, allowHalfOpen }, () => {
        socket.off('error', reject)
        socket.setNoDelay(true)
        resolve(new RawClient(socket))
      })
      socket.once('error', reject)
    })
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())))
  }

  /** Writes `bytes` in pieces whose sizes come from `sizes()` (each write awaited). */
  async writeInPieces(bytes: Uint8Array, sizes: () => number): Promise<void> {
    for (let at = 0; at < bytes.length; ) {
      const n = Math.max(1, Math.min(bytes.length - at, sizes()))
      await this.write(bytes.subarray(at, at + n))
      at += n
    }
  }

  waitForBytes(n: number, timeoutMs = 5_000): Promise<void> {
    return waitUntil(() => this.received.length >= n, `${n} bytes from the server (got ${this.received.length})`, timeoutMs)
  }

  waitForEnd(timeoutMs = 5_000): Promise<void> {
    return waitUntil(() => this.ended, 'the server to close the connection', timeoutMs)
  }

  destroy(): void {
    this.socket.destroy()
  }
}

export interface ForwardHarness {
  running: TestAgent
  input: ForwardInput
  port: number
  capture: Capture
  /** A raw client (destroyed by `stop()`); `allowHalfOpen` keeps its side open after the server's FIN. */
  client(allowHalfOpen?: boolean): Promise<RawClient>
  logged(level: string, text: string): boolean
  stop(): Promise<void>
}

let nextId = 0

/**
 * An agent with `<source @type forward port 0 ...extra>` (or `options.port`) and `<match **> @type capture`.
 * `extra` is added inside <source>; `rest` after the match (e.g. a <label @ERROR>).
 */
export async function startForward(
  extra = '',
  options: { rest?: string; plugins?: PluginSpec[]; match?: string; now?: () => number; port?: number; services?: PluginServices } = {},
): Promise<ForwardHarness> {
  const id = `cap${nextId++}`
  const match = options.match ?? `<match **>\n  @type capture\n  @id ${id}\n</match>`
  const running = await startAgent(
    `
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${options.port ?? 0}
${extra}
</source>
${match}
${options.rest ?? ''}`,
    [inForward, ...(options.plugins ?? [])],
    { now: options.now, services: options.services },
  )
  const input = running.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput
  const clients: RawClient[] = []
  return {
    running,
    input,
    port: input.address().port,
    capture: captures.get(id)!,
    async client(allowHalfOpen = false) {
      const c = await RawClient.open(input.address().port, '127.0.0.1', allowHalfOpen)
      clients.push(c)
      return c
    },
    logged: (level, text) => running.logs.some((l) => l.level === level && l.message.includes(text)),
    async stop() {
      for (const c of clients) c.destroy()
      await running.stop()
      captures.delete(id)
    },
  }
}
