/**
 * @module `npx tsx bench/grep.bench.ts`: filter_grep's pass alone, in one process, on bench:compare's
 * grep-ack8 streams (1,000 loghub records of ~150 B, level cycling info/warn/error/debug): the JS
 * pass (GrepMatcher over the entry index) against the core pass (`grepEntries`), for a few
 * conditions. Prints CPU ns per event and the ratio; measures only (the machine is shared: compare
 * the ratio, not the absolute figures).
 *
 * Options: --seconds N per case (default 1).
 */

import { parseRegexp } from '../engine/config/types.ts'
import type { EventStream } from '../engine/event-stream.ts'
import { compileConditions, GrepMatcher } from '../engine/plugins/filter_grep/conditions.ts'
import { coreProgram } from '../engine/plugins/filter_grep/core-program.ts'
import { grepStream } from '../engine/plugins/filter_grep/grep.ts'
import type { GrepConfig } from '../engine/schemas/filter_grep.ts'
import { loadCore } from '../wasm/load-node.ts'
import { buildForwardPayloads } from './compare/forward-payloads.ts'
import { loadavg } from 'node:os'

const at = process.argv.indexOf('--seconds')
const seconds = at >= 0 ? Number(process.argv[at + 1]) : 1
const core = await loadCore()
const payloads = buildForwardPayloads({ tag: 'bench', compress: false })
const bodies = payloads.variants.map((v) => new Uint8Array(v.body))

function condition(key: string, pattern: string) {
  const parsed = parseRegexp(pattern)
  if (!parsed.ok) throw new Error(parsed.reason)
  return { key, pattern: parsed.value }
}

const CASES: { name: string; config: GrepConfig }[] = [
  { name: '<exclude> level /^debug$/', config: { regexp: [], exclude: [condition('level', '/^debug$/')], and: [], or: [] } },
  { name: '<regexp> message /error/i', config: { regexp: [condition('message', '/error/i')], exclude: [], and: [], or: [] } },
  {
    name: '<regexp> level /^(info|warn)$/ + <exclude> host /^web-1$/',
    config: { regexp: [condition('level', '/^(info|warn)$/')], exclude: [condition('host', '/^web-1$/')], and: [], or: [] },
  },
]

/** CPU seconds used by this process (the machine is shared: wall time would count other processes' turns). */
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** Events per CPU second of `grepStream` over fresh streams (no index remembered: as in_forward hands them over). */
function measure(matcher: GrepMatcher, program: Uint8Array | null): number {
  let events = 0
  let kept = 0
  const start = cpu()
  while (cpu() - start < seconds) {
    for (const entries of bodies) {
      const stream: EventStream = { tag: 'bench', entries, count: payloads.events }
      kept += grepStream(core, stream, matcher, program).kept
      events += payloads.events
    }
  }
  if (kept < 0) throw new Error('unreachable')
  return events / (cpu() - start)
}

console.log(
  `filter_grep pass, ${payloads.events} events per stream (${payloads.source}), load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
for (const c of CASES) {
  const conditions = compileConditions(c.config)
  const program = coreProgram(conditions)
  if (program === null) throw new Error(`${c.name}: no core program`)
  const matcher = new GrepMatcher(conditions)
  // Warm both, then alternate: JS, core, JS, core (medians of 2 are the mean).
  measure(matcher, null)
  measure(matcher, program)
  const js: number[] = []
  const inCore: number[] = []
  for (let i = 0; i < 2; i++) {
    js.push(measure(matcher, null))
    inCore.push(measure(matcher, program))
  }
  const jsRate = (js[0] + js[1]) / 2
  const coreRate = (inCore[0] + inCore[1]) / 2
  console.log(
    `${c.name.padEnd(60)} JS ${(1e9 / jsRate).toFixed(0).padStart(5)} ns/event   core ${(1e9 / coreRate).toFixed(0).padStart(5)} ns/event   core ÷ JS ${(coreRate / jsRate).toFixed(2)}x`,
  )
}
