/**
 * @module previewConfig: runs sample events through a config with the real engine — buildAgent
 * on the draft (draft.ts) with the preview registry (real filters, copy and relabel; sinks for
 * the other outputs) — one sample at a time, and reports per sample what happened (the output
 * reached, the filter that dropped it, or the router that had no match) plus per-element counts.
 * `details(i)` runs one sample again keeping every step, decoded, with field diffs.
 */

import { buildAgent, type Agent } from '../agent.ts'
import { getParam, type ConfigModel } from '../config/model.ts'
import { decodeStream, type EventStream } from '../event-stream.ts'
import { createLogger } from '../log.ts'
import type { EmitTarget, PluginRegistry } from '../plugin.ts'
import type { EventRouter } from '../router.ts'
import type { Core } from '../../wasm/core.ts'
import { diffRecords } from './diff.ts'
import { alternativesOf } from './lint.ts'
import { PatternTester } from './patterns.ts'
import { buildDraft, ROOT_ROUTER, standIn, type Draft } from './draft.ts'
import { elementIndex, previewRegistry } from './registry.ts'
import type { Sample } from './samples.ts'
import { Tracer, type RawStep } from './trace.ts'
import {
  Outcome,
  type CatalogEntry,
  type DetailStep,
  type Diagnostic,
  type ElementPath,
  type EventDetails,
  type PreviewSummary,
  type RuleCheck,
} from './types.ts'
import { validateModel } from './validate.ts'

export interface PreviewOptions {
  /** The plugins known (schemas) and runnable (specs). */
  catalog: readonly CatalogEntry[]
  /** Directives switched off in the designer. */
  disabled?: ReadonlySet<ElementPath>
  /**
   * The `<source>` the samples enter through (its `@label` router, its `tag` / `add_tag_prefix`);
   * null for the top-level routes; undefined for the first source, or the top level when none.
   */
  entry?: ElementPath | null
  /** Fixed "now" (ms) for plugins, so a preview repeats exactly. */
  now?: number
  hostname?: string
  /**
   * Also check the model as `sluice check` does (validateModel) with this registry (engine/check's
   * checkRegistry, or a runtime's own) into the summary's diagnostics; absent: no diagnostics.
   */
  check?: PluginRegistry
}

const MAX_BUILD_ROUNDS = 6
/** Most samples emitted together as one stream. */
const GROUP_MAX = 2048

/** A built preview: run samples as often as needed, ask for one sample's details, dispose. */
export class Previewer {
  /** The entries each sample delivered in the last run (null when none): for the impact view. */
  lastOutputs: (Uint8Array | null)[] = []
  private entryRouter: EmitTarget | null = null
  private entryIndex = -1
  private entryTag: (tag: string) => string = (t) => t
  private readonly routeCache: Map<string, { filters: number[]; match: number | null }>[]
  private readonly patterns: PatternTester

  private constructor(
    private readonly core: Core,
    private readonly model: ConfigModel,
    readonly draft: Draft,
    private readonly tracer: Tracer,
    private readonly agent: Agent | null,
    readonly failed: string | null,
    readonly diagnostics: Diagnostic[],
    readonly buildMs: number,
  ) {
    this.routeCache = draft.routers.map(() => new Map())
    this.patterns = new PatternTester(core)
  }

  static async create(core: Core, model: ConfigModel, options: PreviewOptions): Promise<Previewer> {
    const started = now()
    const draft = buildDraft(model, options.catalog, { disabled: options.disabled })
    const tracer = new Tracer(core, draft.elements.length, draft.routers.length)
    const registry = previewRegistry(options.catalog, tracer)
    const log = createLogger((r) => tracer.log(r.level, r.message, r.fields), 'info')
    const diagnostics: Diagnostic[] =
      options.check === undefined ? [] : validateModel(core, model, undefined, options.check, { disabled: options.disabled })
    let agent: Agent | null = null
    let failed: string | null = null
    for (let round = 0; round < MAX_BUILD_ROUNDS && agent === null; round++) {
      const built = buildAgent(draft.model, draft.locs, {
        core,
        registry,
        log,
        runtime: 'browser',
        now: () => options.now ?? Date.now(),
        hostname: options.hostname ?? 'localhost',
      })
      agent = built.agent
      if (agent !== null) break
      let fixed = false
      for (const error of built.errors) fixed = standIn(draft, error.file, `not run: ${error.reason}`) || fixed
      if (!fixed) failed = built.errors.map((e) => `${e.reason} (${e.hint})`).join('; ')
      if (!fixed) break
    }
    if (agent === null) {
      failed ??= 'the draft could not be built'
      diagnostics.push({ severity: 'error', code: 'preview', message: `preview unavailable: ${failed}`, hint: 'fix the errors above' })
    }
    const previewer = new Previewer(core, model, draft, tracer, agent, failed, diagnostics, now() - started)
    if (agent !== null) {
      previewer.traceRouters(agent)
      await agent.start()
      previewer.setEntry(options.entry)
    }
    return previewer
  }

