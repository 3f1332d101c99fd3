/**
 * @module `npm run bench:edge`: the edge ingest's requests/s and CPU time per 100-event JSON batch,
 * in Node (the runtime the Worker builds, through app.request; null output, and forward with acks
 * to an in_forward) and under `wrangler dev` (local workerd), plus the deployable bundle's size
 * (`wrangler deploy --dry-run`). Targets: at most 0.3 ms CPU per batch in the isolate (issue 12);
 * bundle (JS + .wasm) under 1 MB. Measures only; asserts nothing.
 *
 * Under wrangler dev two numbers: over HTTP (through wrangler's dev proxy: its CPU counts) and the
 * isolate alone (edge/bench/worker.ts runs the app N times inside one request). The requests carry
 * a Content-Length, as HTTP clients send a body they know; the rows marked "no Content-Length" send
 * the body as a stream of unknown length, as every request of this benchmark did before (the
 * ingest then counts the stream against body_size_limit instead of reading it at once).
 *
 * Options: --duration SECONDS (per run, default 5), --concurrency N (wrangler clients, default 8),
 * --loop N (isolate iterations, default 2000), --no-wrangler, --json.
 */

import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { measureBundle, type BundleFile } from './bundle.ts'
import { batchBody } from './payload.ts'
import { runIsolate, runNode, runWrangler, type Run } from './runs.ts'

const MB = 1024 * 1024
const TARGET_MS = 0.3

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      loop: { type: 'string', default: '2000' },
      'no-wrangler': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  })
  const duration = Number(values.duration)
  const body = batchBody(100)
  const runs: Run[] = []
  process.stderr.write(`bench:edge: Node, null output, ${duration} s …\n`)
  runs.push(await runNode(body, 'null', duration))
  process.stderr.write(`bench:edge: Node, null output, no Content-Length, ${duration} s …\n`)
  runs.push(await runNode(body, 'null', duration, 'streamed'))
  process.stderr.write(`bench:edge: Node, forward with acks, ${duration} s …\n`)
  runs.push(await runNode(body, 'forward', duration))
  if (!values['no-wrangler']) {
    process.stderr.write(`bench:edge: wrangler dev, ${duration} s …\n`)
    runs.push(await runWrangler(body, duration, Number(values.concurrency)))
    process.stderr.write('bench:edge: workerd isolate loop …\n')
    runs.push(await runIsolate(body, Number(values.loop)))
    process.stderr.write('bench:edge: workerd isolate loop, no Content-Length …\n')
    runs.push(await runIsolate(body, Number(values.loop), 'streamed'))
  }
  process.stderr.write('bench:edge: bundle (wrangler deploy --dry-run) …\n')
  const bundle = measureBundle()
  if (values.json) {
    process.stdout.write(
      JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, load: loadavg(), bodyBytes: body.length, runs, bundle }, null, 2) +
        '\n',
    )
    return 0
  }
  process.stdout.write(report(runs, bundle, body.length))
  return 0
}

function report(runs: Run[], bundle: BundleFile[], bodyBytes: number): string {
  const lines = [
    `sluice edge benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    `request: POST /bench/app, Bearer token, JSON array of 100 records (${bodyBytes} bytes); target ≤ ${TARGET_MS} ms CPU per batch (issue 12: the isolate); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    '',
    `${'where'.padEnd(42)} ${'output'.padEnd(44)} ${'req/s'.padStart(8)} ${'CPU ms/batch'.padStart(13)}  target  statuses`,
  ]
  for (const r of runs) {
    lines.push(
      `${r.where.padEnd(42)} ${r.output.padEnd(44)} ${r.requestsPerSecond.toFixed(0).padStart(8)} ${r.cpuMsPerBatch.toFixed(3).padStart(13)}  ${r.cpuMsPerBatch <= TARGET_MS ? 'PASS' : 'MISS'}    ${JSON.stringify(r.statuses)}`,
    )
  }
  const total = bundle.reduce((n, f) => n + f.bytes, 0)
  const totalGz = bundle.reduce((n, f) => n + f.gzipBytes, 0)
  lines.push('', 'bundle (wrangler deploy --dry-run):')
  for (const f of bundle)
    lines.push(`  ${f.name.padEnd(20)} ${(f.bytes / 1024).toFixed(1).padStart(8)} KiB  (gzip ${(f.gzipBytes / 1024).toFixed(1)} KiB)`)
  lines.push(
    `  ${'total'.padEnd(20)} ${(total / 1024).toFixed(1).padStart(8)} KiB  (gzip ${(totalGz / 1024).toFixed(1)} KiB)  target < 1 MiB: ${total < MB ? 'PASS' : 'MISS'}`,
    '',
  )
  return lines.join('\n')
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    process.stderr.write(`bench:edge: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exitCode = 1
  },
)
