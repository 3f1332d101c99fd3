/**
 * @module previewConfig on the real core and plugins: first-match order with filters (§9 case
 * 27), labels and relabel (§9 case 28), copy fan-out, drops by grep, draft mode stand-ins, the
 * per-step details with field diffs, exact 64-bit integers, per-route counts, the impact diff.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { compareRuns, destinationOf } from './impact.ts'
import { previewText } from './testing.ts'
import { Outcome, type PreviewSummary } from './types.ts'

let core: Core
const open: { dispose(): Promise<void> }[] = []
beforeAll(async () => {
  core = await loadCore()
})
afterEach(async () => {
  for (const p of open.splice(0)) await p.dispose()
})

async function run(conf: string, samples: string, options: Parameters<typeof previewText>[3] = {}) {
  const preview = await previewText(core, conf, samples, options)
  open.push(preview)
  return preview
}

/** `<match x.y> @type null`-style description of where sample i went. */
function where(summary: PreviewSummary, i: number): string {
  const t = summary.target[i]
  switch (summary.outcome[i]) {
    case Outcome.Delivered:
      return `match ${summary.elements[t].pattern}`
    case Outcome.Unmatched:
      return `unmatched ${summary.routers[t]}`
    case Outcome.Dropped:
      return `dropped by ${summary.elements[t].path}`
    default:
      return `outcome ${summary.outcome[i]}`
  }
}

const ORDER = `
<filter x.**>
  @type record_transformer
  <record>
    f1 yes
  </record>
</filter>
<match x.y>
  @type null
</match>
<filter x.**>
  @type record_transformer
  <record>
    f2 yes
  </record>
</filter>
<match x.**>
  @type stdout
</match>
`

