/**
 * @module Bearer tokens, stored hashed: a token is known by the SHA-256 hex of its text, from a
 * list (SLUICE_TOKENS, a secret or var) or a KV namespace (key `token:<sha256 hex>`). A presented
 * token is hashed and compared with EVERY listed hash in constant time (no early exit, XOR of the
 * 32 bytes); KV is looked up by the hash and its answer cached for a minute (misses too, so bad
 * tokens do not hammer KV). Each token is scoped to tag patterns (Fluentd match patterns,
 * whitespace-separated alternatives) compiled into a route table of the core, like the routes.
 *
 * A token that passed is remembered by the isolate (in memory only, at most VERIFIED_TOKENS, a
 * KV one no longer than its KV answer is cached), so the next request with it skips the SHA-256:
 * the presented token is compared with EVERY remembered one in constant time (each remembered
 * token's every character, whatever the presented one holds), then, when none is equal, hashed as
 * above. The isolate sees every token it checks anyway; nothing is written anywhere.
 */

import type { Core, CoreRouteTable } from '../../../wasm/core.ts'

export interface TokenRecord {
  /** For logs and answers; never the token. */
  name: string
  /** SHA-256 hex of the token (64 characters). */
  sha256: string
  /** Match patterns of the tags the token may send, e.g. `app.** web.*`. */
  tags: string
  /** Requests per second (token bucket refill) for this token; overrides the default. */
  rate?: number
  /** Bucket size (default: rate). */
  burst?: number
}

/** The KV part the store reads. */
export interface KvReader {
  get(key: string): Promise<string | null>
}

export class Grant {
  private table: CoreRouteTable | null = null
  readonly digest: Uint8Array

  constructor(
    private readonly core: Core,
    readonly record: TokenRecord,
  ) {
    this.digest = hexBytes(record.sha256)
  }

  get name(): string {
    return this.record.name
  }

  /** Is `tag` within the token's patterns? (the core's pattern machine, compiled once) */
  allows(tag: string): boolean {
    this.table ??= this.core.matcher.compile([{ kind: 'match', pattern: this.record.tags }]) as CoreRouteTable
    return this.table.lookup(tag).match >= 0
  }

  free(): void {
    this.table?.free()
    this.table = null
  }
}

const KV_TTL_MS = 60_000
const KV_CACHE_ENTRIES = 1000
/** Tokens an isolate remembers after verifying them (the oldest is forgotten first). */
export const VERIFIED_TOKENS = 64

const textEncoder = new TextEncoder()

interface Verified {
  token: string
  grant: Grant
  /** Date.now() past which the entry is not used (a KV grant's cache expiry; Infinity for a listed one). */
  until: number
}

export class TokenStore {
  private readonly listed: Grant[]
  private readonly kvCache = new Map<string, { grant: Grant | null; until: number }>()
  private readonly verified: Verified[] = []

  constructor(
    private readonly core: Core,
    records: readonly TokenRecord[],
    private readonly kv: KvReader | null = null,
    private readonly now: () => number = Date.now,
  ) {
    this.listed = records.map((r) => new Grant(core, r))
  }

  /** The grant of a presented token, or null. */
  async verify(token: string): Promise<Grant | null> {
    const remembered = this.remembered(token)
    if (remembered !== null) return remembered
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', textEncoder.encode(token)))
    let found: Grant | null = null
    for (const grant of this.listed) if (equalBytes(grant.digest, digest)) found = grant
    if (found !== null) {
      this.remember(token, found, Number.POSITIVE_INFINITY)
      return found
    }
    if (this.kv === null) return null
    const hex = bytesHex(digest)
    const grant = await this.fromKv(hex, digest)
    if (grant !== null) this.remember(token, grant, this.kvCache.get(hex)?.until ?? 0)
    return grant
  }

  /** The grant of a token verified before (every entry compared in constant time), or null. */
  private remembered(token: string): Grant | null {
    if (this.verified.length === 0) return null
    const now = this.now()
    let found: Grant | null = null
    for (const v of this.verified) if (equalTokens(v.token, token) && v.until > now) found = v.grant
    return found
  }