  /**
   * Runs every sample; returns the compact summary. Samples with the same tag go through as one
   * stream (Tracer follows each entry); a group the tracer cannot follow is run again sample by sample.
   */
  run(samples: readonly Sample[]): Promise<PreviewSummary> {
    return this.exclusive(() => this.runNow(samples))
  }

  private async runNow(samples: readonly Sample[]): Promise<PreviewSummary> {
    const tracer = this.tracer
    const n = samples.length
    tracer.beginRun(n)
    const started = now()
    if (this.entryRouter !== null) {
      for (const [tag, indices] of this.groups(samples)) {
        if (indices.length > 1) {
          await this.emitGroup(samples, tag, indices)
          if (!tracer.failed) continue
          tracer.rollbackGroup(indices)
        }
        for (const i of indices) await this.emitGroup(samples, tag, Int32Array.of(i))
      }
    }
    const outcome = new Uint8Array(n)
    const target = new Int32Array(n)
    const changed = new Uint8Array(n)
    const fanout: Record<number, number[]> = {}
    const totals = [0, 0, 0, 0, 0]
    for (let i = 0; i < n; i++) {
      const o = this.entryRouter === null ? { outcome: Outcome.Consumed, target: -1 } : tracer.outcome(i)
      outcome[i] = o.outcome
      target[i] = o.target
      totals[o.outcome]++
      const extra = tracer.extraSinks.get(i)
      if (extra) fanout[i] = extra
      const delivered = tracer.delivered[i]
      if (delivered !== null && tracer.pristine[i] === 0 && !sameBytes(delivered, samples[i].entry)) changed[i] = 1
    }
    this.lastOutputs = tracer.delivered
    const runMs = now() - started
    return {
      elements: this.draft.elements,
      routers: this.draft.routers,
      outcome,
      target,
      changed,
      fanout,
      counts: this.draft.elements.map((e) => ({ element: e.index, events: tracer.eventsIn[e.index], passed: tracer.eventsOut[e.index] })),
      routerCounts: this.draft.routers.map((r, i) => ({ router: r, events: tracer.routerIn[i], unmatched: tracer.routerUnmatched[i] })),
      totals,
      diagnostics: this.diagnostics,
      entry: this.entryIndex,
      runMs,
      buildMs: this.buildMs,
      failed: this.failed,
    }
  }

  /** Sample indices by entry tag, in order of first appearance, in groups of at most GROUP_MAX. */
  private groups(samples: readonly Sample[]): [string, Int32Array][] {
    const byTag = new Map<string, number[]>()
    const out: [string, Int32Array][] = []
    samples.forEach((sample, i) => {
      const tag = this.entryTag(sample.tag)
      let list = byTag.get(tag)
      if (list === undefined) byTag.set(tag, (list = []))
      list.push(i)
      if (list.length === GROUP_MAX) {
        out.push([tag, Int32Array.from(list)])
        byTag.set(tag, [])
      }
    })
    for (const [tag, list] of byTag) if (list.length > 0) out.push([tag, Int32Array.from(list)])
    return out
  }

  /** Emits samples `indices` (all with tag `tag`) as one stream into the entry router. */
  private async emitGroup(samples: readonly Sample[], tag: string, indices: Int32Array, detail = false): Promise<void> {
    let entries: Uint8Array
    let ranges: Int32Array | null = null
    if (indices.length === 1) entries = samples[indices[0]].entry
    else {
      let size = 0
      for (const i of indices) size += samples[i].entry.length
      entries = new Uint8Array(size)
      ranges = new Int32Array(2 * indices.length)
      let at = 0
      indices.forEach((i, k) => {
        entries.set(samples[i].entry, at)
        ranges![2 * k] = at
        at += samples[i].entry.length
        ranges![2 * k + 1] = at
      })
    }
    const stream: EventStream = { tag, entries, count: indices.length }
    this.tracer.beginGroup(stream, indices, ranges, detail)
    try {
      const result = this.entryRouter!.emit(stream)
      if (result instanceof Promise) await result
    } catch (error) {
      this.tracer.log('error', `emit failed: ${error instanceof Error ? error.message : String(error)}`, {})
    }
  }

