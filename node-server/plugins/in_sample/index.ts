/**
 * @module in_sample (`@type sample`, also `dummy`): Fluentd's sample input — the `sample` records
 * in turn, `rate` emits per second (schedule.ts), `size` events per emit, an `auto_increment_key`
 * counter, the current time. Records are encoded once; each event is the sample's bytes (with the
 * counter set in them when asked), so nothing is decoded per event. An emit that waits for buffer
 * space pauses the schedule (Fluentd's thread blocks in emit); emit errors are ignored, as in
 * Fluentd (counted in `errors`).
 *
 * @example
 * <source>
 *   @type sample
 *   tag sample.app
 *   rate 100
 *   sample [{"level":"info","message":"hello"},{"level":"warn","message":"careful"}]
 * </source>
 */

import { EventTime } from '../../../engine/event-time.ts'
import type { InputPlugin, PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { EntriesWriter } from '../../../engine/records/entries-writer.ts'
import { encodeInteger, MapEditor, type MapEntry } from '../../../engine/records/map-edit.ts'
import { inSampleDescriptor, type InSampleConfig } from '../../../engine/schemas/in_sample.ts'
import { settleSampleOptions, type SampleOptions } from './options.ts'
import { type Clock, realClock, SampleSchedule } from './schedule.ts'

const NO_DROP: Uint8Array[] = []

export class SampleInput implements InputPlugin {
  readonly options: SampleOptions
  private readonly schedule: SampleSchedule
  private readonly writer = new EntriesWriter()
  private readonly editor = new MapEditor()
  private readonly counterKey: Uint8Array | null
  private index = 0
  private counter = 0

  constructor(
    private readonly ctx: PluginContext,
    config: InSampleConfig,
    clock: Clock = realClock(ctx.now),
  ) {
    this.options = settleSampleOptions(config)
    this.counterKey = this.options.autoIncrementKey === null ? null : new TextEncoder().encode(this.options.autoIncrementKey)
    this.schedule = new SampleSchedule(this.options.rate, clock, (emits) => this.emit(emits))
  }

  start(): void {
    this.counter = 0
    this.index = 0
    this.schedule.start()
  }

  stop(): void {
    this.schedule.stop()
  }

  /** Makes `emits` emits of `size` events (one stream: same tag, same time). */
  private emit(emits: number): void {
    const { ctx, options, writer } = this
    const events = emits * Math.max(1, options.size)
    const now = EventTime.now(ctx.now)
    writer.truncate(0, 0)
    for (let i = 0; i < events; i++) this.append(now)
    const stream = { tag: options.tag, entries: writer.bytes(), count: writer.count }
    ctx.metrics.emits++
    ctx.metrics.eventsIn += stream.count
    const ignored = (err: unknown) => {
      ctx.metrics.errors++
      ctx.log.debug('sample emit failed (ignored, as Fluentd does).', { error: err instanceof Error ? err.message : String(err) })
    }
    try {
      const result = ctx.router.emit(stream)
      if (result instanceof Promise) {
        this.schedule.busy = true
        result
          .then(() => this.emitted(stream.count, stream.entries.length), ignored)
          .finally(() => {
            this.schedule.busy = false
          })
        return
      }
      this.emitted(stream.count, stream.entries.length)
    } catch (err) {
      ignored(err)
    }
  }

  private emitted(count: number, bytes: number): void {
    this.ctx.metrics.eventsOut += count
    this.ctx.metrics.bytesOut += bytes
  }

  private append(time: EventTime): void {
    const records = this.options.records
    const record = records[this.index]
    this.index = (this.index + 1) % records.length
    if (this.counterKey === null) {
      this.writer.appendEncoded(time.sec, time.nsec, record, 0, record.length)
      return
    }
    const entry: MapEntry = { key: this.counterKey, value: encodeInteger(this.counter++) }
    this.editor.edit(record, 0, NO_DROP, [entry])
    this.writer.appendEncoded(time.sec, time.nsec, this.editor.bytes, this.editor.start, this.editor.end)
  }
}

export const inSample: PluginSpec<'input', InSampleConfig> = {
  ...inSampleDescriptor,
  create(ctx: PluginContext, config: InSampleConfig): SampleInput {
    return new SampleInput(ctx, config)
  },
}
