/**
 * @module The agent: turns a validated config model into running plugins and routers (Fluentd's
 * RootAgent). Top-level `<filter>`/`<match>` make the root router, each `<label @NAME>` its own
 * router, `@ERROR` catches failed emits, `<source>`s emit into the root or their `@label`.
 * Every problem is a ConfigError with file:line and a hint; nothing starts unless all is valid.
 * Like Fluentd, unknown params are warnings (errors with `strict`), v0.12 names and flat params
 * are converted first (engine/config/compat.ts), and a plugin sluice lacks is named plainly.
 * Lifecycle: start outputs, then filters, then inputs; stop inputs first, then shut the outputs down
 * (they flush) within a deadline.
 */

import type { Core } from '../wasm/core.ts'
import { convertCompatParams, normalizeReservedNames } from './config/compat.ts'
import { asError, ConfigError, ParamError } from './config/errors.ts'
import { getParam, type ConfigElement, type ConfigLocs, type ConfigModel } from './config/model.ts'
import { validateElement } from './config/schema.ts'
import { parseInteger } from './config/types.ts'
import { checkStructure } from './config/structure.ts'
import { closest } from './config/suggest.ts'
import type { EventStream } from './event-stream.ts'
import type { Logger, LogLevel } from './log.ts'
import { LOG_LEVELS } from './log.ts'
import { createPluginMetrics, type PluginMetrics } from './metrics.ts'
import { missingPlugin } from './plugin-status.ts'
import type {
  EmitTarget,
  FilterPlugin,
  OutputPlugin,
  Plugin,
  PluginContext,
  PluginDescriptor,
  PluginInstances,
  PluginKind,
  PluginRegistry,
  PluginSectionConfig,
  PluginServices,
  Runtime,
  WorkerScope,
} from './plugin.ts'
import { EventRouter, type RouterRule } from './router.ts'
import { PrometheusRegistry } from './prometheus/registry.ts'

export interface AgentOptions {
  core: Core
  registry: PluginRegistry
  log: Logger
  runtime: Runtime
  now?: () => number
  hostname?: string
  /** Runtime services handed to every plugin (node-server: the file buffer store and chunk backups). */
  services?: PluginServices
  /** Every warning (unknown params, deprecated names, lenient values…) is an error (`sluice --strict`). */
  strict?: boolean
  /** Fluentd's `strict_config_value`: integers, floats and bools that do not parse are errors. */
  strictValues?: boolean
  /**
   * The worker process this agent is (`<system> workers` > 1: node-server's supervisor runs one
   * agent per worker id): its `<worker N>` / `<worker N-M>` blocks run, the others' are left out.
   * Unset (a single process, `sluice check` of one worker, the designer): worker 0 runs, and the
   * blocks of other workers are validated and reported as skipped. Plugins see it as their
   * worker id (`<inject> worker_id_key`, prometheus `${worker_id}`): 0 when unset.
   */
  workerId?: number
}

/** One configured plugin, as the monitor API lists it. */
export interface PluginEntry {
  id: string
  type: string
  kind: PluginKind
  /** The label it belongs to (`@ROOT` for top level). */
  label: string
  plugin: Plugin
  metrics: PluginMetrics
  element: ConfigElement
}

export interface BuildResult {
  agent: Agent | null
  errors: ConfigError[]
  warnings: ConfigError[]
}

const ROOT_LABEL = '@ROOT'

export class Agent {
  readonly routers = new Map<string, EventRouter>()
  readonly plugins: PluginEntry[] = []
  /** The Prometheus registry the agent's plugins write into (in_prometheus and /metrics serve it). */
  readonly prometheus = new PrometheusRegistry()
  private started = false

  constructor(readonly log: Logger) {}

  /** The top-level router. */
  get root(): EmitTarget {
    return this.routers.get(ROOT_LABEL)!
  }

  async start(): Promise<void> {
    for (const kind of ['output', 'filter', 'input'] as const) {
      for (const p of this.plugins) if (p.kind === kind) await p.plugin.start?.()
    }
    this.started = true
  }

