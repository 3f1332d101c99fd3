/**
 * @module One in_forward connection: the framing loop on the core and the ordered emit → ack
 * pipeline. A plain TCP connection reads straight into its own reused buffer (Node's `onread`,
 * user-buffer-socket.ts: no Buffer per read); TLS and handshake connections get Node's Buffers.
 * The unframed bytes are copied into the core's input region and framed synchronously end to
 * end, so one input region serves every connection; messages
 * are turned into `Work` (copies, see message.ts) before the next frame call. Works run in order:
 * emit, and only once the router accepted the stream (a returned promise resolved) write the ack.
 * While an emit is pending the socket is paused — backpressure reaches the peer's TCP window.
 * An emit failure (no @ERROR label) means no ack and a closed connection (§9 case 20).
 * Limits: unframed bytes never exceed max_frame_size plus one read; a message must complete
 * within frame_timeout once started (slowloris, see frame-timer.ts).
 */

import type { Socket } from 'node:net'
import * as abi from '../../../wasm/abi.ts'
import type { Core } from '../../../wasm/core.ts'
import type { EventStream } from '../../../engine/event-stream.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import type { EmitResult, EmitTarget } from '../../../engine/plugin.ts'
import type { ForwardOptions } from './options.ts'
import type { EventBuilder } from './events.ts'
import { FrameTimer } from '../../net/frame-timer.ts'
import { adoptUserBuffer } from '../../net/user-buffer-socket.ts'
import { isJsonStart, JsonSplitter, jsonWork } from './json-mode.ts'
import type { MessageReader } from './message.ts'
import { headBase64, peerName, type Peer, type Work } from './work.ts'

export interface ConnectionDeps {
  core: Core
  options: ForwardOptions
  reader: MessageReader
  events: EventBuilder
  router: EmitTarget
  log: Logger
  metrics: PluginMetrics
  /**
   * Tests only (SLUICE_TEST_POISON_LENT=1, read once when the input is made): after each lent
   * emit returns, the lent bytes are overwritten with garbage, so an output that kept a view of
   * them instead of copying delivers garbage and the test sees it.
   */
  poisonLent?: boolean
}

/** The garbage written over lent bytes (0xc1 is the one byte msgpack never uses). */
const POISON = 0xc1

/** With linger_timeout 0, how long a closing connection may wait for the peer to read our last bytes. */
const UNREAD_CLOSE_MS = 30_000

/**
 * The least free room offered to a read of a user-buffer connection; the buffer grows to what the
 * core says a message needs, and doubles (up to KEEP_READ_BUFFER) while reads fill it: a quiet
 * connection keeps 16 KiB, a busy one reads as much as is there.
 */
const MIN_READ_ROOM = 16 * 1024
/** A read buffer grown beyond this (a huge message) is let go once it holds nothing unframed. */
const KEEP_READ_BUFFER = 1024 * 1024

/** How a connection starts after admission (TLS, handshake). */
export interface Opening {
  /** Bytes the handshake read after the PING. */
  leftover: Buffer | null
  /** `<security>`: the stream is msgpack (no JSON mode). */
  msgpackOnly: boolean
  /** A plain TCP socket just accepted (paused, nothing read): it may read into a reused buffer. */
  fresh?: boolean
}

export interface ConnectionInfo {
  peer: string
  protocol: 'msgpack' | 'json' | null
  paused: boolean
  waitingForEmit: boolean
  queuedMessages: number
  bufferedBytes: number
  /** `own`: reads land in the connection's reused buffer (plain TCP); `node`: Node's Buffer per read (TLS, handshake). */
  reads: 'own' | 'node'
  /** The size of the connection's own read buffer (0 with Node's Buffers). */
  readBufferBytes: number
}

