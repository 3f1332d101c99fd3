/**
 * @module The edge guard inside workerd: bearer tokens stored as SHA-256 (from SLUICE_TOKENS or
 * KV), 401 for a missing or unknown token, 403 for a tag outside the token's patterns (evaluated
 * by the core's route table, add_tag_prefix included), 429 + Retry-After past the token's rate,
 * the access_token parameter for sendBeacon (never reaching a record), CORS headers on refusals,
 * and the pieces: token list parsing, constant-time comparison, the verified tokens an isolate
 * remembers (no second hash; a KV one forgotten with its KV answer), the token bucket.
 */

import { afterEach, describe, expect, it, vi } from 'vitest'
import { RateLimiter, parseRate } from '../src/auth/rate-limit.ts'
import { equalBytes, equalTokens, parseTokens, tokenHash, TokenStore, VERIFIED_TOKENS, type KvReader } from '../src/auth/tokens.ts'
import { captures } from '../../test/helpers/capture-output.ts'
import { core, runtime, stopRuntimes } from './support.ts'
import { NO_TOKENS } from '../src/runtime.ts'

afterEach(stopRuntimes)

let next = 0
async function guarded(tokens: object[], options: { source?: string; rateLimit?: string; kv?: KvReader } = {}) {
  const id = `auth${next++}`
  const conf = `<source>\n  @type http\n${options.source ?? ''}\n</source>\n<match **>\n  @type capture\n  @id ${id}\n</match>\n`
  const t = await runtime(conf, { auth: true, tokens: JSON.stringify(tokens), rateLimit: options.rateLimit, kv: options.kv ?? null })
  return { ...t, events: () => captures.get(id)!.events }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const json = async (res: Response) => (await res.json()) as { error: string }

describe('bearer tokens', () => {
  it('401 without a token or with an unknown one (WWW-Authenticate), 202 with a listed one', async () => {
    const t = await guarded([{ name: 'ci', sha256: await tokenHash('s3cret'), tags: '**' }])
    const none = await t.post('/app', '{"a":1}')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="sluice"')
    expect((await json(none)).error).toMatch(/missing bearer token/)
    const wrong = await t.post('/app', '{"a":2}', bearer('s3cret!'))
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="sluice", error="invalid_token"')
    expect((await t.post('/app', '{"a":3}', { authorization: 'Basic czNjcmV0' })).status).toBe(401)
    expect((await t.post('/app', '{"a":4}', { authorization: 'bearer s3cret' })).status).toBe(202)
    expect(t.events().map((e) => e.record.a)).toEqual([4])
    expect(t.logs.some((l) => l.message === 'refused an unknown token')).toBe(true)
    expect(JSON.stringify(t.logs)).not.toContain('s3cret')
  })

  it("403 for a tag outside the token's patterns (Fluentd match patterns, after add_tag_prefix)", async () => {
    const t = await guarded(
      [
        { name: 'web', sha256: await tokenHash('web'), tags: ['edge.web.**', 'edge.{beacon,csp}'] },
        { name: 'all', sha256: await tokenHash('all'), tags: '**' },
      ],
      { source: '  add_tag_prefix edge' },
    )
    expect((await t.post('/web/click', '{"n":1}', bearer('web'))).status).toBe(202)
    expect((await t.post('/beacon', '{"n":2}', bearer('web'))).status).toBe(202)
    const denied = await t.post('/app/db', '{"n":0}', bearer('web'))
    expect(denied.status).toBe(403)
    expect((await json(denied)).error).toBe('token web may not send tag edge.app.db (it may send: edge.web.** edge.{beacon,csp})')
    expect((await t.post('/app/db', '{"n":3}', bearer('all'))).status).toBe(202)
    expect(t.events().map((e) => [e.tag, e.record.n])).toEqual([
      ['edge.web.click', 1],
      ['edge.beacon', 2],
      ['edge.app.db', 3],
    ])
  })

  it('takes ?access_token= (navigator.sendBeacon cannot set headers) and removes it before the ingest', async () => {
    const t = await guarded([{ name: 'beacon', sha256: await tokenHash('b-token'), tags: 'rum.**' }], { source: '  add_query_params true' })
    const beacon = new Request('http://edge.test/rum/page?access_token=b-token&v=2', { method: 'POST', body: '{"load":1}' })
    expect((await t.runtime.app.request(beacon)).status).toBe(202)
    expect(t.events()[0].record).toEqual({ load: 1, QUERY_V: '2' })
  })

  it('never asks GET /healthz, HEAD or the CORS preflight for a token', async () => {
    const t = await guarded([{ name: 'x', sha256: await tokenHash('x'), tags: '**' }], {
      source: '  cors_allow_origins ["https://app.example"]',
    })
    expect((await t.runtime.app.request('/healthz')).status).toBe(200)
    const preflight = await t.runtime.app.request('/rum', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(200)
    const refused = await t.post('/rum', '{}', { origin: 'https://app.example' })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it('reads tokens from KV by their hash, caching answers (misses too)', async () => {
    const hash = await tokenHash('kv-token')
    const gets: string[] = []
    const kv: KvReader = {
      get: async (key) => {
        gets.push(key)
        return key === `token:${hash}` ? JSON.stringify({ name: 'from-kv', tags: 'kv.**' }) : null
      },
    }
    const t = await guarded([], { kv })
    expect((await t.post('/kv/a', '{}', bearer('kv-token'))).status).toBe(202)
    expect((await t.post('/kv/b', '{}', bearer('kv-token'))).status).toBe(202)
    expect((await t.post('/other', '{}', bearer('kv-token'))).status).toBe(403)
    expect((await t.post('/kv/a', '{}', bearer('nope'))).status).toBe(401)
    expect((await t.post('/kv/a', '{}', bearer('nope'))).status).toBe(401)
    expect(gets).toEqual([`token:${hash}`, `token:${await tokenHash('nope')}`])
  })

  it('refuses every request with 401 when no token is configured', async () => {
    const t = await runtime('<match **>\n  @type null\n</match>', { auth: true })
    expect((await t.post('/app', '{}', bearer('anything'))).status).toBe(401)
    expect(t.logs.some((l) => l.level === 'error' && l.message.startsWith('no tokens'))).toBe(true)
  })
})

describe('verified tokens (remembered by the isolate, so a token sent again is not hashed again)', () => {
  it('hashes a listed token once, and still refuses near misses of a remembered one', async () => {
    const store = new TokenStore(core, parseTokens(JSON.stringify([{ name: 'ci', sha256: await tokenHash('s3cret'), tags: '**' }])))
    const digest = vi.spyOn(crypto.subtle, 'digest')
    try {
      expect((await store.verify('s3cret'))?.name).toBe('ci')
      expect((await store.verify('s3cret'))?.name).toBe('ci')
      expect(digest).toHaveBeenCalledTimes(1)
      for (const wrong of ['s3cret!', 's3cre', 'S3cret', '', 's3cret\u0000'])
        expect(await store.verify(wrong), JSON.stringify(wrong)).toBeNull()
      expect(digest).toHaveBeenCalledTimes(6)
    } finally {
      digest.mockRestore()
      store.free()
    }
  })

  it('forgets a KV token when its KV answer expires: a revoked token is refused after the same minute as before', async () => {
    let stored: string | null = JSON.stringify({ name: 'from-kv', tags: '**' })
    let gets = 0
    let now = 1_000_000
    const store = new TokenStore(core, [], { get: async () => (gets++, stored) }, () => now)
    expect((await store.verify('kv-token'))?.name).toBe('from-kv')
    stored = null // revoked in KV
    now += 59_000
    expect((await store.verify('kv-token'))?.name).toBe('from-kv')
    expect(gets).toBe(1)
    now += 2_000
    expect(await store.verify('kv-token')).toBeNull()
    expect(gets).toBe(2)
    store.free()
  })

  it(`keeps at most ${VERIFIED_TOKENS} tokens; a forgotten one is hashed again`, async () => {
    const names = Array.from({ length: VERIFIED_TOKENS + 6 }, (_, i) => `token-${i}`)
    const records = await Promise.all(names.map(async (t) => ({ name: t, sha256: await tokenHash(t), tags: '**' })))
    const store = new TokenStore(core, parseTokens(JSON.stringify(records)))
    for (const t of names) expect((await store.verify(t))?.name).toBe(t)
    const digest = vi.spyOn(crypto.subtle, 'digest')
    try {
      expect((await store.verify(names.at(-1)!))?.name).toBe(names.at(-1))
      expect(digest).toHaveBeenCalledTimes(0)
      expect((await store.verify(names[0]))?.name).toBe(names[0])
      expect(digest).toHaveBeenCalledTimes(1)
    } finally {
      digest.mockRestore()
      store.free()
    }
  })

  it('compares tokens over every character of the known one', () => {
    expect(equalTokens('abc', 'abc')).toBe(true)
    expect(equalTokens('abc', 'abd')).toBe(false)
    expect(equalTokens('abc', 'ab')).toBe(false)
    expect(equalTokens('abc', 'abcd')).toBe(false)
    expect(equalTokens('', '')).toBe(true)
    expect(equalTokens('a', '')).toBe(false)
    expect(equalTokens('\u0000', '')).toBe(false)
  })
})

describe('rate limit', () => {
  it("answers 429 with Retry-After past the token's burst; other tokens are not affected", async () => {
    const t = await guarded([
      { name: 'slow', sha256: await tokenHash('slow'), tags: '**', rate: 0.5, burst: 2 },
      { name: 'free', sha256: await tokenHash('free'), tags: '**' },
    ])
    expect((await t.post('/a', '{}', bearer('slow'))).status).toBe(202)
    expect((await t.post('/a', '{}', bearer('slow'))).status).toBe(202)
    const limited = await t.post('/a', '{}', bearer('slow'))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    for (let i = 0; i < 5; i++) expect((await t.post('/a', '{}', bearer('free'))).status).toBe(202)
  })

  it('applies SLUICE_RATE_LIMIT to tokens without their own rate', async () => {
    const t = await guarded([{ name: 'd', sha256: await tokenHash('d'), tags: '**' }], { rateLimit: '1/1' })
    expect((await t.post('/a', '{}', bearer('d'))).status).toBe(202)
    expect((await t.post('/a', '{}', bearer('d'))).status).toBe(429)
  })

  it('refills at the rate (a token bucket)', () => {
    let now = 0
    const limiter = new RateLimiter(() => now)
    const spec = { rate: 2, burst: 2 }
    expect([limiter.take('k', spec), limiter.take('k', spec), limiter.take('k', spec)]).toEqual([0, 0, 1])
    now = 500
    expect(limiter.take('k', spec)).toBe(0)
    expect(limiter.take('k', spec)).toBe(1)
    expect(parseRate('50/100')).toEqual({ rate: 50, burst: 100 })
    expect(parseRate('5')).toEqual({ rate: 5, burst: 5 })
    expect(parseRate(undefined)).toBeNull()
    expect(() => parseRate('fast')).toThrow(/requests per second/)
  })
})

describe('token list', () => {
  it('parses SLUICE_TOKENS and names what is wrong', async () => {
    const sha256 = await tokenHash('t')
    expect(parseTokens(JSON.stringify([{ name: 'a', sha256: sha256.toUpperCase(), tags: ['x.**', 'y'] }]))).toEqual([
      { name: 'a', sha256, tags: 'x.** y', rate: undefined, burst: undefined },
    ])
    expect(() => parseTokens('{')).toThrow(/not JSON/)
    expect(() => parseTokens('{}')).toThrow(/must be a JSON array/)
    expect(() => parseTokens('[{"name":"a","sha256":"abc","tags":"**"}]')).toThrow(
      /SLUICE_TOKENS\[0\]: sha256 must be the 64 hex characters/,
    )
    expect(() => parseTokens(JSON.stringify([{ sha256, tags: '' }]))).toThrow(/tags must be match patterns/)
    expect(() => parseTokens(JSON.stringify([{ sha256, tags: '**', rate: -1 }]))).toThrow(/rate must be a positive number/)
  })

  it('compares digests over every byte', () => {
    const a = Uint8Array.from({ length: 32 }, (_, i) => i)
    const b = a.slice()
    expect(equalBytes(a, b)).toBe(true)
    b[31] ^= 1
    expect(equalBytes(a, b)).toBe(false)
    expect(equalBytes(a, a.subarray(1))).toBe(false)
  })

  it('/healthz answers 503 no_tokens when auth is on and no token can match (every POST is refused)', async () => {
    for (const tokens of [undefined, '[]']) {
      const t = await runtime('<match **>\n  @type null\n</match>', { auth: true, tokens })
      const health = await t.runtime.app.request('/healthz')
      expect(health.status).toBe(503)
      expect(await health.json()).toMatchObject({ status: 'no_tokens', warning: NO_TOKENS, auth: true, tokens: 0, token_kv: false })
      expect(NO_TOKENS).toMatch(/^no tokens: every request will be refused/)
      expect((await t.post('/app', '{}')).status).toBe(401)
      expect(t.logs.some((l) => l.level === 'error' && l.message === NO_TOKENS)).toBe(true)
    }
    const listed = await guarded([{ name: 'x', sha256: await tokenHash('x'), tags: '**' }])
    const ok = await listed.runtime.app.request('/healthz')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ status: 'ok', tokens: 1, token_kv: false })
    const kv = await guarded([], { kv: { get: async () => null } })
    expect(await (await kv.runtime.app.request('/healthz')).json()).toMatchObject({ status: 'ok', tokens: 0, token_kv: true })
  })

  it('a bad token list makes the config invalid (every answer says so)', async () => {
    const t = await runtime('<match **>\n  @type null\n</match>', { auth: true, tokens: '[1]' })
    const res = await t.post('/app', '{}')
    expect(res.status).toBe(500)
    expect((await json(res)).error).toContain('SLUICE_TOKENS[0]')
    expect((await t.runtime.app.request('/healthz')).status).toBe(503)
  })
})
