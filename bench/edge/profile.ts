/**
 * @module `npm run bench:edge:profile`: where the edge ingest's CPU goes per 100-event batch (the
 * bench:edge request: POST /bench/app, Bearer token, Content-Length, `<match **> @type null`).
 *
 * `--where workerd` (default): the bench Worker under `wrangler dev`, profiled through wrangler's
 * DevTools inspector (V8's Profiler domain, which workerd serves) while its `/__loop` endpoint runs
 * the edge app N times inside one request — the isolate alone, as bench:edge's isolate row.
 * `--where node`: the same runtime in this process (`app.request`), profiled with node:inspector.
 * Prints self time per category and function, and the inclusive time of the busiest functions, in
 * µs per batch (the profiler itself adds some). Measures only.
 *
 * Options: --where workerd|node, --n BATCHES (workerd, default 5000), --duration SECONDS (node,
 * default 5), --streamed (bodies without Content-Length), --top N (default 30), --keep FILE (write
 * the .cpuprofile, e.g. for Chrome DevTools).
 */

import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startWranglerDev } from '../../test/edge/wrangler-dev.ts'
import { type CpuProfile, type ProfileNode, summarize, summaryText } from '../profile/summary.ts'
import { batchBody } from './payload.ts'
import { BENCH_WORKER, type BodyLength, benchHeaders, edgeNodeRuntime, TOKEN, TOKENS } from './runs.ts'

const NULL_CONFIG = '<match **>\n  @type null\n</match>'
const SAMPLING_US = 100

/** Inclusive time (µs) per function (name and line), counted once per sample even when recursive. */
function inclusive(profile: CpuProfile): Map<string, number> {
  const parent = new Map<number, number>()
  const byId = new Map<number, ProfileNode>()
  for (const n of profile.nodes) {
    byId.set(n.id, n)
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const total = new Map<string, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0
    const seen = new Set<string>()
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame
      const key = `${f.functionName || '(anonymous)'}${f.url === '' ? '' : ` ${f.url.slice(f.url.lastIndexOf('/') + 1)}:${f.lineNumber + 1}`}`
      if (seen.has(key)) continue
      seen.add(key)
      total.set(key, (total.get(key) ?? 0) + us)
    }
  }
  return total
}

/** A DevTools protocol client over a WebSocket (wrangler's inspector proxy asks for a local Origin). */
async function devtools(url: string): Promise<{ post(method: string, params?: object): Promise<unknown>; close(): void }> {
  const ws = new (WebSocket as unknown as new (url: string, init: object) => WebSocket)(url, { headers: { origin: 'http://localhost' } })
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = () => reject(new Error(`cannot connect to the inspector at ${url}`))
  })
  let next = 0
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  ws.onmessage = (m) => {
    const d = JSON.parse(String(m.data)) as { id?: number; result?: unknown; error?: { message: string } }
    // workerd acknowledges some commands (Profiler.enable, start) by echoing them, without a result.
    if (d.id === undefined || !pending.has(d.id)) return
    const p = pending.get(d.id)!
    pending.delete(d.id)
    if (d.error) p.reject(new Error(d.error.message))
    else p.resolve(d.result)
  }
  return {
    post: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next
        pending.set(id, { resolve, reject })
        ws.send(JSON.stringify({ id, method, params }))
      }),
    close: () => ws.close(),
  }
}

async function profileWorkerd(body: string, n: number, length: BodyLength): Promise<{ profile: CpuProfile; batches: number }> {
  const dev = await startWranglerDev(
    { SLUICE_TOKENS: TOKENS, SLUICE_CONFIG: NULL_CONFIG, SLUICE_LOG_LEVEL: 'warn' },
    { logLevel: 'warn', config: BENCH_WORKER },
  )
  try {
    const loop = async (count: number) => {
      const res = await fetch(`${dev.url}/__loop?n=${count}${length === 'content-length' ? '&length=1' : ''}`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      const answer = (await res.json()) as { statuses: Record<string, number> }
      if (answer.statuses['202'] !== count) throw new Error(`the loop answered ${JSON.stringify(answer.statuses)}`)
    }
    await loop(500)
    const targets = (await (await fetch(`http://127.0.0.1:${dev.inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[]
    const inspector = await devtools(targets[0].webSocketDebuggerUrl)
    await inspector.post('Profiler.enable')
    await inspector.post('Profiler.setSamplingInterval', { interval: SAMPLING_US })
    await inspector.post('Profiler.start')
    await loop(n)
    const { profile } = (await inspector.post('Profiler.stop')) as { profile: CpuProfile }
    inspector.close()
    return { profile, batches: n }
  } finally {
    await dev.stop()
  }
}

async function profileNode(body: string, durationS: number, length: BodyLength): Promise<{ profile: CpuProfile; batches: number }> {
  const runtime = await edgeNodeRuntime(NULL_CONFIG)
  const init = { method: 'POST', body, headers: benchHeaders(body, length) }
  for (let i = 0; i < 500; i++) await (await runtime.app.request('/bench/app', init)).arrayBuffer()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_US })
  await session.post('Profiler.start')
  const start = performance.now()
  let batches = 0
  while (performance.now() - start < durationS * 1000) {
    const res = await runtime.app.request('/bench/app', init)
    if (res.status !== 202) throw new Error(`status ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
    batches++
  }
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile }
  session.disconnect()
  await runtime.stop()
  return { profile, batches }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      where: { type: 'string', default: 'workerd' },
      n: { type: 'string', default: '5000' },
      duration: { type: 'string', default: '5' },
      streamed: { type: 'boolean', default: false },
      top: { type: 'string', default: '30' },
      keep: { type: 'string' },
    },
  })
  if (values.where !== 'workerd' && values.where !== 'node') throw new Error('--where is workerd or node')
  const body = batchBody(100)
  const length: BodyLength = values.streamed ? 'streamed' : 'content-length'
  const load = loadavg()[0]
  const { profile, batches } =
    values.where === 'workerd'
      ? await profileWorkerd(body, Number(values.n), length)
      : await profileNode(body, Number(values.duration), length)
  if (values.keep) writeFileSync(values.keep, JSON.stringify(profile))
  const summary = summarize(profile, Number(values.top))
  const out = [
    `edge ingest profile — ${values.where === 'workerd' ? 'workerd isolate (wrangler dev, /__loop)' : `Node ${process.version} (app.request)`}, ${batches} batches of ${body.length} bytes${length === 'streamed' ? ' without Content-Length' : ''}, load ${load.toFixed(2)}`,
    `busy ${((summary.busyMs * 1000) / batches).toFixed(1)} µs per batch under the profiler (sampling every ${SAMPLING_US} µs)`,
    '',
    summaryText(summary),
    'inclusive time (µs per batch):',
  ]
  for (const [name, us] of [...inclusive(profile)].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    out.push(`  ${(us / batches).toFixed(1).padStart(7)}  ${name}`)
  process.stdout.write(`${out.join('\n')}\n`)
}

// Node 20 has WebSocket behind a flag (Node 22 has it on): run again with the flag when it is missing.
if (typeof globalThis.WebSocket === 'undefined') {
  const r = spawnSync(
    process.execPath,
    ['--experimental-websocket', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  )
  process.exitCode = r.status ?? 1
} else {
  main().catch((error) => {
    process.stderr.write(`bench:edge:profile: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exitCode = 1
  })
}
