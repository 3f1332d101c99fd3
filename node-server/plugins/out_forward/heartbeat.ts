/**
 * @module out_forward's heartbeats (§1.7): every `heartbeat_interval` each server is checked
 * (hard_timeout / phi, see node.ts) and probed — `transport`: a TCP connect closed at once
 * without data (a successful connect is the heartbeat); `udp`: one `00` datagram to the server's
 * port, the `00` reply matched to the server by the address it was sent to (resolved through
 * the server's HostResolver on each probe, so expire_dns_cache applies; IPv4 only); `none`:
 * nothing. One probe per server at a time; the timer is unref'd.
 */

import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { HEARTBEAT_PROBE } from '../../../engine/forward/heartbeat.ts'
import type { Logger } from '../../../engine/log.ts'
import type { ForwardNode } from './node.ts'

export class HeartbeatLoop {
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly probing = new Set<ForwardNode>()
  private udp: UdpSocket | null = null
  /** `address:port` of each server, resolved for matching UDP replies. */
  private readonly udpPeers = new Map<string, ForwardNode>()

  constructor(
    private readonly nodes: readonly ForwardNode[],
    private readonly type: 'transport' | 'udp' | 'none',
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.type === 'none') return
    if (this.type === 'udp') await this.startUdp()
    this.timer = setInterval(() => this.beat(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.udp?.close()
    this.udp = null
  }

  private beat(): void {
    for (const node of this.nodes) {
      node.tick()
      if (this.type === 'transport') this.probeTransport(node)
      else this.probeUdp(node)
    }
  }

  private probeTransport(node: ForwardNode): void {
    if (this.probing.has(node)) return
    this.probing.add(node)
    node
      .connect()
      .then(
        (socket) => {
          socket.end(() => socket.destroy())
          node.heartbeat(true)
        },
        (err: Error) => {
          this.log.debug('Heartbeat failed.', { server: node.name, error: err.message })
        },
      )
      .finally(() => this.probing.delete(node))
  }

  private async startUdp(): Promise<void> {
    const udp = createSocket('udp4')
    udp.on('error', (err) => this.log.warn('UDP heartbeat socket error.', { error: err.message }))
    udp.on('message', (_msg, rinfo) => this.udpPeers.get(`${rinfo.address}:${rinfo.port}`)?.heartbeat(true))
    await new Promise<void>((resolve) => udp.bind(0, resolve))
    udp.unref()
    this.udp = udp
  }

  private probeUdp(node: ForwardNode): void {
    if (this.udp === null || this.probing.has(node)) return
    this.probing.add(node)
    node.resolver
      .resolve()
      .then(
        ({ address, family }) => {
          const udp = this.udp
          if (udp === null) return
          if (family !== 4) {
            this.log.debug('UDP heartbeats are IPv4 only; this server gets none.', { server: node.name, address })
            return
          }
          const key = `${address}:${node.server.port}`
          for (const [k, peer] of this.udpPeers) if (peer === node && k !== key) this.udpPeers.delete(k)
          this.udpPeers.set(key, node)
          udp.send(HEARTBEAT_PROBE, node.server.port, address, (err) => {
            if (err) this.log.debug('Cannot send a UDP heartbeat.', { server: node.name, error: err.message })
          })
        },
        (err: Error) => {
          this.log.debug('Cannot resolve a server for its UDP heartbeat.', { server: node.name, error: err.message })
        },
      )
      .finally(() => this.probing.delete(node))
  }
}