  /** Stops inputs, then shuts everything else down; gives up waiting after `deadlineMs`. */
  async stop(deadlineMs = 30_000): Promise<void> {
    if (!this.started) return
    this.started = false
    const inputs = this.plugins.filter((p) => p.kind === 'input')
    const rest = this.plugins.filter((p) => p.kind !== 'input')
    const all = (async () => {
      await Promise.all(inputs.map((p) => p.plugin.stop?.()))
      await Promise.all(rest.map((p) => p.plugin.stop?.()))
      await Promise.all([...inputs, ...rest].map((p) => p.plugin.shutdown?.()))
    })()
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deadlineMs)
    })
    const outcome = await Promise.race([all.then(() => 'done' as const), deadline])
    if (timer !== undefined) clearTimeout(timer)
    if (outcome === 'timeout') this.log.warn('shutdown deadline passed; some plugins did not finish', { deadlineMs })
    for (const router of this.routers.values()) router.free()
  }
}

/** Plugins made by a directive (`<source>`, `<filter>`, `<match>`, `<store>`); parsers and formatters are made by plugins. */
type DirectiveKind = 'input' | 'filter' | 'output'

/** Builds the parser / formatter of a validated `<parse>` / `<format>` section for the plugin whose context this is. */
function sectionPlugin<K extends 'parser' | 'formatter'>(
  registry: PluginRegistry,
  runtime: Runtime,
  kind: K,
  ctx: PluginContext,
  config: PluginSectionConfig,
  element: ConfigElement | undefined,
): PluginInstances[K] {
  const type = config['@type']
  const spec = registry.get(kind, type)
  if (spec === undefined) throw new Error(`unknown ${kind} plugin '${type}' (available: ${registry.names(kind).join(', ')})`)
  if (!spec.runtimes.includes(runtime)) throw new Error(`${kind} plugin '${type}' does not run on ${runtime}`)
  // A view of the owner's context (getters such as errorRouter stay live) with its own log fields.
  const sectionCtx: PluginContext = Object.create(ctx, { log: { value: ctx.log.child({ [kind]: type }) } })
  return spec.create(sectionCtx, config, element ?? { name: kind === 'parser' ? 'parse' : 'format', arg: '', params: {}, elements: [] })
}

/** Builds an agent from a parsed model. Returns the errors instead when anything is wrong. */
export function buildAgent(model: ConfigModel, locs: ConfigLocs | undefined, options: AgentOptions): BuildResult {
  const normalized = normalizeReservedNames(model, locs)
  const builder = new Builder(normalized.model, locs, options)
  const result = builder.build(normalized.warnings)
  if (!options.strict || result.warnings.length === 0) return result
  for (const router of result.agent?.routers.values() ?? []) router.free()
  return { agent: null, errors: [...result.errors, ...result.warnings.map(asError)], warnings: [] }
}

class Builder {
  private readonly errors: ConfigError[] = []
  private readonly warnings: ConfigError[] = []
  private readonly agent: Agent
  private nextObjectId = 0
  private readonly ids = new Set<string>()
  private errorRouter: EmitTarget | null = null
  /** `<system> workers` as written (1 when absent or unreadable: reported by readSystem). */
  private readonly workers: number
  /** How many workers run each directive taken from a `<worker>` block (others: all of them). */
  private readonly workerCount = new WeakMap<ConfigElement, number>()

  constructor(
    private readonly model: ConfigModel,
    private readonly locs: ConfigLocs | undefined,
    private readonly options: AgentOptions,
  ) {
    this.agent = new Agent(options.log)
    const system = model.root.elements.find((e) => e.name === 'system')
    const written = system ? getParam(system, 'workers') : undefined
    const parsed = written === undefined ? undefined : parseInteger(written)
    this.workers = parsed?.ok && parsed.value > 1 ? parsed.value : 1
  }

