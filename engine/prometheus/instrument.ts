/**
 * @module The `<metric>`s of fluent-plugin-prometheus's filter and output (v2.2.2), updated from
 * records' msgpack bytes: a counter adds the `key` field's number (1 per record without `key`; a
 * nil value is skipped), a gauge sets it, a summary or histogram observes it (nil and false are
 * skipped). `key` is a top-level field, or a record_accessor path with `$.` / `$[`. Labels are the
 * plugin's `<labels>` then the metric's (which win), each a fixed value, `${…}` placeholders, or an
 * accessor whose value's `to_s` is the label. `initialized true` creates the series at start
 * (`<initlabels>` fill the labels that come from records). A record whose value is not a number
 * fails that metric: the caller logs it and sends the record to @ERROR, as the plugin does.
 */

import { ByteBuffer } from '../formatter/byte-buffer.ts'
import { rubyFloatToS } from '../records/ruby-string.ts'
import { emitErrorEvents } from '../error-events.ts'
import type { EventStream } from '../event-stream.ts'
import { walkEntryRanges } from '../output/entries.ts'
import type { PluginContext } from '../plugin.ts'
import { EntriesWriter } from '../records/entries-writer.ts'
import { floatAt, intText } from '../formatter/msgpack-value.ts'
import { writeRubyToS } from '../formatter/ruby-text.ts'
import type { Logger } from '../log.ts'
import { encodePath, type EncodedStep, findKey, findPath } from '../records/field-scan.ts'
import { parseRecordAccessor } from '../records/record-accessor.ts'
import { LabelTemplate, tagPlaceholders } from './placeholders.ts'
import type { Metric, PrometheusRegistry } from './registry.ts'

const encoder = new TextEncoder()
// ignoreBOM: a leading U+FEFF is text here, kept as Ruby keeps it.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

export interface MetricConfig {
  name: string
  type: 'counter' | 'gauge' | 'summary' | 'histogram'
  desc: string
  key: string | null
  buckets: string | null
  initialized: boolean
  labels?: Record<string, unknown>
  initlabels: Record<string, unknown>[]
}

type LabelSource = { kind: 'template'; template: LabelTemplate } | { kind: 'accessor'; path: EncodedStep[] }

const isAccessor = (v: string) => v.startsWith('$.') || v.startsWith('$[')

/** The labels of a `<labels>` section, in order (reserved `@` params excluded). */
function labelEntries(section: Record<string, unknown> | undefined): [string, string][] {
  return Object.entries(section ?? {})
    .filter(([k]) => !k.startsWith('@'))
    .map(([k, v]) => [k, String(v)])
}

/** A key's value as a number for the registry: null (skip), a number, or an error. */
function numberAt(b: Uint8Array, at: number): number | null {
  if (at < 0) return null
  const h = b[at]
  if (h === 0xc0) return null
  const f = floatAt(b, at)
  if (f !== null) return f
  const int = intText(b, at)
  if (int !== null) return Number(int)
  if (h === 0xc2) return Number.NaN // false: skipped by gauges, refused by counters
  const scratch = new ByteBuffer(32)
  writeRubyToS(scratch, b, at)
  throw new TypeError(`value must be a number, got ${JSON.stringify(decoder.decode(scratch.view()))}`)
}

export class InstrumentedMetric {
  readonly metric: Metric
  private readonly labels: [string, LabelSource][]
  private readonly key: { path: EncodedStep[] } | { top: Uint8Array } | null
  private readonly scratch = new ByteBuffer(64)

  constructor(
    readonly config: MetricConfig,
    pluginLabels: Record<string, unknown> | undefined,
    registry: PrometheusRegistry,
    log: Logger,
    hostname: string,
    workerId: number,
  ) {
    const { name, type, desc } = config
    if (config.key === null && type !== 'counter') throw new Error(`${type} metric requires 'key' option`)
    this.key =
      config.key === null
        ? null
        : isAccessor(config.key)
          ? { path: encodePath(parseRecordAccessor(config.key).path) }
          : { top: encoder.encode(config.key) }
    const merged = new Map<string, string>(labelEntries(pluginLabels))
    for (const [k, v] of labelEntries(config.labels)) merged.set(k, v)
    this.labels = [...merged].map(([k, v]) => [
      k,
      isAccessor(v)
        ? { kind: 'accessor', path: encodePath(parseRecordAccessor(v).path) }
        : { kind: 'template', template: new LabelTemplate(v, log) },
    ])
    let buckets: { value: number; text: string }[] | undefined
    if (type === 'histogram' && config.buckets !== null) {
      // The plugin reads "d.d" (any character between digits) as a float, anything else as an integer.
      buckets = config.buckets.split(',').map((e) => {
        const t = e.trim()
        if (/^\d+.\d+$/.test(t)) {
          const value = Number.parseFloat(t)
          return { value, text: rubyFloatToS(value) }
        }
        const value = Number.parseInt(t, 10) || 0
        return { value, text: String(value) }
      })
    }
    this.metric = registry.register(name, type, desc, buckets)
    if (config.initialized) for (const set of initialLabelSets(merged, config, hostname, workerId)) this.metric.initSeries(set)
  }

