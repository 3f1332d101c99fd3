/**
 * @module One sluice run of `npm run bench:tail`, in its own process: the real agent from
 * fluent.conf text (`<source @type tail>` reading `--file` from its head with the given `<parse>`
 * → `<match> @type null`), timed from start until in_tail emitted `--lines` events. Prints one
 * JSON line: lines, seconds, CPU seconds (user + system), peak RSS (VmHWM), and RSS samples.
 */

import { readFileSync } from 'node:fs'
import { buildAgent } from '../../engine/agent.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { createLogger } from '../../engine/log.ts'
import { nodeBufferServices } from '../../node-server/buffer/services.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import { loadCore } from '../../wasm/load-node.ts'

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) throw new Error(`--${name} is required`)
  return process.argv[i + 1]
}

function vm(key: string): number {
  const status = readFileSync('/proc/self/status', 'utf8')
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024
}

const file = arg('file')
const lines = Number(arg('lines'))
const parse = arg('parse')
const conf = `<source>
  @type tail
  @id tail
  path ${file}
  tag bench
  read_from_head true
  <parse>
    ${parse.split('\n').join('\n    ')}
  </parse>
</source>
<match bench>
  @type null
  @id out
</match>
`
const core = await loadCore()
const parsed = parseConfig(conf, 'bench.conf', { env: {}, hostname: 'bench', workerId: 0 })
const log = createLogger((r) => process.stderr.write(`${r.level} ${r.message} ${JSON.stringify(r.fields)}\n`), 'warn')
const built = buildAgent(parsed.config, parsed.locs, {
  core,
  registry: nodeRegistry(),
  log,
  runtime: 'node',
  services: nodeBufferServices(),
})
if (built.agent === null) throw new Error(built.errors.map((e) => e.message).join('\n'))
const agent = built.agent
const input = agent.plugins.find((p) => p.id === 'tail')!
const cpu0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
await agent.start()
let maxRss = 0
const samples: number[] = []
await new Promise<void>((resolve) => {
  let ticks = 0
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss()
    if (rss > maxRss) maxRss = rss
    if (++ticks % 10 === 0) samples.push(rss)
    if (input.metrics.eventsIn >= lines) {
      clearInterval(timer)
      resolve()
    }
  }, 50)
})
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(cpu0)
process.stdout.write(
  `${JSON.stringify({ lines: input.metrics.eventsIn, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRss: vm('VmHWM'), maxRss, samples })}\n`,
)
await agent.stop(5_000)
process.exit(0)
