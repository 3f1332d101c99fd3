/**
 * @module The plain Node baseline of `npm run bench:tail`, in its own process: readline over a
 * read stream, then per line JSON.parse (`--mode json`) or RegExp exec with Fluentd's
 * apache_error expression into an object (`--mode regexp`), and @msgpack/msgpack `encode` of the
 * record. Prints the same JSON line as run-sluice.ts.
 */

import { createReadStream, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { encode } from '@msgpack/msgpack'

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) throw new Error(`--${name} is required`)
  return process.argv[i + 1]
}

const file = arg('file')
const mode = arg('mode')
/** Fluentd's apache_error expression (parser_apache_error.rb), as a JavaScript RegExp. */
const APACHE_ERROR =
  /^\[[^ ]* (?<time>[^\]]*)\] \[(?<level>[^\]]*)\](?: \[pid (?<pid>[^\]]*)\])?( \[client (?<client>[^\]]*)\])? (?<message>.*)$/

const cpu0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
let lines = 0
let bytes = 0
let maxRss = 0
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss()
  if (rss > maxRss) maxRss = rss
}, 50)
const rl = createInterface({ input: createReadStream(file, { highWaterMark: 64 * 1024 }), crlfDelay: Number.POSITIVE_INFINITY })
for await (const line of rl) {
  let record: unknown
  if (mode === 'json') record = JSON.parse(line)
  else {
    const m = APACHE_ERROR.exec(line)
    record = m === null ? { message: line } : { ...m.groups }
  }
  bytes += encode(record).length
  lines++
}
clearInterval(sampler)
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(cpu0)
const status = readFileSync('/proc/self/status', 'utf8')
const peakRss = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024
process.stdout.write(`${JSON.stringify({ lines, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRss, maxRss, bytes })}\n`)