  /** Updates the metric from one record. Throws when its value is not a number. */
  instrument(b: Uint8Array, start: number, fixed: Map<string, string>): void {
    let value: number | null = 1
    if (this.key !== null) {
      const at = 'top' in this.key ? findKey(b, start, this.key.top) : findPath(b, start, this.key.path)
      value = numberAt(b, at)
    }
    if (value === null) return
    const type = this.config.type
    if (Number.isNaN(value)) {
      if (type === 'counter') throw new TypeError('value must be a number, got false')
      return // `if value` skips false
    }
    const labels = this.labelsFor(b, start, fixed)
    if (type === 'counter') this.metric.increment(value, labels)
    else if (type === 'gauge') this.metric.set(value, labels)
    else this.metric.observe(value, labels)
  }

  private labelsFor(b: Uint8Array, start: number, fixed: Map<string, string>): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, source] of this.labels) {
      if (source.kind === 'template') out[k] = source.template.expand(fixed, b, start)
      else {
        const at = findPath(b, start, source.path)
        this.scratch.reset()
        if (at >= 0) writeRubyToS(this.scratch, b, at)
        out[k] = decoder.decode(this.scratch.view())
      }
    }
    return out
  }
}

/** The label sets `initialized true` creates (parse_initlabels_elements). Throws the plugin's config errors. */
function initialLabelSets(base: Map<string, string>, config: MetricConfig, hostname: string, workerId: number): Record<string, string>[] {
  const dynamic = (v: string) => isAccessor(v) || v.startsWith('${')
  const sets: Record<string, string>[] = []
  for (const block of config.initlabels) {
    const set: Record<string, string> = {}
    for (const [key, value] of labelEntries(block)) {
      const baseValue = base.get(key)
      if (baseValue === undefined) throw new Error(`Key ${key} in <initlabels> is non existent in <labels> for metric ${config.name}`)
      if (dynamic(value))
        throw new Error(`Cannot use RecordAccessor or placeholder ${value} (key ${key}) in a <initlabels> in metric ${config.name}`)
      if (!dynamic(baseValue))
        throw new Error(`Cannot set <initlabels> on non RecordAccessor/Placeholder key ${key} (value ${value}) in metric ${config.name}`)
      if (baseValue === '${worker_id}' || baseValue === '${hostname}') {
        throw new Error(`Cannot set <initlabels> on reserved placeholder ${baseValue} for key ${key} in metric ${config.name}`)
      }
      set[key] = value
    }
    for (const [key, value] of base) {
      if (isAccessor(value)) continue
      if (value === '${worker_id}') set[key] = String(workerId)
      else if (value === '${hostname}') set[key] = hostname
      else if (!value.startsWith('${')) set[key] = value
    }
    sets.push(set)
  }
  for (const [key, value] of base) {
    if (dynamic(value) && !sets.some((s) => key in s)) {
      throw new Error(
        `RecordAccessor/Placeholder key ${key} with value ${value} has not been set in a <initlabels> for initialized metric ${config.name}`,
      )
    }
  }
  if (sets.length === 0) sets.push(Object.fromEntries(base))
  for (const set of sets) {
    if (Object.keys(set).sort().join('\0') !== [...base.keys()].sort().join('\0')) {
      throw new Error(`initlabels for metric ${config.name} must have the same signature than labels`)
    }
  }
  return sets
}

/** The tag placeholders of a plugin, cached for the last tag. */
export class TagPlaceholders {
  private tag: string | null = null
  private map = new Map<string, string>()

  constructor(
    private readonly hostname: string,
    private readonly workerId: number,
  ) {}

  for(tag: string): Map<string, string> {
    if (tag !== this.tag) {
      this.tag = tag
      this.map = tagPlaceholders(tag, this.hostname, this.workerId)
    }
    return this.map
  }
}

/** The metrics of a prometheus filter or output, built from its config. */
export function createInstruments(
  ctx: PluginContext,
  config: { metric: MetricConfig[]; labels?: Record<string, unknown> },
): (stream: EventStream) => void {
  if (ctx.prometheus === undefined) throw new Error('this runtime has no Prometheus registry')
  const registry = ctx.prometheus
  const workerId = ctx.workerId ?? 0
  const metrics = config.metric.map((m) => new InstrumentedMetric(m, config.labels, registry, ctx.log, ctx.hostname, workerId))
  const tags = new TagPlaceholders(ctx.hostname, workerId)
  return (stream) => {
    const fixed = tags.for(stream.tag)
    let failed: EntriesWriter | null = null
    let firstError: unknown = null
    const ok = walkEntryRanges(ctx.core, stream.entries, (_s, _e, sec, nsec, start, end, mem) => {
      let bad = false
      for (const m of metrics) {
        try {
          m.instrument(mem, start, fixed)
        } catch (error) {
          ctx.log.warn('prometheus: failed to instrument a metric.', { error: String(error), tag: stream.tag, name: m.config.name })
          if (!bad) {
            bad = true
            failed ??= new EntriesWriter()
            firstError ??= error
            failed.appendEncoded(sec, nsec, mem, start, end)
          }
        }
      }
    })
    if (!ok) throw new Error(`the events of ${stream.tag} are not a valid entries stream`)
    const errors = failed as EntriesWriter | null
    if (errors !== null) emitErrorEvents(ctx, { tag: stream.tag, entries: errors.bytes(), count: errors.count }, firstError)
  }
}