  /** Runs sample `index` again, keeping and decoding every step. */
  details(samples: readonly Sample[], index: number): Promise<EventDetails> {
    return this.exclusive(() => this.detailsNow(samples, index))
  }

  /** Runs and detail runs share the tracer: one at a time. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private queue: Promise<unknown> = Promise.resolve()

  private async detailsNow(samples: readonly Sample[], index: number): Promise<EventDetails> {
    const sample = samples[index]
    const input = decodeStream(this.core, { tag: sample.tag, entries: sample.entry, count: 1 })[0]
    const tracer = this.tracer
    const tag = this.entryTag(sample.tag)
    // A detail run must not disturb the last run's results: run it in a scratch run of one sample.
    const saved = this.saveRun()
    tracer.beginRun(samples.length)
    if (this.entryRouter !== null) await this.emitGroup(samples, tag, Int32Array.of(index), true)
    const o = tracer.outcome(index)
    const rawSteps = tracer.steps ?? []
    this.restoreRun(saved)
    const steps: DetailStep[] = []
    let output: Record<string, unknown> | null = null
    let last: Record<string, unknown> = input.record
    for (const raw of rawSteps) {
      const step = this.decodeStep(raw, last)
      if (step.kind === 'filter' && step.record !== null) last = step.record
      if (step.kind === 'output' && !step.routing) output ??= step.record
      steps.push(step)
    }
    if (output === null && o.outcome === Outcome.Unmatched) output = last
    return {
      index,
      tag,
      time: { sec: input.time.sec, nsec: input.time.nsec },
      input: input.record,
      steps,
      outcome: o.outcome,
      output,
      changes: output === null ? [] : diffRecords(input.record, output),
    }
  }

  private saveRun() {
    const t = this.tracer
    return {
      counters: [t.eventsIn.slice(), t.eventsOut.slice(), t.routerIn.slice(), t.routerUnmatched.slice()],
      perSample: {
        sink: t.sink,
        droppedBy: t.droppedBy,
        unmatched: t.unmatched,
        consumedBy: t.consumedBy,
        errored: t.errored,
        delivered: t.delivered,
        pristine: t.pristine,
        extraSinks: t.extraSinks,
      },
    }
  }

  private restoreRun(saved: ReturnType<Previewer['saveRun']>): void {
    const t = this.tracer
    t.eventsIn.set(saved.counters[0])
    t.eventsOut.set(saved.counters[1])
    t.routerIn.set(saved.counters[2])
    t.routerUnmatched.set(saved.counters[3])
    Object.assign(t, saved.perSample)
  }

  async dispose(): Promise<void> {
    await this.agent?.stop(1_000)
    this.patterns.free()
  }

  private decodeStep(raw: RawStep, previous: Record<string, unknown>): DetailStep {
    switch (raw.kind) {
      case 'router': {
        const router = this.draft.routers[raw.router]
        return { kind: 'router', router, tag: raw.tag, filters: raw.filters, match: raw.match, rules: this.ruleChecks(router, raw.tag) }
      }
      case 'unmatched':
        return { kind: 'unmatched', router: this.draft.routers[raw.router], tag: raw.tag }
      case 'log':
        return { kind: 'log', level: raw.level, message: raw.message, fields: raw.fields }
      case 'output': {
        const [event] = decodeStream(this.core, raw.stream)
        return {
          kind: 'output',
          element: raw.element,
          tag: raw.stream.tag,
          time: { sec: event?.time.sec ?? 0, nsec: event?.time.nsec ?? 0 },
          record: event?.record ?? {},
          routing: raw.routing,
        }
      }
      case 'filter': {
        const before = raw.before === raw.after ? previous : (this.recordOf(raw.before) ?? previous)
        const after = raw.after === null || raw.after.count === 0 ? null : raw.after === raw.before ? before : this.recordOf(raw.after)
        const element = this.draft.elements[raw.element]
        return {
          kind: 'filter',
          element: raw.element,
          record: after,
          changes: after === null ? [] : diffRecords(before, after),
          dropped: after === null,
          note: element?.note ?? null,
          explanation: raw.explanation,
        }
      }
    }
  }

  /**
   * The rules of `router` as tag `tag` meets them, in order, up to the first match that catches it,
   * tested with the core's matcher pattern by pattern (and alternative by alternative).
   */
  private ruleChecks(router: string, tag: string): RuleCheck[] {
    const out: RuleCheck[] = []
    for (const e of this.draft.elements) {
      if (e.router !== router || (e.kind !== 'filter' && e.kind !== 'match') || e.mode === 'skipped') continue
      const alternative = alternativesOf(e.pattern).find((a) => this.patterns.matches(a, tag)) ?? null
      out.push({ element: e.index, kind: e.kind, pattern: e.pattern, matched: alternative !== null, alternative })
      if (e.kind === 'match' && alternative !== null) break
    }
    return out
  }

