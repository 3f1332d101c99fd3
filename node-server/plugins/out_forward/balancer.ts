/**
 * @module Server selection (Fluentd's LoadBalancer, §2.3): servers with weight 0 are never used;
 * when regular servers are unavailable, available standby servers are added (in config order)
 * until the lost weight is covered; the weight array repeats each server weight/gcd times,
 * replicated up to 6 × the server count, shuffled with a per-process seed; a shared round-robin
 * cursor walks it, skipping unavailable servers. A failed send moves on to the next server.
 * Unlike Fluentd, one write tries each distinct server at most once (Fluentd may retry the same
 * server several times within one write when it appears several times in the array), and servers
 * that did not confirm this chunk before are tried last.
 */

import type { Logger } from '../../../engine/log.ts'

export interface BalancedNode {
  readonly name: string
  readonly weight: number
  readonly standby: boolean
  readonly available: boolean
}

export interface SelectOptions<N> {
  /** Try these last (the chunk was sent there and not confirmed). */
  avoid?: ReadonlySet<N>
  /** Stop at this error instead of trying the next server. */
  stop?: (error: unknown) => boolean
}

export class NoNodesAvailable extends Error {
  constructor() {
    super('no nodes are available')
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** mulberry32: a small seeded PRNG (the shuffle only needs to be stable per process). */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PROCESS_SEED = Math.floor(Math.random() * 0xffff_ffff)

export class LoadBalancer<N extends BalancedNode> {
  private weightArray: N[] = []
  private cursor = 0

  constructor(
    private readonly nodes: readonly N[],
    private readonly log: Logger,
    private readonly seed = PROCESS_SEED,
  ) {
    this.rebuild()
  }

  /** The current weight array (for tests and status). */
  get order(): readonly N[] {
    return this.weightArray
  }

  rebuild(): void {
    const used = this.nodes.filter((n) => n.weight > 0)
    const regular = used.filter((n) => !n.standby)
    let lost = regular.reduce((sum, n) => sum + (n.available ? 0 : n.weight), 0)
    if (lost > 0) {
      for (const n of used.filter((s) => s.standby)) {
        if (!n.available) continue
        regular.push(n)
        this.log.warn('Using a standby server.', { server: n.name, weight: n.weight })
        lost -= n.weight
        if (lost <= 0) break
      }
    }
    if (regular.length === 0) {
      this.log.warn('No servers are available (all have weight 0).')
      this.weightArray = []
      return
    }
    const divisor = regular.reduce((g, n) => gcd(g, n.weight), 0)
    let array: N[] = []
    for (const n of regular) for (let k = 0; k < n.weight / divisor; k++) array.push(n)
    const coefficient = Math.floor((regular.length * 6) / array.length)
    if (coefficient > 1) array = Array.from({ length: coefficient }, () => array).flat()
    const random = seeded(this.seed)
    const keys = array.map(() => random())
    this.weightArray = array
      .map((n, i) => ({ n, k: keys[i] }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.n)
    this.cursor = this.cursor % this.weightArray.length
  }

  /**
   * Calls `send` on servers in balancer order until one succeeds. Servers in `avoid` (where this
   * chunk was not confirmed before) are tried only after every other available one; an error for
   * which `stop` returns true ends the selection at once. Rejects with the last error, or
   * NoNodesAvailable when no server was available.
   */
  async select<T>(send: (node: N) => Promise<T>, options: SelectOptions<N> = {}): Promise<T> {
    const array = this.weightArray
    const tried = new Set<N>()
    const later: N[] = []
    let error: unknown = null
    const attempt = async (node: N): Promise<{ value: T } | null> => {
      try {
        return { value: await send(node) }
      } catch (err) {
        error = err
        if (options.stop?.(err)) throw err
        return null
      }
    }
    for (let k = 0; k < array.length; k++) {
      const node = array[this.cursor % array.length]
      this.cursor = (this.cursor + 1) % array.length
      if (!node.available || tried.has(node)) continue
      tried.add(node)
      if (options.avoid?.has(node)) {
        later.push(node)
        continue
      }
      const done = await attempt(node)
      if (done !== null) return done.value
    }
    for (const node of later) {
      if (!node.available) continue
      const done = await attempt(node)
      if (done !== null) return done.value
    }
    if (error !== null) throw error
    throw new NoNodesAvailable()
  }
}
