/**
 * @module The out_syslog ChunkWriter: every event of a chunk formatted (format.ts) into one buffer,
 * then sent — over one kept TCP or TLS connection (opened on the first write, opened again after
 * it failed or the server closed it) as one write, or over UDP as one datagram per message.
 * Syslog has no application-level acknowledgement: a chunk counts as delivered, and leaves the
 * buffer, once the socket took all of its bytes — TCP/TLS when the write callback reported them
 * handed to the kernel, UDP when every datagram was sent. Bytes the kernel accepted can still be
 * lost if the connection dies before the server reads them; a chunk whose write failed is sent
 * again whole (at-least-once: the server may see its first messages twice).
 */

import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { promises as dns } from 'node:dns'
import { connect, isIP, type Socket } from 'node:net'
import type { Core } from '../../../wasm/core.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { type Chunk, type ChunkWriter, chunkIdHex, type WriteContext } from '../../../engine/output/chunk.ts'
import { walkEntryRanges } from '../../../engine/output/entries.ts'
import { rateLimited, UnrecoverableError } from '../../../engine/output/errors.ts'
import { startTls, tlsServername } from '../../tls/client.ts'
import { Bytes, SyslogFormatter } from './format.ts'
import type { SyslogOutputOptions } from './options.ts'

export interface SyslogWriterDeps {
  core: Core
  log: Logger
  metrics: PluginMetrics
}

/** A chunk's messages: all of them in `bytes`, and for UDP where each one ends. */
interface Formatted {
  bytes: Uint8Array
  ends: number[]
  count: number
}

export class SyslogWriter implements ChunkWriter {
  private readonly formatter: SyslogFormatter
  private socket: Socket | null = null
  private connecting: Promise<Socket> | null = null
  private udp: Promise<UdpSocket> | null = null
  private closed = false
  private readonly refusals = rateLimited()

  constructor(
    private readonly options: SyslogOutputOptions,
    private readonly deps: SyslogWriterDeps,
  ) {
    const invalid = { severity: rateLimited(), facility: rateLimited() }
    this.formatter = new SyslogFormatter(
      {
        format: options.format,
        maxSize: options.maxSize,
        allowLongerSdId: options.allowLongerSdId,
        fields: options.fields,
        framing: options.mode === 'udp' ? 'datagram' : options.frameType,
      },
      (what, value) => {
        const n = invalid[what]()
        if (n !== null) deps.log.warn(`invalid ${what}: '${value}'; using syslog_${what}_preset`, { count: n })
      },
    )
  }

  async write(chunk: Chunk, context?: WriteContext): Promise<void> {
    if (this.closed) throw new Error('out_syslog is shut down')
    const formatted = this.format(chunk)
    if (formatted.count === 0) return
    const signal = context?.signal
    if (this.options.mode === 'udp') await this.sendDatagrams(formatted)
    else await this.send(await this.connection(signal), formatted.bytes, signal)
    this.deps.metrics.bytesOut += formatted.bytes.length
  }

  /** Closes the connection and the UDP socket (shutdown). */
  close(): void {
    this.closed = true
    this.socket?.destroy()
    this.socket = null
    this.udp?.then((s) => s.close()).catch(() => undefined)
    this.udp = null
  }

  private format(chunk: Chunk): Formatted {
    const out = new Bytes()
    const ends: number[] = []
    let count = 0
    const udp = this.options.mode === 'udp'
    const ok = walkEntryRanges(this.deps.core, chunk.entries, (_s, _e, sec, nsec, recordStart, _re, mem) => {
      this.formatter.append(sec, nsec, mem, recordStart, out)
      if (udp) ends.push(out.length)
      count++
    })
    if (!ok) throw new UnrecoverableError(`chunk ${chunkIdHex(chunk.id)} is not a valid event stream`)
    return { bytes: out.view(), ends, count }
  }

