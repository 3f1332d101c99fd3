/**
 * @module The plugin API. A plugin is a data descriptor (`PluginSpec`: Fluentd's type name, kind,
 * config schema, the runtimes it runs on, a factory); an instance implements the small override
 * points of Fluentd's base classes: an input emits into a router, a filter maps a stream to a stream
 * (or drops it), an output accepts streams. Lifecycle words are Fluentd's: start, stop, shutdown.
 */

import type { Core } from '../wasm/core.ts'
import type { ConfigElement } from './config/model.ts'
import type { PluginSchema } from './config/schema.ts'
import type { EventStream } from './event-stream.ts'
import type { FormatterPlugin } from './formatter/types.ts'
import type { Logger } from './log.ts'
import type { PluginMetrics } from './metrics.ts'
import type { BufferServices } from './output/store.ts'
import type { ParserPlugin } from './parser/types.ts'
import type { PrometheusRegistry } from './prometheus/registry.ts'
import type { PluginEntry } from './agent.ts'

export type { FormatterPlugin } from './formatter/types.ts'
export type { ParserPlugin } from './parser/types.ts'

/** Fluentd's plugin kinds. Parsers and formatters are built by other plugins from `<parse>` / `<format>`. */
export type PluginKind = 'input' | 'filter' | 'output' | 'parser' | 'formatter'
export const PLUGIN_KINDS: readonly PluginKind[] = ['input', 'filter', 'output', 'parser', 'formatter']
export type Runtime = 'node' | 'workers' | 'browser'

/**
 * What an emit returns: nothing when the events are accepted synchronously (in the output's
 * buffer), a promise when acceptance waits (a file write, `overflow_action block`). It throws
 * (or rejects) when the events were not accepted; the input then must not ack them.
 */
export type EmitResult = void | Promise<void>

/** Anything events can be emitted into: a router, an output, a label. */
export interface EmitTarget {
  emit(stream: EventStream): EmitResult
  /**
   * True when a stream of `tag` emitted now may carry bytes its emitter reuses as soon as `emit`
   * returns (a view of WASM memory): everything on the stream's way is done with it by then
   * (every step `borrows`). Absent or false: streams are immutable and may be kept.
   */
  lends?(tag: string): boolean
}

/** Where a plugin's events go and where it can find the others. */
export interface PluginContext {
  core: Core
  /** The `@id`, or a generated `object:<n>` like Fluentd's. */
  id: string
  log: Logger
  metrics: PluginMetrics
  /** The router of the context the plugin is defined in (its `@label`'s router for inputs that set one). */
  router: EmitTarget
  /** A label's router (`@ROOT` is the top-level one); throws for an unknown label. */
  label(name: string): EmitTarget
  /** The `@ERROR` label's router, when the config has one. */
  errorRouter: EmitTarget | null
  /** Milliseconds since the epoch; injectable for tests. */
  now(): number
  /** This host's name (for `${hostname}` and the like). */
  hostname: string
  /** Runtime services (file buffer stores, chunk backups), when the runtime offers them. */
  services?: PluginServices
  /**
   * The worker process this plugin runs in (`id`, Fluentd's `fluentd_worker_id`) and how many
   * workers run the directive it comes from (`count`: `<system> workers` at the top level, 1 in
   * `<worker N>`, M-N+1 in `<worker N-M>`, as Fluentd overrides `workers` inside `<worker>`).
   * Unset in a single process: worker 0 of 1.
   */
  worker?: WorkerScope
  /**
   * Builds the parser of a validated `<parse>` section (its config holds `@type`), or the formatter of
   * a `<format>` section, from the plugins the runtime registered. Throws for an unknown `@type`
   * (validation reports that first, with file:line).
   */
  createParser(config: PluginSectionConfig, element?: ConfigElement): ParserPlugin
  createFormatter(config: PluginSectionConfig, element?: ConfigElement): FormatterPlugin
  /** The agent's Prometheus registry (fluent-plugin-prometheus metrics; served by in_prometheus and /metrics). */
  prometheus?: PrometheusRegistry
  /** Every plugin of the agent (monitors read their metrics and status). */
  plugins?(): readonly PluginEntry[]
  /** The worker this process is (Fluentd's fluentd_worker_id; 0 for a single process). */
  workerId?: number
}

/** Where a plugin runs among the worker processes (see PluginContext.worker). */
export interface WorkerScope {
  id: number
  count: number
}

/** The validated config of a `<parse>` / `<format>` section: the chosen `@type` and its params. */
export type PluginSectionConfig = { '@type': string } & Record<string, unknown>

/** What a runtime injects for plugins (through AgentOptions.services). */
export interface PluginServices extends BufferServices {
  /**
   * The process's standard output, where Node writes what Fluentd writes to its own log stream
   * (filter_stdout's lines). Absent on Workers and in the browser: those lines go to the logger.
   */
  stdout?: (bytes: Uint8Array) => void
}

export interface Plugin {
  start?(): Promise<void> | void
  /** Stop taking new work (inputs close listeners; outputs stop flushing on timers). */
  stop?(): Promise<void> | void
  /** Flush what must be flushed and release everything; bounded by the caller's deadline. */
  shutdown?(): Promise<void> | void
}

export interface InputPlugin extends Plugin {}

