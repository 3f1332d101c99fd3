/**
 * @module The benchmark's Worker (edge/bench/wrangler.jsonc, run by bench/edge/main.ts; never deployed): the edge Worker,
 * plus `POST /__loop?n=N`, which answers the request's body N times through the edge app inside
 * ONE request. Time stands still inside a Worker request, so the CPU is read from outside (the
 * workerd process's /proc counters) and divided by N: the isolate's CPU per batch without the
 * HTTP server and wrangler's dev proxy around it.
 */

import edge, { createWorker } from '../src/worker.ts'
import type { EdgeEnv } from '../src/settings.ts'

const worker = createWorker()

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname !== '/__loop') return edge.fetch(request, env, ctx)
    const n = Number(url.searchParams.get('n') ?? '1000')
    const body = await request.text()
    const headers: Record<string, string> = {
      authorization: request.headers.get('authorization') ?? '',
      'content-type': 'application/json',
    }
    if (url.searchParams.get('length') === '1') headers['content-length'] = String(new TextEncoder().encode(body).length)
    const runtime = await worker.runtimeFor(env)
    const statuses: Record<number, number> = {}
    for (let i = 0; i < n; i++) {
      const res = await runtime.app.fetch(new Request('http://bench/bench/app', { method: 'POST', body, headers }), env, ctx)
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
      await res.arrayBuffer()
    }
    return Response.json({ n, statuses })
  },
} satisfies ExportedHandler<EdgeEnv>
