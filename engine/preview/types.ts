/**
 * @module The preview's data shapes: the plugin catalog it is given, the table of config elements
 * it reports on (addressed by path), diagnostics, per-event outcomes and per-step details.
 * Everything here is plain data that survives `postMessage` (bigint included).
 */

import type { PluginSchema } from '../config/schema.ts'
import type { FilterExplanation, PluginKind, PluginSpec } from '../plugin.ts'

/** What a runtime knows about one plugin: at least its schema; `spec` when it can run it. */
export interface CatalogEntry {
  kind: PluginKind
  /** Fluentd's `@type`. */
  name: string
  description: string
  schema: PluginSchema
  /** The runnable plugin (runtime-neutral ones: filters, copy, relabel …). */
  spec?: PluginSpec
  /** Where the schema comes from, e.g. `engine/plugins/filter_grep`. */
  origin: string
}

/**
 * A path to an element of the model: child indices from the root joined by `/` (`"3"` is the
 * fourth top-level directive, `"2/1"` the second directive of the label at index 2, `"4/0"` the
 * first `<store>` of the match at index 4).
 */
export type ElementPath = string

export type PreviewElementKind = 'source' | 'filter' | 'match' | 'store'

/** How the preview runs an element. */
export type PreviewMode =
  /** The real plugin (filters, and outputs that route: copy, relabel). */
  | 'real'
  /** An output replaced by a sink that records what reaches it. */
  | 'sink'
  /** A filter the preview cannot run (unknown, untyped, invalid): events pass unchanged. */
  | 'passthrough'
  /** A source: samples enter through it, nothing is listened to. */
  | 'input'
  /** Not part of the run (a `<worker>` other than 0, an invalid label …). */
  | 'skipped'

export interface PreviewElement {
  index: number
  path: ElementPath
  kind: PreviewElementKind
  /** `@type` as written ('' when missing). */
  type: string
  /** The directive's argument (tag patterns for filter/match). */
  pattern: string
  /** The router it belongs to: `@ROOT` or a label name. */
  router: string
  /** The `@id` written in the config, if any. */
  id: string | null
  /** Its `@label` param (sources, relabel, copy stores), if any. */
  label: string | null
  mode: PreviewMode
  /** Why it does not run as written (shown in the UI). */
  note: string | null
}

export type Severity = 'error' | 'warning' | 'info'

export interface Diagnostic {
  severity: Severity
  /** Stable code, e.g. `unreachable-match`, `unknown-param`, `config`. */
  code: string
  message: string
  hint: string
  /** 1-based line in the config text, when known. */
  line?: number
  /** The element it is about, when known. */
  path?: ElementPath
}

/**
 * The host name `${hostname}` (record_transformer) and parsers see in a preview that no daemon
 * serves: a browser has no host name. Served by a daemon, the designer uses the daemon's.
 */
export const PREVIEW_HOSTNAME = 'preview-host'

/** What happened to a sample, in the end. */
export const Outcome = {
  /** Reached at least one output (sink). */
  Delivered: 0,
  /** A router found no match for its tag ("no patterns matched"). */
  Unmatched: 1,
  /** A filter removed it. */
  Dropped: 2,
  /** A filter failed on it (logged, or sent to @ERROR with nothing catching it there). */
  Error: 3,
  /** An output consumed it without passing it on (e.g. copy with no stores). */
  Consumed: 4,
} as const
export type Outcome = (typeof Outcome)[keyof typeof Outcome]

export interface RouteCount {
  /** Element index. */
  element: number
  /** Events that reached it. */
  events: number
  /** Filters: events they passed on. */
  passed: number
}

export interface RouterCount {
  router: string
  events: number
  unmatched: number
}

/** The result of running every sample: compact, one slot per sample. */
export interface PreviewSummary {
  elements: PreviewElement[]
  routers: string[]
  /** Outcome per sample (values of `Outcome`). */
  outcome: Uint8Array
  /** Per sample: the first output reached (Delivered), the filter that dropped it, the router that had no match, the consuming output. */
  target: Int32Array
  /** Per sample: 1 when the record that reached the output differs from the sample. */
  changed: Uint8Array
  /** Extra outputs reached by samples that fan out (copy): sample index → element indices. */
  fanout: Record<number, number[]>
  counts: RouteCount[]
  routerCounts: RouterCount[]
  /** Per outcome value: how many samples. */
  totals: number[]
  diagnostics: Diagnostic[]
  /** Where the samples entered: a source's element index, or -1 for the top-level routes. */
  entry: number
  /** Milliseconds spent running the samples (build excluded). */
  runMs: number
  /** Milliseconds spent building the agent. */
  buildMs: number
  /** Set when nothing could run (the draft could not be built). */
  failed: string | null
}

/** One change between two records (a dotted path into nested maps). */
export interface FieldChange {
  path: string[]
  kind: 'added' | 'removed' | 'changed'
  before?: unknown
  after?: unknown
}

/**
 * One rule of a router as the event's tag met it, in config order up to the match that took it:
 * a filter applies when its pattern matches; a match takes the event when it matches (first wins).
 */
export interface RuleCheck {
  element: number
  kind: 'filter' | 'match'
  /** The directive's argument as written ('' is `**`). */
  pattern: string
  matched: boolean
  /** The alternative of the pattern that matched the tag (`app.**` of `app.** sys.*`). */
  alternative: string | null
}

export type DetailStep =
  | { kind: 'router'; router: string; tag: string; filters: number[]; match: number | null; rules: RuleCheck[] }
  | {
      kind: 'filter'
      element: number
      record: Record<string, unknown> | null
      changes: FieldChange[]
      dropped: boolean
      note: string | null
      /** The filter's own account of its decision (which grep condition, which expression), when it gives one. */
      explanation: FilterExplanation | null
    }
  | { kind: 'output'; element: number; tag: string; time: { sec: number; nsec: number }; record: Record<string, unknown>; routing: boolean }
  | { kind: 'unmatched'; router: string; tag: string }
  | { kind: 'log'; level: string; message: string; fields: Record<string, unknown> }

/** Everything about one sample: its input, each step, and the final record(s). */
export interface EventDetails {
  index: number
  tag: string
  time: { sec: number; nsec: number }
  input: Record<string, unknown>
  steps: DetailStep[]
  outcome: Outcome
  /** The record as it reached the (first) output, or as it was when no match was found. */
  output: Record<string, unknown> | null
  /** input → output changes. */
  changes: FieldChange[]
}
