/**
 * @module Host names of peers for `source_hostname_key`: getnameinfo (so /etc/hosts applies, as
 * Ruby's lookups do), a failed lookup giving the address. UDP senders are looked up per datagram,
 * so answers are cached (bounded, with a lifetime) and concurrent lookups of one address share
 * one query.
 */

import { promises as dns } from 'node:dns'

/** The name of `address` (the address itself when the lookup fails). */
export async function reverseLookup(address: string): Promise<string> {
  try {
    return (await dns.lookupService(address, 0)).hostname
  } catch {
    return address
  }
}

export class ReverseDnsCache {
  private readonly names = new Map<string, { name: string; expires: number }>()
  private readonly inflight = new Map<string, Promise<string>>()

  constructor(
    private readonly maxEntries = 4096,
    private readonly ttlMs = 60_000,
    private readonly clock: () => number = Date.now,
    private readonly lookup: (address: string) => Promise<string> = reverseLookup,
  ) {}

  /** The cached name, or null when it must be looked up. */
  cached(address: string): string | null {
    const hit = this.names.get(address)
    if (hit === undefined) return null
    if (hit.expires < this.clock()) {
      this.names.delete(address)
      return null
    }
    return hit.name
  }

  resolve(address: string): Promise<string> {
    const hit = this.cached(address)
    if (hit !== null) return Promise.resolve(hit)
    let pending = this.inflight.get(address)
    if (pending === undefined) {
      pending = this.lookup(address).then((name) => {
        this.inflight.delete(address)
        if (this.names.size >= this.maxEntries) this.names.delete(this.names.keys().next().value as string)
        this.names.set(address, { name, expires: this.clock() + this.ttlMs })
        return name
      })
      this.inflight.set(address, pending)
    }
    return pending
  }
}
