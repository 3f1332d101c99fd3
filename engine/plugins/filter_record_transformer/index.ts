/**
 * @module filter_record_transformer (`@type record_transformer`): adds, rewrites and removes record
 * fields with Fluentd's placeholders. It needs the fields, so it decodes each record and encodes
 * the result once. A record that fails (e.g. a bad renew_time_key value) leaves the stream and
 * goes to @ERROR (or one log line); the others continue.
 */

import { decodeRecord, eachEntry, streamFromEvents, type Event } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import type { ExplainStep, FilterExplanation, FilterPlugin, PluginSpec } from '../../plugin.ts'
import { emitErrorEvents } from '../../error-events.ts'
import { filterRecordTransformerDescriptor, type RecordTransformerConfig } from '../../schemas/filter_record_transformer.ts'
import type { ExpandContext, Placeholder } from './placeholders.ts'
import { compileTransformer, type TransformExplanation } from './transform.ts'
import { valueText } from '../../records/value-text.ts'

export const filterRecordTransformer: PluginSpec<'filter', RecordTransformerConfig> = {
  ...filterRecordTransformerDescriptor,
  create(ctx, config, element): FilterPlugin {
    const transformer = compileTransformer(
      config,
      (message) => ctx.log.warn(message),
      element.elements.filter((e) => e.name === 'record'),
    )
    const warned = new Set<string>()
    const unknown = (p: Placeholder) => {
      if (warned.has(p.text)) return
      warned.add(p.text)
      ctx.log.warn(`unknown placeholder \`${p.text}\` found (expanded to nil; not logged again)`)
    }
    const metrics = ctx.metrics
    let lastSec = -1
    let lastTime = ''
    const timeString = (sec: number) => {
      if (sec !== lastSec) {
        lastSec = sec
        lastTime = rubyTimeToS(sec)
      }
      return lastTime
    }
    return {
      filter(stream) {
        metrics.emits++
        metrics.eventsIn += stream.count
        metrics.bytesIn += stream.entries.length
        const parts = tagParts(stream.tag)
        const expandCtx: ExpandContext = {
          tag: stream.tag,
          tagParts: parts,
          tagPrefix: tagPrefix(parts),
          tagSuffix: tagSuffix(parts),
          hostname: ctx.hostname,
          time: '',
          record: {},
          unknown,
        }
        const out: Event[] = []
        const failed: Event[] = []
        let failure: unknown = null
        eachEntry(ctx.core, stream, (sec, nsec, start, end, bytes) => {
          const time = new EventTime(sec, nsec)
          let record: Record<string, unknown> | null = null
          try {
            record = decodeRecord(bytes.subarray(start, end))
            expandCtx.time = timeString(sec)
            expandCtx.eventTime = time
            expandCtx.record = record
            out.push(transformer.apply(time, record, expandCtx))
          } catch (error) {
            failure ??= error
            failed.push({ time, record: record ?? {} }) // the transform copies before it changes anything
          }
        })
        if (failed.length > 0) emitErrorEvents(ctx, streamFromEvents(stream.tag, failed), failure, failed[0].record)
        if (out.length === 0) return null
        const result = streamFromEvents(stream.tag, out)
        metrics.eventsOut += result.count
        metrics.bytesOut += result.entries.length
        return result
      },
      explain(stream) {
        const parts = tagParts(stream.tag)
        let explained: FilterExplanation = { decision: 'no event', steps: [] }
        let first = true
        eachEntry(ctx.core, stream, (sec, nsec, start, end, bytes) => {
          if (!first) return
          first = false
          const time = new EventTime(sec, nsec)
          const record = decodeRecord(bytes.subarray(start, end))
          const expandCtx: ExpandContext = {
            tag: stream.tag,
            tagParts: parts,
            tagPrefix: tagPrefix(parts),
            tagSuffix: tagSuffix(parts),
            hostname: ctx.hostname,
            time: rubyTimeToS(sec),
            eventTime: time,
            record,
            unknown: () => {},
          }
          try {
            explained = explainTransform(transformer.explain(time, record, expandCtx))
          } catch (error) {
            explained = {
              decision: `error: ${error instanceof Error ? error.message : String(error)} (the event goes to @ERROR)`,
              steps: [],
            }
          }
        })
        return explained
      },
    }
  },
}

/** The transformer's account as explanation steps: renew, kept keys, each field with its expression, removals. */
function explainTransform(t: TransformExplanation): FilterExplanation {
  const steps: ExplainStep[] = []
  if (t.renewed) steps.push({ subject: 'renew_record', rule: 'true', value: null, outcome: 'set' })
  for (const k of t.kept) steps.push({ subject: k, rule: 'keep_keys', value: null, outcome: 'kept' })
  for (const f of t.fields) steps.push({ subject: f.key, rule: f.expression, value: valueText(f.value), outcome: 'set' })
  for (const r of t.removed)
    steps.push({ subject: r.key, rule: 'remove_keys', value: null, outcome: r.present ? 'removed' : 'not matched' })
  if (t.renewTimeKey !== null) steps.push({ subject: 'time', rule: `renew_time_key ${t.renewTimeKey}`, value: null, outcome: 'set' })
  const set = t.fields.length
  const removed = t.removed.filter((r) => r.present).length
  return {
    decision: `kept: ${t.renewed ? 'new record, ' : ''}${set} field${set === 1 ? '' : 's'} set${removed ? `, ${removed} removed` : ''}`,
    steps,
  }
}

/** Ruby's `tag.split('.')`: trailing empty parts dropped, "" → []. */
function tagParts(tag: string): string[] {
  const parts = tag.split('.')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

function tagPrefix(parts: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) out.push(i === 0 ? parts[0] : `${out[i - 1]}.${parts[i]}`)
  return out
}

function tagSuffix(parts: string[]): string[] {
  const out: string[] = new Array(parts.length)
  for (let i = parts.length - 1; i >= 0; i--) out[i] = i === parts.length - 1 ? parts[i] : `${parts[i]}.${out[i + 1]}`
  return out
}

/** Ruby's `Time.at(sec).to_s` in the local zone: `2015-09-07 01:23:04 +0900`. */
export function rubyTimeToS(sec: number): string {
  const d = new Date(sec * 1000)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  const offset = -d.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  const abs = Math.abs(offset)
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  )
}