export class ForwardConnection {
  private protocol: 'msgpack' | 'json' | null = null
  private json: JsonSplitter | null = null
  private readonly socket: Socket
  /**
   * With a user buffer: the unframed bytes are `acc[readEnd - buffered, readEnd)` and the next read
   * lands at `acc[readEnd]` (Node holds that view). Only `readBuffer` — which Node calls right after
   * each read — moves bytes or replaces `acc`; framing (also from setImmediate) only shrinks
   * `buffered`. Otherwise: the kept tail plus the reads since, in `parts`.
   */
  private readonly userBuffer: boolean
  private acc: Buffer | null = null
  private readEnd = 0
  /** The last read filled the room it was offered: more was probably waiting. */
  private readFull = false
  /** Unframed bytes: the kept tail plus the reads since. */
  private parts: Buffer[] = []
  private buffered = 0
  /** Do not frame again before this many bytes are buffered (the core's `need`). */
  private need = 0
  /** Bytes of the incomplete message at the last attempt (for geometric re-framing). */
  private lastAttempt = 0
  private frameScheduled = false
  private readonly queue: Work[] = []
  /** An emit promise is pending: the socket is paused. */
  private waiting = false
  /** No more reading: finish the queued works, then close. */
  private draining = false
  private closing = false
  private readonly frameTimer: FrameTimer
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>

