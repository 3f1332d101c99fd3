/**
 * @module Host name resolution for one out_forward server, as Fluentd's Node does it (§2.1):
 * `expire_dns_cache` unset → resolve once and keep the address until the server is detached or
 * disabled (`clear()`); `0` → resolve on every connection; `N` → keep it N seconds.
 * `dns_round_robin` picks one of all the addresses at random on each resolution (Fluentd: a
 * random A record); otherwise the resolver's first answer. IP literals are never looked up.
 */

import { promises as dns } from 'node:dns'
import { isIP } from 'node:net'

export interface ResolvedAddress {
  address: string
  family: number
}

export type Lookup = (host: string) => Promise<ResolvedAddress[]>

const systemLookup: Lookup = (host) => dns.lookup(host, { all: true, verbatim: true })

export class HostResolver {
  private cached: { value: ResolvedAddress; at: number } | null = null

  /**
   * @param expireMs null: keep until clear(); 0: never keep; N: keep N ms.
   */
  constructor(
    readonly host: string,
    private readonly expireMs: number | null,
    private readonly roundRobin: boolean,
    private readonly clock: () => number = Date.now,
    private readonly lookup: Lookup = systemLookup,
    private readonly random: () => number = Math.random,
  ) {}

  /** The address to connect to (rejects with the resolver's error when the name does not resolve). */
  async resolve(): Promise<ResolvedAddress> {
    const family = isIP(this.host)
    if (family !== 0) return { address: this.host, family }
    const now = this.clock()
    const c = this.cached
    if (c !== null && (this.expireMs === null || (this.expireMs > 0 && now - c.at < this.expireMs))) return c.value
    const all = await this.lookup(this.host)
    if (all.length === 0) throw new Error(`${this.host} has no address`)
    const value = this.roundRobin ? all[Math.floor(this.random() * all.length) % all.length] : all[0]
    this.cached = this.expireMs === 0 ? null : { value, at: now }
    return value
  }

  /** Forgets the cached address (the server was detached or disabled; Fluentd's `@resolved_host = nil`). */
  clear(): void {
    this.cached = null
  }
}