  build(compatWarnings: readonly ConfigError[] = []): BuildResult {
    this.warnings.push(...compatWarnings)
    // Structure problems (labels, @type, <worker>) are reported once here; building goes on so the
    // plugin errors of the same config are reported in the same run.
    this.errors.push(...checkStructure(this.model, this.locs))
    const top = this.directives(this.model.root.elements)
    const labels = top.filter((e) => e.name === 'label')
    const labelNames = new Set(labels.map((e) => e.arg))
    // Routers first (so contexts can point at them), then sources.
    this.buildRouter(ROOT_LABEL, top, labelNames)
    for (const label of labels) {
      const inner = this.directives(label.elements)
      const count = this.workerCount.get(label)
      if (count !== undefined) for (const e of inner) this.workerCount.set(e, count)
      this.buildRouter(label.arg, inner, labelNames)
    }
    this.errorRouter = this.agent.routers.get('@ERROR') ?? null
    for (const source of top.filter((e) => e.name === 'source')) {
      const labelName = getParam(source, '@label')
      if (labelName !== undefined && !labelNames.has(labelName) && labelName !== ROOT_LABEL) continue // reported by checkStructure
      this.createPlugin('input', source, labelName ?? ROOT_LABEL, labelNames)
    }
    if (this.errors.length > 0) return { agent: null, errors: this.errors, warnings: this.warnings }
    return { agent: this.agent, errors: [], warnings: this.warnings }
  }

  /**
   * Expands the `<worker N>` / `<worker N-M>` blocks this worker runs (`workerId`, else worker 0)
   * into the directive list, remembering how many workers run each (Fluentd overrides `workers`
   * inside `<worker>`). Blocks of other workers: in a worker process they are simply not this
   * worker's (the supervisor validates every worker's config); without a worker id (one process,
   * the designer) they are validated and reported as skipped.
   */
  private directives(elements: readonly ConfigElement[]): ConfigElement[] {
    const out: ConfigElement[] = []
    const self = this.options.workerId ?? 0
    for (const e of elements) {
      if (e.name === 'worker') {
        const m = /^(\d+)(?:-(\d+))?$/.exec(e.arg.trim())
        const lo = m ? Number(m[1]) : NaN
        const hi = m?.[2] !== undefined ? Number(m[2]) : lo
        if (lo <= self && self <= hi) {
          for (const inner of this.directives(e.elements)) {
            out.push(inner)
            this.workerCount.set(inner, hi - lo + 1)
          }
        } else if (this.options.workerId === undefined) {
          this.warning(
            e,
            `<worker ${e.arg}> is skipped: only worker 0 runs here`,
            'sluice run runs it in its worker process; here its plugins are only checked',
          )
          // Another worker would run it: its plugins must exist and be valid all the same.
          this.checkSkipped(e.elements, hi - lo + 1)
        }
        continue
      }
      out.push(e)
    }
    return out
  }

  /** Validates the plugins of a skipped `<worker>` without creating them (nested <store>/<secondary> too). */
  private checkSkipped(elements: readonly ConfigElement[], workers: number): void {
    const check = (kind: DirectiveKind, element: ConfigElement): void => {
      const type = getParam(element, '@type')
      if (type === undefined || type === '') return // reported by checkStructure (or the parent's schema)
      const spec = this.lookup(kind, type, element)
      if (spec === null || !this.multiWorkersReady(kind, type, element, spec, workers)) return
      const converted = convertCompatParams(element, spec.schema, this.locs)
      this.errors.push(...converted.errors)
      this.warnings.push(...converted.warnings)
      const validated = validateElement(converted.element, spec.schema, this.locs, {
        plugins: this.options.registry,
        strictValues: this.options.strictValues,
      })
      this.errors.push(...validated.errors)
      this.warnings.push(...validated.warnings)
      if (validated.errors.length === 0) this.runCheck(spec, kind, type, validated.config, converted.element)
      if (kind === 'output')
        for (const child of element.elements) if (child.name === 'store' || child.name === 'secondary') check('output', child)
    }
    for (const e of elements) {
      if (e.name === 'source') check('input', e)
      else if (e.name === 'filter') check('filter', e)
      else if (e.name === 'match') check('output', e)
      else if (e.name === 'label') this.checkSkipped(e.elements, workers)
    }
  }

