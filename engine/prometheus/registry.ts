/**
 * @module A Prometheus metrics registry and its text exposition (format 0.0.4), as the Ruby
 * prometheus-client (≥ 2.1, what fluent-plugin-prometheus uses) keeps and prints it: families in
 * registration order, `# TYPE` then `# HELP`, series in first-seen order, every value a float
 * (`1.0`), summaries as `_sum` and `_count`, histograms as cumulative `_bucket{le}` (with `+Inf`),
 * `_sum`, `_count`. One registry per agent: the prometheus filter/output and the monitors write
 * into it; in_prometheus and the daemon's /metrics serve it.
 */

import { rubyFloatToS } from '../records/ruby-string.ts'

export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram'
export type Labels = Readonly<Record<string, string | number | boolean | null | undefined>>

/** The default histogram buckets of the Ruby client (1, 5 and 10 are integers there: `le="1"`). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  labels: [string, string][]
  /** counter / gauge: the value; summary: the sum. */
  value: number
  count: number
  /** histogram: observations per bucket (not cumulative). */
  buckets: number[] | null
}

export class AlreadyRegisteredError extends Error {
  override name = 'AlreadyRegisteredError'
}

/** One metric family: its series by label set. */
export class Metric {
  private readonly series = new Map<string, Series>()

  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly help: string,
    /** Histogram bucket upper bounds and how each is printed. */
    readonly buckets: readonly { value: number; text: string }[] = [],
  ) {}

  private at(labels: Labels): Series {
    const pairs = Object.entries(labels).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)] as [string, string])
    const key = JSON.stringify([...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
    let s = this.series.get(key)
    if (s === undefined) {
      s = { labels: pairs, value: 0, count: 0, buckets: this.type === 'histogram' ? new Array(this.buckets.length).fill(0) : null }
      this.series.set(key, s)
    }
    return s
  }

  /** Counter: adds `by` (a non-negative number). */
  increment(by: number, labels: Labels = {}): void {
    if (typeof by !== 'number' || Number.isNaN(by)) throw new TypeError(`increment must be a number, got ${String(by)}`)
    if (by < 0) throw new RangeError('increment must be a non-negative number')
    this.at(labels).value += by
  }

  /** Gauge: sets the value. */
  set(value: number, labels: Labels = {}): void {
    if (typeof value !== 'number') throw new TypeError('value must be a number')
    this.at(labels).value = value
  }

  /** The value of a counter or gauge series (0 when it has none yet). */
  get(labels: Labels = {}): number {
    return this.at(labels).value
  }

  /** Summary and histogram: one observation. */
  observe(value: number, labels: Labels = {}): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError('value must be a number')
    const s = this.at(labels)
    s.value += value
    s.count += 1
    if (s.buckets !== null) {
      const i = this.buckets.findIndex((b) => b.value >= value)
      if (i >= 0) s.buckets[i] += 1
    }
  }

  /** Creates a series with zero values (fluent-plugin-prometheus `initialized`). */
  initSeries(labels: Labels): void {
    this.at(labels)
  }

  /** The family's lines of the text exposition. */
  lines(out: string[]): void {
    out.push(`# TYPE ${this.name} ${this.type}`, `# HELP ${this.name} ${escapeDoc(this.help)}`)
    for (const s of this.series.values()) {
      const l = labelText(s.labels)
      if (this.type === 'summary') {
        out.push(`${this.name}_sum${l} ${num(s.value)}`, `${this.name}_count${l} ${num(s.count)}`)
      } else if (this.type === 'histogram') {
        let cumulative = 0
        this.buckets.forEach((b, i) => {
          cumulative += s.buckets![i]
          out.push(`${this.name}_bucket${labelText([...s.labels, ['le', b.text]])} ${num(cumulative)}`)
        })
        out.push(`${this.name}_bucket${labelText([...s.labels, ['le', '+Inf']])} ${num(s.count)}`)
        out.push(`${this.name}_sum${l} ${num(s.value)}`, `${this.name}_count${l} ${num(s.count)}`)
      } else out.push(`${this.name}${l} ${num(s.value)}`)
    }
  }
}

/** The Ruby client stores floats: every value prints as Float#to_s. */
function num(x: number): string {
  return rubyFloatToS(x)
}

function escapeDoc(s: string): string {
  return s.replace(/[\n\\]/g, (c) => (c === '\n' ? '\\n' : '\\\\'))
}

function labelText(pairs: readonly [string, string][]): string {
  if (pairs.length === 0) return ''
  return `{${pairs.map(([k, v]) => `${k}="${v.replace(/[\n\\"]/g, (c) => (c === '\n' ? '\\n' : c === '\\' ? '\\\\' : '\\"'))}"`).join(',')}}`
}

export class PrometheusRegistry {
  private readonly metrics = new Map<string, Metric>()

  /** The family `name`, or a new one; throws when it exists with another type or help text. */
  register(name: string, type: MetricType, help: string, buckets?: readonly (number | { value: number; text: string })[]): Metric {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`)
    const existing = this.metrics.get(name)
    if (existing !== undefined) {
      if (existing.type !== type) throw new AlreadyRegisteredError(`${name} has already been registered as ${existing.type} type`)
      if (existing.help !== help) throw new AlreadyRegisteredError(`${name} has already been registered with different docstring`)
      return existing
    }
    const bounds = (buckets ?? (type === 'histogram' ? DEFAULT_BUCKETS : [])).map((b) =>
      typeof b === 'number' ? { value: b, text: Number.isInteger(b) ? String(b) : rubyFloatToS(b) } : b,
    )
    for (let i = 1; i < bounds.length; i++) if (bounds[i].value <= bounds[i - 1].value) throw new Error('Unsorted buckets, typo?')
    const metric = new Metric(name, type, help, bounds)
    this.metrics.set(name, metric)
    return metric
  }

  counter(name: string, help: string): Metric {
    return this.register(name, 'counter', help)
  }

  gauge(name: string, help: string): Metric {
    return this.register(name, 'gauge', help)
  }

  summary(name: string, help: string): Metric {
    return this.register(name, 'summary', help)
  }

  histogram(name: string, help: string, buckets?: readonly (number | { value: number; text: string })[]): Metric {
    return this.register(name, 'histogram', help, buckets)
  }

  get(name: string): Metric | undefined {
    return this.metrics.get(name)
  }

  /** The text exposition of every family (`text/plain; version=0.0.4`). */
  text(): string {
    const out: string[] = []
    for (const m of this.metrics.values()) m.lines(out)
    return out.length === 0 ? '' : `${out.join('\n')}\n`
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4'
