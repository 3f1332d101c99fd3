/**
 * @module The edge's deploy path as edge/README.md gives it, checked offline: `npm run -s
 * edge:token` prints a SLUICE_TOKENS list (or a KV key and value) that the edge's token store
 * accepts for the token it printed; edge/examples/fluent.conf (the real-destination SLUICE_CONFIG
 * example) builds into an edge runtime whose /healthz is ok with those tokens; and
 * `wrangler deploy --dry-run` bundles edge/examples/wrangler.jsonc with its KV namespace, Queue
 * and no SLUICE_CONFIG var (the config is a secret there). Real processes (node, wrangler).
 */

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../engine/log.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { parseTokens, TokenStore } from '../../edge/src/auth/tokens.ts'
import { buildEdgeRuntime } from '../../edge/src/runtime.ts'
import { REPO_ROOT } from '../../node-server/cli/testing/sluice-process.ts'

const EXAMPLES = join(REPO_ROOT, 'edge', 'examples')
const dir = mkdtempSync(join(tmpdir(), 'sluice-edge-deploy-'))
const hadWranglerDir = existsSync(join(EXAMPLES, '.wrangler'))

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  // wrangler keeps a scratch directory beside the config it read.
  if (!hadWranglerDir) rmSync(join(EXAMPLES, '.wrangler'), { recursive: true, force: true })
})

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const edgeToken = (args: string[]) => run(process.execPath, [join(REPO_ROOT, 'scripts', 'edge-token.mjs'), ...args])
const printedToken = (stderr: string) => /^token \S+ \(shown once; only its SHA-256 is stored\): (\S+)$/m.exec(stderr)![1]

describe('npm run edge:token', () => {
  it('prints a SLUICE_TOKENS list the edge accepts for the token it shows once', async () => {
    const r = await edgeToken(['--name', 'web', '--tags', 'app.** web.*', '--rate', '5'])
    expect(r.code).toBe(0)
    const token = printedToken(r.stderr)
    expect(r.stdout).not.toContain(token)
    const list = JSON.parse(r.stdout)
    expect(list).toEqual([{ name: 'web', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), tags: 'app.** web.*', rate: 5 }])
    const store = new TokenStore(await loadCore(), parseTokens(r.stdout))
    const grant = await store.verify(token)
    expect(grant?.name).toBe('web')
    expect(grant?.allows('app.db.slow')).toBe(true)
    expect(grant?.allows('web.click')).toBe(true)
    expect(grant?.allows('billing')).toBe(false)
    expect(await store.verify(`${token}x`)).toBeNull()

    // --add: a second token appended to the list; --token: the hash of a given token.
    writeFileSync(join(dir, 'tokens.json'), r.stdout)
    const two = await edgeToken(['--name', 'ci', '--tags', '**', '--token', 'ci-secret', '--add', join(dir, 'tokens.json')])
    expect(two.code).toBe(0)
    const both = new TokenStore(await loadCore(), parseTokens(two.stdout))
    expect((await both.verify(token))?.name).toBe('web')
    expect((await both.verify('ci-secret'))?.name).toBe('ci')
    const same = await edgeToken(['--name', 'ci', '--tags', '**', '--add', join(dir, 'tokens.json')])
    expect(same.code).toBe(0)
    const dup = await edgeToken(['--name', 'web', '--tags', '**', '--add', join(dir, 'tokens.json')])
    expect(dup.code).toBe(2)
    expect(dup.stderr).toMatch(/already has a token named web/)
  })

  it('--kv prints the KV key and value the edge looks a token up by', async () => {
    const r = await edgeToken(['--name', 'kv', '--tags', 'kv.**', '--kv'])
    expect(r.code).toBe(0)
    const [key, value] = r.stdout.trim().split('\n')
    expect(key).toMatch(/^token:[0-9a-f]{64}$/)
    // A Map stands in for the KV namespace (no Workers KV under Node); the store reads it by key.
    const kv = new Map([[key, value]])
    const store = new TokenStore(await loadCore(), [], { get: async (k) => kv.get(k) ?? null })
    expect((await store.verify(printedToken(r.stderr)))?.name).toBe('kv')
  })

  it('refuses missing --name or --tags with the usage', async () => {
    const r = await edgeToken(['--name', 'x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--tags is required/)
  })
})

describe('edge/examples', () => {
  it('fluent.conf builds into an edge runtime that is ok with a token list', async () => {
    const tokens = (await edgeToken(['--name', 'web', '--tags', '**'])).stdout
    const logs: string[] = []
    const runtime = await buildEdgeRuntime(
      await loadCore(),
      {
        config: readFileSync(join(EXAMPLES, 'fluent.conf'), 'utf8'),
        configSource: 'SLUICE_CONFIG',
        tokens,
        auth: true,
        rateLimit: '50/100',
        logLevel: 'info',
        hostname: 'sluice-edge',
        kv: null,
      },
      // Nothing is sent in this test (the example's aggregator is a placeholder): no socket, no Queue.
      {
        connect: () => {
          throw new Error('no connections in this test')
        },
        fetch: () => Promise.reject(new Error('no fetch in this test')),
        queue: () => undefined,
      },
      createLogger((r) => logs.push(`${r.level} ${r.message}`), 'info'),
    )
    try {
      expect(runtime.errors).toEqual([])
      const health = await runtime.app.request('/healthz')
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok', auth: true, tokens: 1, outputs: ['forward', 'queue', 'forward'] })
      expect(logs.filter((l) => l.startsWith('error'))).toEqual([])
    } finally {
      await runtime.stop()
    }
  })

  it('wrangler deploy --dry-run bundles wrangler.jsonc with its KV namespace and Queue, and no SLUICE_CONFIG var', {
    timeout: 120_000,
  }, async () => {
    const r = await run(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        join(dir, 'bundle'),
        '-c',
        join(EXAMPLES, 'wrangler.jsonc'),
      ],
      { WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/env\.SLUICE_KV \(\w+\)\s+KV Namespace/)
    expect(r.stdout).toMatch(/env\.QUEUE \(sluice-events\)\s+Queue/)
    expect(r.stdout).not.toContain('SLUICE_CONFIG')
    expect(existsSync(join(dir, 'bundle', 'worker.js'))).toBe(true)
  })
})