  /** Remembers a verified token (replacing an expired entry or an older one of the same token). */
  private remember(token: string, grant: Grant, until: number): void {
    const now = this.now()
    for (let i = this.verified.length - 1; i >= 0; i--) {
      const v = this.verified[i]
      if (v.until <= now || v.token === token) this.verified.splice(i, 1)
    }
    if (this.verified.length >= VERIFIED_TOKENS) this.verified.shift()
    this.verified.push({ token, grant, until })
  }

  private async fromKv(hex: string, digest: Uint8Array): Promise<Grant | null> {
    const cached = this.kvCache.get(hex)
    if (cached !== undefined && cached.until > this.now()) return cached.grant
    const text = await this.kv!.get(`token:${hex}`)
    let grant: Grant | null = null
    if (text !== null) {
      const record = readTokenRecord({ sha256: hex, ...JSON.parse(text) }, `KV token:${hex.slice(0, 8)}…`)
      grant = new Grant(this.core, record)
      if (!equalBytes(grant.digest, digest)) grant = null
    }
    if (this.kvCache.size >= KV_CACHE_ENTRIES) {
      const oldest = this.kvCache.keys().next().value!
      const dropped = this.kvCache.get(oldest)?.grant
      if (dropped) {
        dropped.free()
        this.forget(dropped)
      }
      this.kvCache.delete(oldest)
    }
    this.kvCache.set(hex, { grant, until: this.now() + KV_TTL_MS })
    return grant
  }

  /** Forgets the remembered tokens of a grant (its KV answer left the cache). */
  private forget(grant: Grant): void {
    for (let i = this.verified.length - 1; i >= 0; i--) if (this.verified[i].grant === grant) this.verified.splice(i, 1)
  }

  free(): void {
    this.verified.length = 0
    for (const g of this.listed) g.free()
    for (const { grant } of this.kvCache.values()) grant?.free()
    this.kvCache.clear()
  }
}

/** Parses SLUICE_TOKENS: a JSON array of {name, sha256, tags, rate?, burst?}. Throws naming the bad entry. */
export function parseTokens(text: string): TokenRecord[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`SLUICE_TOKENS is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!Array.isArray(value)) throw new Error('SLUICE_TOKENS must be a JSON array of {"name", "sha256", "tags"}')
  return value.map((v, i) => readTokenRecord(v, `SLUICE_TOKENS[${i}]`))
}

export function readTokenRecord(value: unknown, where: string): TokenRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: expected an object {"name", "sha256", "tags"}`)
  const v = value as Record<string, unknown>
  const sha256 = typeof v.sha256 === 'string' ? v.sha256.toLowerCase() : ''
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new Error(`${where}: sha256 must be the 64 hex characters of SHA-256(token) (e.g. printf %s "$TOKEN" | sha256sum)`)
  const tags = Array.isArray(v.tags) && v.tags.every((t) => typeof t === 'string') ? v.tags.join(' ') : v.tags
  if (typeof tags !== 'string' || tags.trim() === '')
    throw new Error(`${where}: tags must be match patterns such as "app.**" (or a list of them); "**" allows every tag`)
  const number = (key: 'rate' | 'burst') => {
    if (v[key] === undefined) return undefined
    if (typeof v[key] !== 'number' || !((v[key] as number) > 0)) throw new Error(`${where}: ${key} must be a positive number`)
    return v[key] as number
  }
  return {
    name: typeof v.name === 'string' && v.name !== '' ? v.name : sha256.slice(0, 8),
    sha256,
    tags,
    rate: number('rate'),
    burst: number('burst'),
  }
}

/** Constant time for equal lengths: every byte is looked at. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/**
 * Is `presented` the token `known`? The time depends on `known`'s length only: every character of
 * `known` is looked at whatever `presented` holds (no early exit; a shorter one reads as zeros).
 */
export function equalTokens(known: string, presented: string): boolean {
  let diff = known.length ^ presented.length
  for (let i = 0; i < known.length; i++) diff |= known.charCodeAt(i) ^ (presented.charCodeAt(i) | 0)
  return diff === 0
}

/** SHA-256 hex of a token (what SLUICE_TOKENS and the KV keys hold). */
export async function tokenHash(token: string): Promise<string> {
  return bytesHex(new Uint8Array(await crypto.subtle.digest('SHA-256', textEncoder.encode(token))))
}

function bytesHex(bytes: Uint8Array): string {
  let hex = ''
  for (const b of bytes) hex += b.toString(16).padStart(2, '0')
  return hex
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}