describe('previewConfig', () => {
  it('follows first-match order: filters before the match only, no match → unmatched (§9 case 27)', async () => {
    const { summary, details } = await run(
      ORDER,
      '{"tag":"x.y","record":{"k":1}}\n{"tag":"x.z","record":{"k":2}}\n{"tag":"q","record":{"k":3}}',
    )
    expect([0, 1, 2].map((i) => where(summary, i))).toEqual(['match x.y', 'match x.**', 'unmatched @ROOT'])
    expect(summary.totals[Outcome.Delivered]).toBe(2)
    expect(summary.totals[Outcome.Unmatched]).toBe(1)
    const y = await details(0)
    expect(y.steps.filter((s) => s.kind === 'filter').map((s) => s.kind === 'filter' && s.element)).toEqual([0])
    expect(y.output).toEqual({ k: 1, f1: 'yes' })
    const z = await details(1)
    expect(z.steps.filter((s) => s.kind === 'filter').map((s) => s.kind === 'filter' && s.element)).toEqual([0, 2])
    expect(z.output).toEqual({ k: 2, f1: 'yes', f2: 'yes' })
    expect(z.changes.map((c) => `${c.kind} ${c.path.join('.')}`)).toEqual(['added f1', 'added f2'])
    expect(summary.changed[0]).toBe(1)
    const q = await details(2)
    expect(q.steps.some((s) => s.kind === 'unmatched')).toBe(true)
    // per-route counts: filter 0 saw 2 events, the x.y match 1, the x.** match 1
    const counts = Object.fromEntries(summary.counts.map((c) => [summary.elements[c.element].path, c.events]))
    expect(counts).toEqual({ 0: 2, 1: 1, 2: 1, 3: 1 })
    expect(summary.routerCounts[0]).toEqual({ router: '@ROOT', events: 3, unmatched: 1 })
  })

  it('shows what grep keeps and drops, and which filter dropped an event', async () => {
    const { summary, details } = await run(
      `
<filter app.**>
  @type grep
  <regexp>
    key level
    pattern /^(error|warn)$/
  </regexp>
</filter>
<match app.**>
  @type stdout
</match>`,
      '{"level":"error","m":1}\n{"level":"info","m":2}\n{"m":3}',
      { tag: 'app.web' },
    )
    expect([0, 1, 2].map((i) => where(summary, i))).toEqual(['match app.**', 'dropped by 0', 'dropped by 0'])
    expect(summary.changed[0]).toBe(0)
    const dropped = await details(1)
    expect(dropped.outcome).toBe(Outcome.Dropped)
    expect(dropped.steps.find((s) => s.kind === 'filter')).toMatchObject({ dropped: true, element: 0 })
    expect(summary.counts[0]).toEqual({ element: 0, events: 3, passed: 1 })
  })

  it('enters through a source: its @label router and its add_tag_prefix; relabel back to @ROOT (§9 case 28)', async () => {
    const conf = `
<source>
  @type forward
  @label @A
  add_tag_prefix in
</source>
<label @A>
  <match **>
    @type relabel
    @label @ROOT
  </match>
</label>
<match in.**>
  @type stdout
  @id top
</match>`
    const { summary, details } = await run(conf, '{"a":1}', { tag: 'app' })
    expect(summary.entry).toBe(0)
    expect(where(summary, 0)).toBe('match in.**')
    expect(summary.elements[summary.target[0]].id).toBe('top')
    const d = await details(0)
    expect(d.tag).toBe('in.app')
    expect(d.steps.filter((s) => s.kind === 'router').map((s) => s.kind === 'router' && s.router)).toEqual(['@A', '@ROOT'])
    // entering the top-level routes directly instead: no prefix, no match
    const direct = await run(conf, '{"a":1}', { tag: 'app', entry: null })
    expect(where(direct.summary, 0)).toBe('unmatched @ROOT')
  })

  it('fans out through copy to every store', async () => {
    const { summary } = await run(
      `
<match **>
  @type copy
  <store>
    @type stdout
  </store>
  <store ignore_error>
    @type file
    path /tmp/x
  </store>
</match>`,
      '{"a":1}\n{"a":2}',
    )
    expect(summary.outcome[0]).toBe(Outcome.Delivered)
    const stores = summary.elements.filter((e) => e.kind === 'store').map((e) => e.index)
    expect(stores).toHaveLength(2)
    expect(summary.elements.map((e) => e.mode)).toEqual(['real', 'sink', 'sink'])
    expect(summary.target[0]).toBe(stores[0])
    expect(summary.fanout[0]).toEqual([stores[1]])
    expect(destinationOf(summary, 1)).toBe('<store> @type stdout + <store> @type file')
  })

  it('previews a draft: untyped, unknown and invalid filters pass events through, with a note', async () => {
    const { summary } = await run(
      `
<filter **>
</filter>
<filter **>
  @type mystery
</filter>
<filter **>
  @type grep
  <regexp>
    pattern /x/
  </regexp>
</filter>
<filter **>
  @type record_transformer
  <record>
    seen yes
  </record>
</filter>
<match **>
</match>
<label @EMPTY>
  <filter **>
    @type grep
  </filter>
</label>`,
      '{"a":1}',
    )
    const notes = summary.elements.map((e) => `${e.mode}: ${e.note}`)
    expect(notes[0]).toBe('passthrough: no @type: events pass unchanged')
    expect(notes[1]).toBe("passthrough: unknown filter 'mystery': events pass unchanged")
    expect(notes[2]).toMatch(/^passthrough: not run: missing required param key in <regexp>/)
    expect(notes[3]).toBe('real: null')
    expect(summary.outcome[0]).toBe(Outcome.Delivered)
    expect(summary.target[0]).toBe(4)
    expect(summary.changed[0]).toBe(1)
    expect(summary.failed).toBeNull()
    const codes = summary.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path ?? ''}`)
    expect(codes).toEqual(
      expect.arrayContaining([
        'error structure 0',
        'error unknown-plugin 1',
        'error param 2/0',
        'error structure 4',
        'warning unused-label 5',
      ]),
    )
  })

  it('keeps 64-bit integers exact from the sample text through a filter that re-encodes records', async () => {
    const { details } = await run(
      `
<filter **>
  @type record_transformer
  <record>
    copy \${record["big"]}
  </record>
</filter>
<match **>
  @type stdout
</match>`,
      '{"big": 18446744073709551615, "neg": -9223372036854775808, "ms": 1700000000123, "small": 7, "f": 1.5}',
    )
    const d = await details(0)
    expect(d.input).toEqual({ big: 18446744073709551615n, neg: -9223372036854775808n, ms: 1700000000123n, small: 7, f: 1.5 })
    expect(d.output?.big).toBe(18446744073709551615n)
    expect(d.output?.copy).toBe(18446744073709551615n)
    expect(d.output?.ms).toBe(1700000000123n)
  })

  it('compares two configs over the same samples (impact)', async () => {
    const samples = '{"level":"error"}\n{"level":"info"}\n{"level":"debug"}'
    const before = await run('<match **>\n  @type stdout\n</match>\n', samples)
    const after = await run(
      `
<filter **>
  @type grep
  <exclude>
    key level
    pattern /debug/
  </exclude>
</filter>
<filter **>
  @type record_transformer
  <record>
    env prod
  </record>
</filter>
<match **>
  @type stdout
</match>`,
      samples,
    )
    const impact = compareRuns(before.summary, before.previewer.lastOutputs, after.summary, after.previewer.lastOutputs)
    expect(impact).toMatchObject({ compared: 3, unchanged: 0, rerouted: 1, modified: 2 })
    expect(impact.changes[2]).toMatchObject({ index: 2, before: '<match **> @type stdout', after: 'dropped by <filter **> @type grep' })
    expect(impact.routes.find((r) => r.destination === '<match **> @type stdout')).toMatchObject({ before: 3, after: 2 })
  })

  it('follows each sample through a shared stream, and reruns a group sample by sample when a filter drops and rewrites at once', async () => {
    const { summary, details } = await run(
      `
<filter app.**>
  @type record_transformer
  renew_time_key t
  <record>
    seen yes
  </record>
</filter>
<filter app.**>
  @type grep
  <exclude>
    key level
    pattern /debug/
  </exclude>
</filter>
<match app.**>
  @type stdout
</match>`,
      [
        '{"level":"info","t":1700000000}',
        '{"level":"debug","t":1700000001}',
        '{"level":"info","t":-5}',
        '{"level":"info","t":1700000000}',
        '{"level":"debug","t":1700000001}',
      ].join('\n'),
      { tag: 'app.x' },
    )
    expect(Array.from(summary.outcome)).toEqual([Outcome.Delivered, Outcome.Dropped, Outcome.Error, Outcome.Delivered, Outcome.Dropped])
    expect(Array.from(summary.target).filter((_, i) => summary.outcome[i] === Outcome.Dropped)).toEqual([1, 1])
    expect(summary.counts.map((c) => [c.events, c.passed])).toEqual([
      [5, 4],
      [4, 2],
      [2, 0],
    ])
    expect(Array.from(summary.changed)).toEqual([1, 0, 0, 1, 0])
    const failed = await details(2)
    expect(failed.steps.some((s) => s.kind === 'log' && s.level === 'warn')).toBe(true)
  })

  it('explains every decision: which rule took the tag, which grep condition dropped it, which expression made each field', async () => {
    const { details } = await run(
      `
<filter app.**>
  @type grep
  <regexp>
    key service
    pattern /^(web|db)$/
  </regexp>
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>
<filter app.**>
  @type record_transformer
  <record>
    env prod
    where \${tag_parts[1]}-\${record["level"]}
  </record>
  remove_keys secret,absent
</filter>
<match app.db sys.*>
  @type null
</match>
<match other.** app.**>
  @type stdout
</match>`,
      '{"tag":"app.web","record":{"service":"web","level":"debug"}}\n{"tag":"app.web","record":{"service":"web","level":"info","secret":"x"}}\n{"tag":"app.web","record":{"level":"info"}}',
    )
    const dropped = await details(0)
    const grep = dropped.steps.find((s) => s.kind === 'filter')!
    expect(grep.kind === 'filter' && grep.explanation).toEqual({
      decision: 'dropped: <exclude> level matched /^debug$/ (level = "debug")',
      steps: [
        { subject: '<regexp> service', rule: '/^(web|db)$/', value: 'web', outcome: 'matched' },
        { subject: '<exclude> level', rule: '/^debug$/', value: 'debug', outcome: 'matched', decisive: true },
      ],
    })
    const missing = await details(2)
    const grep2 = missing.steps.find((s) => s.kind === 'filter')!
    expect(grep2.kind === 'filter' && grep2.explanation?.decision).toBe(
      'dropped: <regexp> service did not match /^(web|db)$/ (service is missing)',
    )

    const kept = await details(1)
    const router = kept.steps[0]
    expect(router.kind === 'router' && router.rules.map((r) => [r.kind, r.pattern, r.matched, r.alternative])).toEqual([
      ['filter', 'app.**', true, 'app.**'],
      ['filter', 'app.**', true, 'app.**'],
      ['match', 'app.db sys.*', false, null],
      ['match', 'other.** app.**', true, 'app.**'],
    ])
    const transformer = kept.steps.filter((s) => s.kind === 'filter')[1]
    expect(transformer.kind === 'filter' && transformer.explanation).toEqual({
      decision: 'kept: 2 fields set, 1 removed',
      steps: [
        { subject: 'env', rule: 'prod', value: '"prod"', outcome: 'set' },
        { subject: 'where', rule: '${tag_parts[1]}-${record["level"]}', value: '"web-info"', outcome: 'set' },
        { subject: 'secret', rule: 'remove_keys', value: null, outcome: 'removed' },
        { subject: 'absent', rule: 'remove_keys', value: null, outcome: 'not matched' },
      ],
    })
  })

  it('runs 10,000 samples through a 30-rule config', async () => {
    const rules: string[] = []
    for (let i = 0; i < 15; i++)
      rules.push(`<filter svc${i}.**>\n  @type grep\n  <exclude>\n    key level\n    pattern /debug/\n  </exclude>\n</filter>`)
    for (let i = 0; i < 14; i++) rules.push(`<match svc${i}.**>\n  @type stdout\n</match>`)
    rules.push('<match **>\n  @type null\n</match>')
    const lines: string[] = []
    for (let i = 0; i < 10_000; i++)
      lines.push(JSON.stringify({ tag: `svc${i % 20}.app`, record: { level: ['info', 'debug', 'error'][i % 3], i } }))
    const { summary } = await run(rules.join('\n'), lines.join('\n'))
    expect(summary.outcome.length).toBe(10_000)
    expect(summary.totals[Outcome.Dropped] + summary.totals[Outcome.Delivered]).toBe(10_000)
    console.log(`preview: 10,000 samples × 30 rules in ${summary.runMs.toFixed(1)} ms (build ${summary.buildMs.toFixed(1)} ms)`)
  })
})

describe('engine/preview', () => {
  const dir = new URL('./', import.meta.url)
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'testing.ts')
  it.each(sources)('%s uses no runtime-specific API', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    expect(code).not.toMatch(/from ['"](node:|cloudflare:|fs['"]|path['"]|os['"])/)
    expect(code).not.toMatch(/\b(process|Buffer|require|window|document|navigator|__dirname)\s*[.(]/)
  })
})