  constructor(
    socket: Socket,
    readonly peer: Peer,
    private readonly deps: ConnectionDeps,
    opening?: Opening,
  ) {
    const adopted =
      opening?.fresh === true && (opening.leftover == null || opening.leftover.length === 0)
        ? adoptUserBuffer(
            socket,
            () => this.readBuffer(),
            (n) => this.onRead(n),
          )
        : null
    this.socket = adopted ?? socket
    this.userBuffer = adopted !== null
    socket = this.socket
    this.frameTimer = new FrameTimer(deps.options.frameTimeoutMs, () => this.frameTimedOut())
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.frameTimer.stop()
        resolve()
      }),
    )
    socket.setNoDelay(true)
    if (deps.options.sendKeepalivePacket) socket.setKeepAlive(true)
    if (deps.options.idleTimeoutMs > 0) {
      socket.setTimeout(deps.options.idleTimeoutMs)
      socket.on('timeout', () => {
        if (this.waiting || this.closing) return
        deps.log.info('Closing an idle connection.', { peer: peerName(peer), idle_timeout_ms: deps.options.idleTimeoutMs })
        this.close()
      })
    }
    socket.on('error', (err) => {
      deps.log.debug('Connection error.', { peer: peerName(peer), error: err.message })
      this.closing = true
      socket.destroy()
    })
    socket.on('end', () => this.peerEnded())
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    if (opening?.msgpackOnly) this.protocol = 'msgpack'
    if (opening?.leftover != null && opening.leftover.length > 0) this.onData(opening.leftover)
  }

  /** For monitoring and tests: is the socket paused (backpressure), how much is queued. */
  info(): ConnectionInfo {
    return {
      peer: peerName(this.peer),
      protocol: this.protocol,
      paused: this.socket.isPaused(),
      waitingForEmit: this.waiting,
      queuedMessages: this.queue.length,
      bufferedBytes: this.buffered,
      reads: this.userBuffer ? 'own' : 'node',
      readBufferBytes: this.acc?.length ?? 0,
    }
  }

  /** Starts reading (after admission). */
  start(): void {
    this.socket.resume()
  }

  /** Stops reading, finishes what was already read (emits and acks), then closes. */
  drain(): void {
    if (this.closing) return
    if (this.frameScheduled) this.frame()
    this.draining = true
    this.socket.pause()
    this.pump()
  }

  /** Closes at once (shutdown): pending acks are not written, so the peer will resend. */
  destroy(): void {
    this.closing = true
    this.socket.destroy()
  }

  /** Where the next read of a user-buffer connection goes: the free room after the unframed bytes. */
  private readBuffer(): Uint8Array {
    let acc = this.acc
    const kept = this.buffered
    // A buffer grown for a huge message is let go once it holds nothing unframed.
    if (acc !== null && kept === 0 && acc.length > KEEP_READ_BUFFER) acc = null
    // The unframed bytes move to the front (usually none, or a message's first part).
    if (acc !== null && this.readEnd > kept && kept > 0) acc.copyWithin(0, this.readEnd - kept, this.readEnd)
    const room = Math.max(MIN_READ_ROOM, this.need - kept)
    const double = acc !== null && this.readFull && acc.length < KEEP_READ_BUFFER
    this.readFull = false
    if (acc === null || acc.length - kept < room || double) {
      // Grow: at once to the size the core said the message needs, or double.
      const next = Buffer.allocUnsafe(Math.max(kept + room, acc === null ? 0 : Math.min(2 * acc.length, KEEP_READ_BUFFER)))
      if (acc !== null && kept > 0) acc.copy(next, 0, 0, kept)
      acc = next
    }
    this.acc = acc
    this.readEnd = kept
    return acc.subarray(kept)
  }

  /** A user-buffer read: `n` bytes landed at `acc[readEnd]`. */
  private onRead(n: number): void {
    if (n <= 0) return
    const acc = this.acc!
    const at = this.readEnd
    this.readEnd += n
    this.readFull = this.readEnd === acc.length
    if (this.closing || this.draining) return
    if (this.protocol === null) this.chooseProtocol(acc[at])
    if (this.json !== null) {
      this.onJson(Buffer.from(acc.subarray(at, at + n)))
      return
    }
    this.buffered += n
    this.received()
  }

  private onData(chunk: Buffer): void {
    if (this.closing || this.draining) return
    if (this.protocol === null) this.chooseProtocol(chunk[0])
    if (this.json !== null) {
      this.onJson(chunk)
      return
    }
    this.parts.push(chunk)
    this.buffered += chunk.length
    this.received()
  }

  /** JSON mode is chosen by the first byte of the connection. */
  private chooseProtocol(first: number): void {
    this.protocol = isJsonStart(first) ? 'json' : 'msgpack'
    if (this.protocol === 'json') this.json = new JsonSplitter(this.deps.options.maxFrameSize)
  }

  /** New msgpack bytes are buffered: frame now, later, or once `need` bytes are there. */
  private received(): void {
    this.frameTimer.start()
    // Never hold more than max_frame_size unframed: frame now (a message that long is refused).
    if (this.buffered > this.deps.options.maxFrameSize) return this.frame()
    if (this.buffered < this.need || this.frameScheduled) return
    // Re-frame an incomplete message at once only when its bytes doubled; otherwise once this
    // turn of the event loop has delivered every ready read: no quadratic rescans.
    if (this.lastAttempt > 0 && this.buffered < 2 * this.lastAttempt) {
      this.frameScheduled = true
      setImmediate(() => this.frame())
      return
    }
    this.frame()
  }

  /** Frames what is buffered and runs the works; the acks of one call go out in one write. */
  private frame(): void {
    this.frameScheduled = false
    if (this.closing || this.buffered === 0 || this.buffered < this.need) return
    const socket = this.socket
    socket.cork()
    try {
      this.frameBuffered()
    } finally {
      socket.uncork()
    }
  }

  private frameBuffered(): void {
    const { core, options, log, metrics, reader } = this.deps
    // The reads go straight into the core's input region (no JS-side concatenation); the bytes
    // are viewed there, and only an unfinished message's tail is kept (left in the user buffer,
    // or copied back out).
    const parts = this.parts
    const total = this.buffered
    const acc = this.userBuffer ? this.acc : null
    const base = acc !== null ? core.input(acc.subarray(this.readEnd - total, this.readEnd)) : core.inputParts(parts, total)
    const bytes = {
      get view(): Buffer {
        return Buffer.from(core.u8().buffer, base, total)
      },
      length: total,
    }
    this.parts = []
    this.buffered = 0
    let start = 0
    for (;;) {
      const st = core.frameInput(start, total, options.maxFrameSize)
      const count = core.result(abi.R_MESSAGE_COUNT)
      const consumed = core.result(abi.R_CONSUMED)
      const need = core.result(abi.R_NEED)
      const errorOffset = core.result(abi.R_ERROR_OFFSET)
      for (let i = 0; i < count; i++) {
        try {
          reader.read(i, this.peer, this.queue, !this.waiting && this.queue.length === 0)
        } catch (err) {
          reader.discard()
          metrics.errors++
          log.error('Cannot read a message; closing the connection.', {
            peer: peerName(this.peer),
            error: String(err),
            head: headBase64(bytes.view, start, total),
          })
          this.queue.push({ kind: 'close', reason: String(err) })
        }
        const last = this.queue.length > 0 ? this.queue[this.queue.length - 1] : null
        if (last?.kind === 'close') return this.stopReading()
        // A lent payload (a view of the input region) is emitted and acked now, in order: nothing
        // precedes it. Its route makes no `frame` call (which would reuse the frame's tables); what
        // a buffered output does in the core (an aux walk of its own copy) leaves them as they are.
        if (last?.kind === 'message' && last.borrowed === true) {
          const lent = last.stream?.entries
          const at = lent?.byteOffset ?? 0
          const end = at + (lent?.length ?? 0)
          this.runQueue()
          if (this.deps.poisonLent === true) core.u8().fill(POISON, at, end)
          if (this.closing) return
        }
      }
      if (st === abi.STATUS_MORE) {
        start = consumed
        continue
      }
      reader.flush(this.peer, this.queue)
      if (st === abi.STATUS_OK) {
        this.need = 0
        this.lastAttempt = 0
        this.frameTimer.stop()
      } else if (st === abi.STATUS_NEED_MORE) {
        // A message completed here and the next one began: its own window.
        if (consumed > 0) this.frameTimer.restart()
        // (With a user buffer the tail stays where it is: the last `buffered` bytes before readEnd.)
        if (acc === null) this.parts = [consumed === 0 && parts.length === 1 ? parts[0] : Buffer.from(bytes.view.subarray(consumed))]
        this.buffered = total - consumed
        this.need = need
        this.lastAttempt = this.buffered
      } else {
        metrics.errors++
        const peer = peerName(this.peer)
        const head = headBase64(bytes.view, consumed, total)
        let reason: string
        if (st === abi.STATUS_FRAME_TOO_LARGE) {
          reason = `a message is longer than max_frame_size (${options.maxFrameSize} bytes)`
          log.error('Message is larger than max_frame_size; closing the connection.', { peer, limit: options.maxFrameSize, head })
        } else if (st === abi.STATUS_INVALID) {
          reason = 'broken msgpack'
          log.error('Incoming data is broken (not valid msgpack); closing the connection.', { peer, at: errorOffset - consumed, head })
        } else {
          reason = `core status ${st}`
          log.error('The core cannot frame the input (out of memory?); closing the connection.', { peer, status: st })
        }
        this.queue.push({ kind: 'close', reason })
        return this.stopReading()
      }
      break
    }
    this.pump()
  }

  private onJson(chunk: Buffer): void {
    const { events, log, metrics } = this.deps
    const { values, error } = this.json!.push(chunk)
    if (this.json!.pending === 0) this.frameTimer.stop()
    else if (values.length > 0) this.frameTimer.restart()
    else this.frameTimer.start()
    for (const value of values) {
      const work = jsonWork(value, events, log, metrics, this.peer)
      if (work === null) continue
      this.queue.push(work)
      if (work.kind === 'close') return this.stopReading()
    }
    if (error !== null) {
      metrics.errors++
      log.error('Incoming JSON is broken; closing the connection.', {
        peer: peerName(this.peer),
        error,
        head: headBase64(chunk, 0, chunk.length),
      })
      this.queue.push({ kind: 'close', reason: error })
      return this.stopReading()
    }
    this.pump()
  }

  /** frame_timeout: a message started too long ago and is still incomplete (slowloris). */
  private frameTimedOut(): void {
    if (this.closing || this.draining || this.waiting) return
    this.deps.metrics.errors++
    const first: Buffer[] = this.acc !== null && this.buffered > 0 ? [this.acc.subarray(this.readEnd - this.buffered, this.readEnd)] : []
    for (let n = 0, i = 0; i < this.parts.length && n < 48; n += this.parts[i++].length) first.push(this.parts[i])
    const head = first.length > 0 ? headBase64(Buffer.concat(first), 0, 48) : (this.json?.head() ?? '')
    this.deps.log.warn('A message did not complete within frame_timeout; closing the connection.', {
      peer: peerName(this.peer),
      frame_timeout_ms: this.deps.options.frameTimeoutMs,
      bytes: this.buffered || (this.json?.pending ?? 0),
      head,
    })
    this.queue.push({ kind: 'close', reason: 'frame_timeout' })
    this.stopReading()
  }

  /** After a fatal input error: keep the works already queued, read nothing more. */
  private stopReading(): void {
    this.frameTimer.stop()
    this.draining = true
    this.parts = []
    this.buffered = 0
    this.socket.pause()
    this.pump()
  }

  private peerEnded(): void {
    if (this.frameScheduled) this.frame()
    if (this.buffered > 0 && !this.closing) {
      this.deps.log.debug('Peer closed in the middle of a message; dropped the partial message.', {
        peer: peerName(this.peer),
        bytes: this.buffered,
      })
    }
    this.draining = true
    this.pump()
  }

  /** Runs the queued works in order; stops while an emit is pending. The acks of one turn go out in one write. */
  private pump(): void {
    this.socket.cork()
    try {
      this.runQueue()
    } finally {
      this.socket.uncork()
    }
  }

  private runQueue(): void {
    const { router, metrics } = this.deps
    while (!this.waiting && !this.closing && this.queue.length > 0) {
      const work = this.queue.shift()!
      if (work.kind === 'close') return this.close()
      if (work.stream === null) {
        this.done(work.ack)
        continue
      }
      metrics.emits++
      metrics.eventsIn += work.stream.count
      // Read now: a lent stream's view is gone once the emit returned.
      const bytes = work.stream.entries.length
      let result: EmitResult
      try {
        result = router.emit(work.stream)
      } catch (err) {
        return this.emitFailed(work.stream.tag, err)
      }
      const stream = work.stream
      if (result instanceof Promise) {
        this.waiting = true
        this.socket.pause()
        this.frameTimer.stop()
        result.then(
          () => {
            this.waiting = false
            emitted(metrics, stream, bytes)
            if (this.closing) return
            this.done(work.ack)
            if (!this.draining && !this.closing) {
              this.socket.resume()
              if (this.buffered > 0 || (this.json?.pending ?? 0) > 0) this.frameTimer.restart()
            }
            this.pump()
          },
          (err: unknown) => {
            this.waiting = false
            this.emitFailed(stream.tag, err)
          },
        )
        return
      }
      emitted(metrics, stream, bytes)
      this.done(work.ack)
    }
    if (this.draining && !this.waiting && !this.closing && this.queue.length === 0) this.close()
  }

  /** A message was accepted (or dropped on purpose): write its ack. */
  private done(ack: Uint8Array | null): void {
    if (ack !== null && !this.socket.destroyed && this.socket.writable) this.socket.write(ack)
    if (this.deps.options.denyKeepalive) this.close()
  }

  private emitFailed(tag: string, err: unknown): void {
    if (this.closing) return
    this.deps.metrics.errors++
    this.deps.log.error('Emit failed and there is no @ERROR label; closing the connection without an ack (the sender will resend).', {
      peer: peerName(this.peer),
      tag,
      error: err instanceof Error ? err.message : String(err),
    })
    this.close()
  }

  /** Ends the connection after the pending writes; destroys it after linger_timeout (0: once flushed). */
  private close(): void {
    if (this.closing) return
    this.closing = true
    this.frameTimer.stop()
    this.queue.length = 0
    this.parts = []
    this.buffered = 0
    const socket = this.socket
    if (socket.destroyed) return
    socket.pause()
    const linger = this.deps.options.lingerTimeoutMs
    if (linger === 0) socket.end(() => socket.destroy())
    else socket.end()
    // linger_timeout; with 0, still a bound for a peer that never reads what is left to write.
    const timer = setTimeout(() => socket.destroy(), linger > 0 ? linger : UNREAD_CLOSE_MS)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
  }
}

/** The router accepted `stream`: the input passed its events on (`events_out` in the API). */
function emitted(metrics: PluginMetrics, stream: EventStream, bytes: number): void {
  metrics.eventsOut += stream.count
  metrics.bytesOut += bytes
}
