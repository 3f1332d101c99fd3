/**
 * @module EventRouter: one ordered list of `<filter>` and `<match>` rules (the root's, or one
 * label's) on the core's route table. For a stream's tag: the filters matched before the first
 * matching match run in order, then that match's output takes the stream; no match → dropped with a
 * "no patterns matched" warning at counts 1, 2, 4 … 256, then every 512th (Fluentd's rate).
 * An output that fails to accept a stream sends it to `@ERROR` when the config has that label;
 * otherwise the error goes back to the input (which then must not ack). The last tag's pipeline is
 * remembered: inputs send runs of one tag, which then need no lookup at all.
 */

import type { Core, CoreRouteTable } from '../wasm/core.ts'
import type { EventStream } from './event-stream.ts'
import type { Logger } from './log.ts'
import { outputLends, type EmitResult, type EmitTarget, type FilterPlugin, type OutputPlugin } from './plugin.ts'

export type RouterRule =
  | { kind: 'filter'; pattern: string; id: string; plugin: FilterPlugin }
  | { kind: 'match'; pattern: string; id: string; plugin: OutputPlugin }

interface Pipeline {
  filters: FilterPlugin[]
  output: OutputPlugin | null
}

const textEncoder = new TextEncoder()

export class EventRouter implements EmitTarget {
  private readonly table: CoreRouteTable
  private readonly pipelines: Pipeline[] = []
  private noMatchCount = 0
  private tagBuffer = new Uint8Array(256)
  private lastTag: string | null = null
  private lastPipeline: Pipeline | null = null

  constructor(
    readonly name: string,
    core: Core,
    private readonly rules: readonly RouterRule[],
    private readonly log: Logger,
    /** Resolved lazily: labels are built after the routers that point at them. */
    private readonly errorRouter: () => EmitTarget | null = () => null,
    /** Inside `@FLUENT_LOG`-like labels the no-match warning is silenced. */
    private readonly warnNoMatch = true,
  ) {
    this.table = core.matcher.compile(rules.map((r) => ({ kind: r.kind, pattern: r.pattern }))) as CoreRouteTable
  }

  /** The filters and output a tag takes (for tools and the UI's route trace). */
  routeOf(tag: string): { filters: string[]; match: string | null } {
    const route = this.table.lookup(tag)
    return {
      filters: route.filters.map((i) => this.rules[i].id),
      match: route.match >= 0 ? this.rules[route.match].id : null,
    }
  }

  emit(stream: EventStream): EmitResult {
    const pipeline = this.pipelineFor(stream.tag)
    let current: EventStream | null = stream
    for (const filter of pipeline.filters) {
      current = filter.filter(current)
      if (current === null || current.count === 0) return
    }
    if (pipeline.output === null) {
      this.noMatch(current.tag)
      return
    }
    return this.deliver(pipeline.output, current)
  }

  /**
   * True when a stream of `tag` may be emitted with borrowed bytes: no filter, an output that
   * takes lent streams (`outputLends`: out_null, a buffered output that copies on retain…; or none:
   * dropped), and no `@ERROR` label (which would take the stream after a failed, possibly
   * asynchronous, emit).
   */
  lends(tag: string): boolean {
    const pipeline = this.pipelineFor(tag)
    return pipeline.filters.length === 0 && (pipeline.output === null || outputLends(pipeline.output, tag)) && this.errorRouter() === null
  }

  private deliver(output: OutputPlugin, stream: EventStream): EmitResult {
    const error = this.errorRouter()
    if (error === null) return output.emit(stream)
    let result: EmitResult
    try {
      result = output.emit(stream)
    } catch (err) {
      this.log.warn('emit failed; sending the events to @ERROR', { tag: stream.tag, error: String(err) })
      return error.emit(stream)
    }
    if (result instanceof Promise) {
      return result.catch((err) => {
        this.log.warn('emit failed; sending the events to @ERROR', { tag: stream.tag, error: String(err) })
        return error.emit(stream)
      })
    }
  }

  /** The pipeline of a tag; the last tag's is remembered (inputs send runs of one tag). */
  private pipelineFor(tag: string): Pipeline {
    if (tag === this.lastTag && this.lastPipeline !== null) return this.lastPipeline
    const id = this.table.lookupBytes(this.encodeTag(tag))
    let pipeline = this.pipelines[id]
    if (pipeline === undefined) {
      const route = this.table.route(id)
      const filters = route.filters.map((i) => (this.rules[i] as Extract<RouterRule, { kind: 'filter' }>).plugin)
      const output = route.match >= 0 ? (this.rules[route.match] as Extract<RouterRule, { kind: 'match' }>).plugin : null
      pipeline = { filters, output }
      this.pipelines[id] = pipeline
    }
    this.lastTag = tag
    this.lastPipeline = pipeline
    return pipeline
  }

  private encodeTag(tag: string): Uint8Array {
    if (tag.length * 3 > this.tagBuffer.length) this.tagBuffer = new Uint8Array(tag.length * 3)
    const { written } = textEncoder.encodeInto(tag, this.tagBuffer)
    return this.tagBuffer.subarray(0, written)
  }

  private noMatch(tag: string): void {
    if (!this.warnNoMatch) return
    const c = ++this.noMatchCount
    const logNow = c < 512 ? (c & (c - 1)) === 0 : c % 512 === 0
    if (logNow) this.log.warn('no patterns matched', { tag, router: this.name, count: c })
  }

  free(): void {
    this.table.free()
  }
}