  /** The kept connection, or a new one (TCP, then TLS when `mode tls`). */
  private connection(signal?: AbortSignal): Promise<Socket> {
    const current = this.socket
    if (current !== null && !current.destroyed && current.writable) return Promise.resolve(current)
    this.connecting ??= this.open(signal).finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  private async open(signal?: AbortSignal): Promise<Socket> {
    const { host, port, connectTimeoutMs, tls } = this.options
    const raw = await new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host, port })
      const done = (err: Error | null) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        socket.off('error', onError)
        if (err === null) return resolve(socket)
        socket.destroy()
        reject(err)
      }
      const onError = (err: Error) => done(new Error(`cannot connect to ${host}:${port}: ${err.message}`))
      const onAbort = () => done(new Error('the buffer gave up on the write'))
      const timer = setTimeout(() => done(new Error(`connecting to ${host}:${port} timed out (${connectTimeoutMs} ms)`)), connectTimeoutMs)
      signal?.addEventListener('abort', onAbort, { once: true })
      socket.once('error', onError)
      socket.once('connect', () => done(null))
    })
    raw.setNoDelay(true)
    if (this.options.sendKeepalivePacket) raw.setKeepAlive(true)
    const socket = tls === null ? raw : await startTls(raw, tls, host, tlsServername(host, null), connectTimeoutMs, signal)
    socket.on('error', (err) => this.deps.log.debug('syslog connection error', { server: `${host}:${port}`, error: err.message }))
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null
    })
    // A syslog server sends nothing; read (and drop) whatever comes so the socket sees the server's close.
    socket.on('data', () => undefined)
    if (this.closed) {
      socket.destroy()
      throw new Error('out_syslog is shut down')
    }
    this.socket = socket
    this.deps.log.debug('connected to the syslog server', { server: `${host}:${port}`, tls: tls !== null })
    return socket
  }

  /** Writes `bytes`; resolves once they were handed to the kernel. Failure or timeout: the connection is dropped. */
  private send(socket: Socket, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const { sendTimeoutMs, host, port } = this.options
    return new Promise((resolve, reject) => {
      let settled = false
      const done = (err: Error | null) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        if (err === null) return resolve()
        socket.destroy()
        reject(err)
      }
      const onAbort = () => done(new Error('the buffer gave up on the write'))
      const timer = setTimeout(() => done(new Error(`sending to ${host}:${port} made no progress for ${sendTimeoutMs} ms`)), sendTimeoutMs)
      signal?.addEventListener('abort', onAbort, { once: true })
      socket.write(bytes, (err) => done(err == null ? null : new Error(`sending to ${host}:${port} failed: ${err.message}`)))
    })
  }

  private udpSocket(): Promise<UdpSocket> {
    this.udp ??= (async () => {
      const { host, port } = this.options
      const address = isIP(host) !== 0 ? host : (await dns.lookup(host)).address
      const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4')
      socket.on('error', (err) => this.refused(err))
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject)
        socket.connect(port, address, () => {
          socket.off('error', reject)
          resolve()
        })
      })
      return socket
    })().catch((err: unknown) => {
      this.udp = null
      throw err
    })
    return this.udp
  }

  /**
   * An ICMP port-unreachable for an earlier datagram (nothing listens at the server): Node reports
   * it on the socket or in the callback of a later send. The datagrams it stands for are lost and
   * no retry can tell which; resending the chunk at hand would not bring them back. Logged
   * (rate-limited), not failed.
   */
  private refused(err: Error): void {
    const n = this.refusals()
    if (n === null) return
    this.deps.log.warn('The syslog server refuses UDP datagrams (nothing listens there?); datagrams sent meanwhile are lost.', {
      server: `${this.options.host}:${this.options.port}`,
      error: err.message,
      count: n,
    })
  }

  /** One datagram per message; resolves once every one was sent. */
  private async sendDatagrams(formatted: Formatted): Promise<void> {
    const socket = await this.udpSocket()
    const { host, port } = this.options
    let start = 0
    const sends: Promise<void>[] = []
    for (const end of formatted.ends) {
      const datagram = formatted.bytes.subarray(start, end)
      start = end
      sends.push(
        new Promise((resolve, reject) =>
          socket.send(datagram, (err) => {
            if (err == null) return resolve()
            if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
              this.refused(err)
              return resolve()
            }
            reject(new Error(`sending to ${host}:${port} (udp) failed: ${err.message}`))
          }),
        ),
      )
    }
    await Promise.all(sends)
  }
}
