/**
 * @module One in_tcp / in_syslog connection: each read goes through the framer (framing.ts), every
 * complete message through the plugin's handler (parse → events, grouped by tag), and the streams
 * are emitted in order. While an emit is pending (a file buffer write, `overflow_action block`)
 * the socket is paused, so backpressure reaches the sender's TCP window and nothing more is read
 * or held. Bad input closes only this connection, with one log line: broken octet counting, a
 * message that does not complete within frame_timeout (slowloris), an emit the router refused.
 * What the peer sent after its last complete message when it closes is dropped (as Fluentd).
 */

import type { Socket } from 'node:net'
import type { EventStream } from '../../engine/event-stream.ts'
import type { Logger } from '../../engine/log.ts'
import type { PluginMetrics } from '../../engine/metrics.ts'
import type { EmitResult, EmitTarget } from '../../engine/plugin.ts'
import { TaggedBatch } from './batch.ts'
import { FrameTimer } from './frame-timer.ts'
import type { FrameHandler, Framer } from './framing.ts'
import { headBase64, peerName, type Peer } from './peer.ts'
import type { Accepted } from './stream-listener.ts'

/** What a plugin does with the messages of one connection. */
export interface MessageHandler {
  /** One complete message (`bytes[start, end)`, valid during the call): its events go into `batch`. */
  message(bytes: Uint8Array, start: number, end: number, batch: TaggedBatch): void
  /** A message longer than the limit was dropped or truncated. */
  oversize(size: number, head: Uint8Array, action: 'dropped' | 'truncated'): void
  /** No more messages will come: events still held (a line-joining parser's) go into `batch`. */
  end(batch: TaggedBatch): void
}

export interface StreamConnectionOptions {
  /** A started message must complete within this (0: no limit). */
  frameTimeoutMs: number
  /** Close after this long without a read (0: never). */
  idleTimeoutMs: number
  /** After sluice ends the connection, wait this long for the peer to close (0: destroy once flushed). */
  lingerTimeoutMs: number
}

export interface StreamConnectionDeps {
  framer: Framer
  handler: MessageHandler
  router: EmitTarget
  log: Logger
  metrics: PluginMetrics
  options: StreamConnectionOptions
}

/** With linger_timeout 0, how long a closing connection may wait for its last bytes to be flushed. */
const UNREAD_CLOSE_MS = 30_000

type Work = EventStream | { close: string }

export class StreamConnection implements Accepted, FrameHandler {
  private readonly batch = new TaggedBatch()
  private readonly queue: Work[] = []
  private readonly frameTimer: FrameTimer
  /** An emit promise is pending: the socket is paused. */
  private waiting = false
  /** No more reading: finish the queued emits, then close. */
  private draining = false
  private closing = false
  private ended = false
  readonly closed: Promise<void>

