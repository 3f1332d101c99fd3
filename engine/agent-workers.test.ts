/**
 * @module The agent of one worker of `<system> workers N` (Fluentd's root_agent.rb rules):
 * `<worker N>` / `<worker N-M>` blocks run only in their workers, labels inside them too; a
 * plugin that is not multi-worker ready (Fluentd's multi_workers_ready? false, in_tail) is an
 * error in a directive more than one worker runs, and fine in `<worker N>`; each plugin's context
 * says which worker it runs in and how many workers run its directive (`<worker>` overrides
 * `workers`, as Fluentd's system_config_override does); `@id`s are unique per worker.
 */

import { describe, expect, it } from 'vitest'
import { loadCore } from '../wasm/load-node.ts'
import { buildAgent } from './agent.ts'
import { parseConfig } from './config/parse.ts'
import { createLogger } from './log.ts'
import { PluginRegistry, type PluginContext, type PluginSpec, type WorkerScope } from './plugin.ts'

const scopes = new Map<string, WorkerScope | undefined>()

const input = (name: string, multiWorkers?: boolean): PluginSpec<'input'> => ({
  name,
  kind: 'input',
  description: name,
  schema: { params: [] },
  runtimes: ['node'],
  ...(multiWorkers === undefined ? {} : { multiWorkers }),
  create: (ctx: PluginContext) => {
    scopes.set(ctx.id, ctx.worker)
    return {}
  },
})

const sink: PluginSpec<'output'> = {
  name: 'sink',
  kind: 'output',
  description: 'sink',
  schema: { params: [] },
  runtimes: ['node'],
  create: (ctx) => {
    scopes.set(ctx.id, ctx.worker)
    return { emit: () => {} }
  },
}

const registry = new PluginRegistry().register(input('shared'), input('single', false), sink)

async function build(text: string, workerId?: number) {
  scopes.clear()
  const parsed = parseConfig(text, 'fluent.conf', {})
  expect(parsed.errors.map((e) => e.message)).toEqual([])
  const r = buildAgent(parsed.config, parsed.locs, {
    core: await loadCore(),
    registry,
    log: createLogger(() => {}, 'fatal'),
    runtime: 'node',
    workerId,
  })
  for (const router of r.agent?.routers.values() ?? []) router.free()
  return {
    ids: r.agent?.plugins.map((p) => p.id) ?? [],
    errors: r.errors.map((e) => e.message),
    warnings: r.warnings.map((e) => e.message),
  }
}

const config = `<system>
  workers 3
</system>
<source>
  @type shared
  @id everywhere
</source>
<worker 1>
  <source>
    @type single
    @id tail
  </source>
  <label @ONE>
    <match **>
      @type sink
      @id one_out
    </match>
  </label>
</worker>
<worker 1-2>
  <match pinned.**>
    @type sink
    @id pair_out
  </match>
</worker>
<match **>
  @type sink
  @id all_out
</match>
`

describe('agent of one worker', () => {
  it('runs the <worker> blocks of its own id only, labels included', async () => {
    expect((await build(config, 0)).errors).toEqual([])
    expect((await build(config, 0)).ids.sort()).toEqual(['all_out', 'everywhere'])
    expect((await build(config, 1)).ids.sort()).toEqual(['all_out', 'everywhere', 'one_out', 'pair_out', 'tail'])
    expect((await build(config, 2)).ids.sort()).toEqual(['all_out', 'everywhere', 'pair_out'])
    expect((await build(config, 2)).warnings).toEqual([])
  })

  it('tells each plugin its worker and how many workers run its directive', async () => {
    await build(config, 1)
    expect(Object.fromEntries(scopes)).toEqual({
      everywhere: { id: 1, count: 3 },
      tail: { id: 1, count: 1 },
      one_out: { id: 1, count: 1 },
      pair_out: { id: 1, count: 2 },
      all_out: { id: 1, count: 3 },
    })
  })

  it('rejects a plugin that is not multi-worker ready outside <worker N>, naming the fix', async () => {
    const top = await build(
      '<system>\n  workers 2\n</system>\n<source>\n  @type single\n</source>\n<match **>\n  @type sink\n</match>\n',
      0,
    )
    expect(top.errors).toEqual([
      "fluent.conf:5: input plugin 'single' does not support multi workers configuration (it would run in 2 workers); hint: run it in one worker: put the <source> in a <worker 0> … </worker> block (or <worker N> for another worker)",
    ])
    const range = await build(
      '<system>\n  workers 3\n</system>\n<worker 0-1>\n  <source>\n    @type single\n  </source>\n</worker>\n<match **>\n  @type sink\n</match>\n',
      0,
    )
    expect(range.errors).toHaveLength(1)
    expect(range.errors[0]).toContain("input plugin 'single' does not support multi workers configuration (it would run in 2 workers)")
    // Checked the same way when another worker's block is only validated (sluice check, the designer).
    const skipped = await build(
      '<system>\n  workers 3\n</system>\n<worker 1-2>\n  <source>\n    @type single\n  </source>\n</worker>\n<match **>\n  @type sink\n</match>\n',
    )
    expect(skipped.errors[0]).toContain("input plugin 'single' does not support multi workers configuration")
    // One worker: fine anywhere.
    expect((await build('<source>\n  @type single\n</source>\n<match **>\n  @type sink\n</match>\n')).errors).toEqual([])
  })

  it('keeps @id unique per worker: the same @id in two workers is fine, twice in one is not', async () => {
    const text =
      '<system>\n  workers 2\n</system>\n<worker 0>\n  <match a>\n    @type sink\n    @id out\n  </match>\n</worker>\n<worker 1>\n  <match a>\n    @type sink\n    @id out\n  </match>\n</worker>\n'
    expect((await build(text, 0)).errors).toEqual([])
    expect((await build(text, 1)).errors).toEqual([])
    const twice = await build(`${text}<match b>\n  @type sink\n  @id out\n</match>\n`, 1)
    expect(twice.errors).toEqual([
      "fluent.conf:18: duplicate @id 'out'; hint: every @id must be unique: it names buffer directories and metrics",
    ])
  })

  it('without a worker id (one process, the designer) runs worker 0 and reports the other blocks as skipped', async () => {
    const r = await build(config)
    expect(r.ids.sort()).toEqual(['all_out', 'everywhere'])
    expect(r.warnings).toEqual([
      'fluent.conf:8: warning: <worker 1> is skipped: only worker 0 runs here; hint: sluice run runs it in its worker process; here its plugins are only checked',
      'fluent.conf:20: warning: <worker 1-2> is skipped: only worker 0 runs here; hint: sluice run runs it in its worker process; here its plugins are only checked',
    ])
  })
})