  private recordOf(stream: EventStream): Record<string, unknown> | null {
    const events = decodeStream(this.core, stream)
    return events.length > 0 ? events[0].record : null
  }

  /** Puts a tracing front on every router (contexts look routers up by name at emit time). */
  private traceRouters(agent: Agent): void {
    const routers = this.draft.routers
    for (const [name, router] of [...agent.routers]) {
      const index = routers.indexOf(name)
      if (index < 0) continue
      const cache = this.routeCache[index]
      const tracer = this.tracer
      const traced = Object.create(router) as EventRouter
      traced.emit = (stream: EventStream) => {
        let route = cache.get(stream.tag)
        if (route === undefined) {
          const r = router.routeOf(stream.tag)
          route = { filters: r.filters.map(elementIndex), match: r.match === null ? null : elementIndex(r.match) }
          if (cache.size > 4096) cache.clear()
          cache.set(stream.tag, route)
        }
        const match = route.match
        tracer.enterRouter(index, stream, route.filters, match)
        let result
        try {
          result = router.emit(stream)
        } catch (error) {
          tracer.leaveRouter(index, stream, -1)
          throw error
        }
        if (result instanceof Promise) return result.finally(() => tracer.leaveRouter(index, stream, match))
        tracer.leaveRouter(index, stream, match)
        return result
      }
      agent.routers.set(name, traced)
    }
  }

  private setEntry(entry: ElementPath | null | undefined): void {
    const sources = this.draft.elements.filter((e) => e.kind === 'source' && e.mode !== 'skipped')
    const source = entry === null ? undefined : entry === undefined ? sources[0] : sources.find((s) => s.path === entry)
    const labelName = source?.label ?? ROOT_ROUTER
    const routerName = this.draft.routers.includes(labelName) ? labelName : source?.label ? null : ROOT_ROUTER
    this.entryIndex = source?.index ?? -1
    this.entryRouter = routerName === null ? null : (this.agent!.routers.get(routerName) ?? null)
    const element = source ? this.sourceElement(source.path) : undefined
    const fixedTag = element ? getParam(element, 'tag') : undefined
    const prefix = element ? getParam(element, 'add_tag_prefix') : undefined
    if (fixedTag || prefix) this.entryTag = (t) => (prefix ? `${prefix}.${fixedTag || t}` : fixedTag || t)
  }

  private sourceElement(path: ElementPath) {
    let element: ConfigModel['root'] | undefined = this.model.root
    for (const i of path.split('/')) element = element?.elements[Number(i)]
    return element
  }
}

/**
 * Runs samples through a config once and returns the summary, with `details(i)` for one sample.
 *
 * @example
 * const preview = await previewConfig(core, parseConfig(text, 'fluent.conf').config, samples, { catalog })
 * preview.summary.outcome[0] // Outcome.Delivered
 * await preview.dispose()
 */
export async function previewConfig(
  core: Core,
  model: ConfigModel,
  samples: readonly Sample[],
  options: PreviewOptions,
): Promise<{
  summary: PreviewSummary
  details(index: number): Promise<EventDetails>
  previewer: Previewer
  dispose(): Promise<void>
}> {
  const previewer = await createPreviewer(core, model, options)
  const summary = await previewer.run(samples)
  return { summary, details: (i) => previewer.details(samples, i), previewer, dispose: () => previewer.dispose() }
}

/** Builds a Previewer for a model (keep it while the config does not change). */
export async function createPreviewer(core: Core, model: ConfigModel, options: PreviewOptions): Promise<Previewer> {
  return Previewer.create(core, model, options)
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}