  /**
   * Fluentd's multi_workers_ready? check: a plugin that cannot run in several processes (in_tail)
   * is an error in a directive run by more than one worker. Reports and returns false then.
   */
  private multiWorkersReady(
    kind: DirectiveKind,
    type: string,
    element: ConfigElement,
    spec: { multiWorkers?: boolean },
    workers: number,
  ): boolean {
    if (workers <= 1 || spec.multiWorkers !== false) return true
    this.error(
      element,
      `${kind} plugin '${type}' does not support multi workers configuration (it would run in ${workers} workers)`,
      `run it in one worker: put the <${element.name}> in a <worker 0> … </worker> block (or <worker N> for another worker)`,
      '@type',
    )
    return false
  }

  /** The registered spec, or null after reporting why there is none for this runtime. */
  private lookup(kind: DirectiveKind, type: string, element: ConfigElement) {
    const spec = this.options.registry.get(kind, type)
    if (spec === undefined) {
      const known = this.options.registry.names(kind)
      const missing = missingPlugin(kind, type)
      if (missing !== undefined) {
        this.error(element, missing.reason, missing.hint, '@type')
        return null
      }
      const near = closest(type, known)
      this.error(
        element,
        `unknown ${kind} plugin '${type}'`,
        `${near ? `did you mean '${near}'? ` : ''}available: ${known.join(', ')}`,
        '@type',
      )
      return null
    }
    if (!spec.runtimes.includes(this.options.runtime)) {
      this.error(
        element,
        `${kind} plugin '${type}' does not run on ${this.options.runtime}`,
        `it runs on: ${spec.runtimes.join(', ')}`,
        '@type',
      )
      return null
    }
    return spec
  }

  private buildRouter(name: string, elements: readonly ConfigElement[], labelNames: Set<string>): void {
    const rules: RouterRule[] = []
    for (const e of elements) {
      if (e.name !== 'filter' && e.name !== 'match') continue
      const kind = e.name === 'filter' ? 'filter' : 'output'
      const entry = this.createPlugin(kind, e, name, labelNames)
      if (entry === null) continue
      if (kind === 'filter') rules.push({ kind: 'filter', pattern: e.arg, id: entry.id, plugin: entry.plugin as FilterPlugin })
      else rules.push({ kind: 'match', pattern: e.arg, id: entry.id, plugin: entry.plugin as OutputPlugin })
    }
    const log = this.options.log.child({ router: name })
    this.agent.routers.set(name, new EventRouter(name, this.options.core, rules, log, () => (name === '@ERROR' ? null : this.errorRouter)))
  }