  constructor(
    private readonly socket: Socket,
    readonly peer: Peer,
    private readonly deps: StreamConnectionDeps,
  ) {
    this.frameTimer = new FrameTimer(deps.options.frameTimeoutMs, () => this.frameTimedOut())
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.frameTimer.stop()
        resolve()
      }),
    )
    if (deps.options.idleTimeoutMs > 0) {
      socket.setTimeout(deps.options.idleTimeoutMs)
      socket.on('timeout', () => {
        if (this.waiting || this.closing) return
        deps.log.info('Closing an idle connection.', { peer: peerName(peer), idle_timeout_ms: deps.options.idleTimeoutMs })
        this.finishInput()
        this.draining = true
        this.pump()
      })
    }
    socket.on('error', (err) => {
      deps.log.debug('Connection error.', { peer: peerName(peer), error: err.message })
      this.closing = true
      socket.destroy()
    })
    socket.on('end', () => this.peerEnded())
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
  }

  /** Is the socket paused by backpressure, how many streams wait (monitoring, tests). */
  info(): { peer: string; paused: boolean; waitingForEmit: boolean; queued: number; pendingBytes: number } {
    return {
      peer: peerName(this.peer),
      paused: this.socket.isPaused(),
      waitingForEmit: this.waiting,
      queued: this.queue.length,
      pendingBytes: this.deps.framer.pending,
    }
  }

  drain(): void {
    if (this.closing || this.draining) return
    this.socket.pause()
    this.finishInput()
    this.draining = true
    this.pump()
  }

  destroy(): void {
    this.closing = true
    this.socket.destroy()
  }

  // FrameHandler: the framer calls these during push().
  message(bytes: Uint8Array, start: number, end: number): void {
    try {
      this.deps.handler.message(bytes, start, end, this.batch)
    } catch (err) {
      // A parser must not throw on bad input; if one does, that message is lost, nothing else.
      this.deps.metrics.errors++
      this.deps.metrics.dropped++
      this.deps.log.error('Cannot process a message; dropped it.', {
        peer: peerName(this.peer),
        error: err instanceof Error ? err.message : String(err),
        head: headBase64(bytes.subarray(start, end)),
      })
    }
  }

  oversize(size: number, head: Uint8Array, action: 'dropped' | 'truncated'): void {
    this.deps.handler.oversize(size, head, action)
  }

  private onData(chunk: Buffer): void {
    if (this.closing || this.draining) return
    const { framer, log, metrics } = this.deps
    const error = framer.push(chunk, this)
    if (!framer.inMessage) this.frameTimer.stop()
    else if (framer.completed > 0) this.frameTimer.restart()
    else this.frameTimer.start()
    this.collect()
    if (error !== null) {
      metrics.errors++
      log.error('Cannot frame the input; closing the connection.', { peer: peerName(this.peer), error, head: headBase64(chunk) })
      this.queue.push({ close: error })
      this.stopReading()
      return
    }
    this.pump()
  }

  /** Streams of the messages framed so far, queued for emitting. */
  private collect(): void {
    if (this.batch.empty) return
    for (const stream of this.batch.take()) this.queue.push(stream)
  }

  /** The input ends here: what the handler still holds is emitted; an unfinished message is dropped. */
  private finishInput(): void {
    if (this.ended) return
    this.ended = true
    const { framer, handler, log } = this.deps
    if (framer.inMessage) {
      log.debug('The connection ended in the middle of a message; dropped the partial message.', {
        peer: peerName(this.peer),
        bytes: framer.pending,
      })
      framer.reset()
    }
    this.frameTimer.stop()
    handler.end(this.batch)
    this.collect()
  }

  private frameTimedOut(): void {
    if (this.closing || this.draining || this.waiting) return
    const { framer, log, metrics, options } = this.deps
    metrics.errors++
    log.warn('A message did not complete within frame_timeout; closing the connection.', {
      peer: peerName(this.peer),
      frame_timeout_ms: options.frameTimeoutMs,
      bytes: framer.pending,
      head: headBase64(framer.head()),
    })
    framer.reset()
    this.queue.push({ close: 'frame_timeout' })
    this.stopReading()
  }

  /** After a fatal input error: emit what was framed before it, read nothing more, then close. */
  private stopReading(): void {
    this.frameTimer.stop()
    this.draining = true
    this.ended = true
    this.socket.pause()
    this.pump()
  }

  private peerEnded(): void {
    this.finishInput()
    this.draining = true
    this.pump()
  }

  /** Emits the queued streams in order; stops while an emit is pending. */
  private pump(): void {
    const { router, metrics } = this.deps
    while (!this.waiting && !this.closing && this.queue.length > 0) {
      const work = this.queue.shift()!
      if ('close' in work) return this.close()
      metrics.emits++
      metrics.eventsIn += work.count
      let result: EmitResult
      try {
        result = router.emit(work)
      } catch (err) {
        return this.emitFailed(work, err)
      }
      if (result instanceof Promise) {
        this.waiting = true
        this.socket.pause()
        this.frameTimer.stop()
        result.then(
          () => {
            this.waiting = false
            emitted(metrics, work)
            if (this.closing) return
            if (!this.draining) {
              this.socket.resume()
              if (this.deps.framer.inMessage) this.frameTimer.restart()
            }
            this.pump()
          },
          (err: unknown) => {
            this.waiting = false
            this.emitFailed(work, err)
          },
        )
        return
      }
      emitted(metrics, work)
    }
    if (this.draining && !this.waiting && !this.closing && this.queue.length === 0) this.close()
  }

  private emitFailed(stream: EventStream, err: unknown): void {
    if (this.closing) return
    const { log, metrics } = this.deps
    metrics.errors++
    metrics.dropped += stream.count
    log.error('Emit failed and there is no @ERROR label; dropped the events and closing the connection.', {
      peer: peerName(this.peer),
      tag: stream.tag,
      events: stream.count,
      error: err instanceof Error ? err.message : String(err),
    })
    this.close()
  }

  /** Ends the connection after pending writes; destroys it after linger_timeout (0: once flushed). */
  private close(): void {
    if (this.closing) return
    this.closing = true
    this.frameTimer.stop()
    this.queue.length = 0
    const socket = this.socket
    if (socket.destroyed) return
    socket.pause()
    const linger = this.deps.options.lingerTimeoutMs
    if (linger === 0) socket.end(() => socket.destroy())
    else socket.end()
    const timer = setTimeout(() => socket.destroy(), linger > 0 ? linger : UNREAD_CLOSE_MS)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
  }
}

/** The router accepted `stream`: the input passed its events on (`events_out` in the API). */
function emitted(metrics: PluginMetrics, stream: EventStream): void {
  metrics.eventsOut += stream.count
  metrics.bytesOut += stream.entries.length
}