export interface FilterPlugin extends Plugin {
  /** Returns the stream to pass on (possibly the same object), or null to drop it whole. */
  filter(stream: EventStream): EventStream | null
  /**
   * Why `filter` does what it does to the first event of `stream`, worked out with the same
   * compiled rules (the designer's trace: which condition of a grep matched, which expression made a
   * field). Changes no state and is never on the data path; absent when there is nothing to explain.
   */
  explain?(stream: EventStream): FilterExplanation
}

/** A filter's account of one event (FilterPlugin.explain). */
export interface FilterExplanation {
  /** One line, e.g. `dropped: <exclude> level matched /^debug$/`. */
  decision: string
  steps: ExplainStep[]
}

/** One rule a filter applied to the event, in the order it applies them. */
export interface ExplainStep {
  /** What was tested or made: `<exclude> level`, `env`. */
  subject: string
  /** The rule as written: a pattern, an expression. */
  rule: string
  /** The value read (tests) or produced (fields), as text; null when the field is missing. */
  value: string | null
  outcome: 'matched' | 'not matched' | 'set' | 'removed' | 'kept'
  /** This step decided what happened to the event. */
  decisive?: boolean
}

export interface OutputPlugin extends Plugin, EmitTarget {
  /**
   * True when the output takes `lent` streams (event-stream.ts): when `emit` returns (or before it
   * returns a promise) it keeps no reference to the stream's bytes — it copies what it keeps (a
   * buffered output's chunk append, a blocked emit) — and it makes no core call while it still
   * reads the lent view (a core call may grow WASM memory, which detaches the view), nor any `frame`
   * call. Inputs may then emit bytes they reuse without a copy: a view of WASM memory, in the
   * middle of framing.
   */
  readonly borrows?: boolean
  /**
   * Per tag, when borrowing depends on where the stream goes next (out_relabel: the label's route;
   * out_copy: every store). Overrides `borrows` when present (see `outputLends`).
   */
  lends?(tag: string): boolean
  /** Fluentd monitor_agent fields (buffer sizes, retry state…), merged into /api/plugins.json. */
  status?(): Record<string, unknown>
}

/** Whether `output` takes lent streams of `tag` (its `lends(tag)`, else its `borrows`). */
export function outputLends(output: OutputPlugin, tag: string): boolean {
  return output.lends !== undefined ? output.lends(tag) : output.borrows === true
}

export interface PluginInstances {
  input: InputPlugin
  filter: FilterPlugin
  output: OutputPlugin
  parser: ParserPlugin
  formatter: FormatterPlugin
}

/**
 * What is known of a plugin without running it: Fluentd's `@type` (`forward`, `stdout`, `grep`,
 * `json` …), its kind, what it does, its config schema and the runtimes that run it. Every
 * descriptor lives in engine/schemas/ (the one home the daemon, the edge and the designer read).
 */
export interface PluginDescriptor<K extends PluginKind = PluginKind> {
  name: string
  kind: K
  description: string
  schema: PluginSchema
  runtimes: readonly Runtime[]
  /** Other `@type` names for the same plugin (in_sample is also `dummy`). */
  aliases?: readonly string[]
  /**
   * The checks a schema cannot say (a value's range, params that go together or exclude each
   * other: Fluentd's `configure` raising ConfigError), on the validated config. Runtime-neutral, so
   * the agent runs it in every runtime — `sluice check`, the daemon, the edge and the designer in
   * the browser report the same problems. Throws an Error (or a ParamError naming the param).
   */
  check?(config: any, element: ConfigElement): void
  /**
   * False for a plugin that cannot run in several worker processes at once (Fluentd's
   * `multi_workers_ready?`, e.g. in_tail): with `<system> workers` > 1 it must be pinned to one
   * worker with `<worker N>`. Unset means it can.
   */
  multiWorkers?: boolean
}

/** A runnable plugin: its descriptor plus the factory of one runtime. */
export interface PluginSpec<K extends PluginKind = PluginKind, C = any> extends PluginDescriptor<K> {
  create(ctx: PluginContext, config: C, element: ConfigElement): PluginInstances[K]
}

/** The plugins a runtime offers, by kind and `@type`. */
export class PluginRegistry {
  private readonly specs = new Map<string, PluginSpec>()
  private readonly aliases = new Map<string, PluginSpec>()

  register(...specs: PluginSpec[]): this {
    for (const spec of specs) {
      this.specs.set(`${spec.kind}:${spec.name}`, spec)
      for (const alias of spec.aliases ?? []) this.aliases.set(`${spec.kind}:${alias}`, spec)
    }
    return this
  }

  get<K extends PluginKind>(kind: K, name: string): PluginSpec<K> | undefined {
    const key = `${kind}:${name}`
    return (this.specs.get(key) ?? this.aliases.get(key)) as PluginSpec<K> | undefined
  }

  /** The schema of a registered plugin (parsers and formatters are validated through this). */
  schema(kind: PluginKind, name: string): PluginSchema | undefined {
    return this.get(kind, name)?.schema
  }

  names(kind: PluginKind): string[] {
    return [...this.specs.values()]
      .filter((s) => s.kind === kind)
      .map((s) => s.name)
      .sort()
  }

  all(): PluginSpec[] {
    return [...this.specs.values()]
  }
}