  /** Creates a plugin instance (inputs, filters, outputs, and nested outputs such as <store>). */
  createPlugin(kind: DirectiveKind, element: ConfigElement, label: string, labelNames: Set<string>): PluginEntry | null {
    const type = getParam(element, '@type')
    if (type === undefined || type === '') return null // reported by checkStructure
    const spec = this.lookup(kind, type, element)
    if (spec === null) return null
    const worker: WorkerScope = { id: this.options.workerId ?? 0, count: this.workerCount.get(element) ?? this.workers }
    if (!this.multiWorkersReady(kind, type, element, spec, worker.count)) return null
    const logLevel = getParam(element, '@log_level')
    if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
      this.error(element, `unknown @log_level '${logLevel}'`, `use one of ${LOG_LEVELS.join(', ')}`, '@log_level')
      return null
    }
    const written = getParam(element, '@id')
    if (written !== undefined && this.ids.has(written)) {
      this.error(element, `duplicate @id '${written}'`, 'every @id must be unique: it names buffer directories and metrics', '@id')
      return null
    }
    const id = written ?? `object:${(this.nextObjectId++).toString(16)}`
    this.ids.add(id)
    const converted = convertCompatParams(element, spec.schema, this.locs)
    this.errors.push(...converted.errors)
    this.warnings.push(...converted.warnings)
    if (converted.errors.length > 0) return null
    element = converted.element
    const validated = validateElement(element, spec.schema, this.locs, {
      plugins: this.options.registry,
      strictValues: this.options.strictValues,
    })
    this.errors.push(...validated.errors)
    this.warnings.push(...validated.warnings)
    if (validated.errors.length > 0) return null
    if (!this.runCheck(spec, kind, type, validated.config, element)) return null
    const relabel = getParam(element, '@label')
    if (relabel !== undefined && relabel !== ROOT_LABEL && !labelNames.has(relabel)) return null // reported by checkStructure
    const metrics = createPluginMetrics(id, type, kind)
    const ctx = this.context(id, type, label, labelNames, logLevel as LogLevel | undefined, metrics, worker)
    let plugin: Plugin
    try {
      plugin = spec.create(ctx, validated.config, element)
    } catch (err) {
      this.configureError(err, kind, type, element)
      return null
    }
    const entry: PluginEntry = { id, type, kind, label, plugin, metrics, element }
    this.agent.plugins.push(entry)
    return entry
  }

  /** The descriptor's runtime-neutral checks (`PluginDescriptor.check`); false after reporting a problem. */
  private runCheck(spec: PluginDescriptor, kind: string, type: string, config: unknown, element: ConfigElement): boolean {
    if (spec.check === undefined) return true
    try {
      spec.check(config, element)
      return true
    } catch (err) {
      this.configureError(err, kind, type, element)
      return false
    }
  }

  /** A plugin's check or create threw: the reason, at the param it names (ParamError) or at the directive. */
  private configureError(err: unknown, kind: string, type: string, element: ConfigElement): void {
    if (err instanceof ParamError) {
      // A problem in one param (of the directive or a nested section): reported at that param's line.
      this.error(err.element as ConfigElement, `cannot configure ${kind} plugin '${type}': ${err.reason}`, err.hint, err.key)
      return
    }
    this.error(
      element,
      `cannot configure ${kind} plugin '${type}': ${err instanceof Error ? err.message : String(err)}`,
      'check the parameters of this directive',
    )
  }

  private context(
    id: string,
    type: string,
    label: string,
    labelNames: Set<string>,
    level: LogLevel | undefined,
    metrics: PluginMetrics,
    worker: WorkerScope,
  ): PluginContext & { createOutput(element: ConfigElement): OutputPlugin | null } {
    const registry = this.options.registry
    const runtime = this.options.runtime
    const routers = this.agent.routers
    const target = (name: string): EmitTarget => ({
      emit: (stream: EventStream) => {
        const router = routers.get(name)
        if (router === undefined) throw new Error(`no router for label ${name}`)
        return router.emit(stream)
      },
      lends: (tag: string) => routers.get(name)?.lends(tag) ?? false,
    })
    const ctx: PluginContext & { createOutput(element: ConfigElement): OutputPlugin | null } = {
      core: this.options.core,
      id,
      log: this.options.log.child({ plugin_id: id, type }, level),
      metrics,
      router: target(label),
      label: (name: string) => {
        if (name !== ROOT_LABEL && !labelNames.has(name)) throw new Error(`unknown label ${name}`)
        return target(name)
      },
      get errorRouter() {
        return routers.get('@ERROR') ?? null
      },
      now: this.options.now ?? Date.now,
      hostname: this.options.hostname ?? 'localhost',
      services: this.options.services,
      worker,
      workerId: worker.id,
      prometheus: this.agent.prometheus,
      plugins: () => this.agent.plugins,
      createOutput: (element: ConfigElement) => {
        // A nested output (<store>, <secondary>) runs in the same workers as its parent.
        this.workerCount.set(element, worker.count)
        return this.createPlugin('output', element, label, labelNames)?.plugin as OutputPlugin | null
      },
      createParser: (config, element) => sectionPlugin(registry, runtime, 'parser', ctx, config, element),
      createFormatter: (config, element) => sectionPlugin(registry, runtime, 'formatter', ctx, config, element),
    }
    return ctx
  }

  private error(element: ConfigElement, reason: string, hint: string, param?: string): void {
    this.errors.push(this.problem(element, reason, hint, param, 'error'))
  }

  private warning(element: ConfigElement, reason: string, hint: string): void {
    this.warnings.push(this.problem(element, reason, hint, undefined, 'warning'))
  }

  private problem(
    element: ConfigElement,
    reason: string,
    hint: string,
    param: string | undefined,
    severity: 'error' | 'warning',
  ): ConfigError {
    const loc = this.locs?.get(element)
    const at = (param ? loc?.params.get(param) : undefined) ?? loc
    return new ConfigError({ file: at?.file ?? '(config)', line: at?.line ?? 0, reason, hint, severity, includedFrom: at?.includedFrom })
  }
}
