/**
 * @module A request body from an entries stream, without a JS object per event: the core walks
 * the entries and each record goes from msgpack bytes to JSON text (engine/output/msgpack-json:
 * 64-bit integers exact). NDJSON (one record per line) or one JSON array; `<inject>` keys are
 * appended to each record's object (so they win over a field of the same name).
 */

import type { Core } from '../../../../wasm/core.ts'
import { walkEntryRanges } from '../../../../engine/output/entries.ts'
import { msgpackToJson } from '../../../../engine/output/msgpack-json.ts'
import type { HttpOptions } from './options.ts'

const textEncoder = new TextEncoder()

export function encodeBody(core: Core, tag: string, entries: Uint8Array, options: Pick<HttpOptions, 'jsonArray' | 'inject'>): Uint8Array {
  const records: string[] = []
  const inject = options.inject
  const tagText = inject?.tagKey ? `${JSON.stringify(inject.tagKey)}:${JSON.stringify(tag)}` : ''
  const ok = walkEntryRanges(core, entries, (_s, _e, sec, nsec, start, end, mem) => {
    let json = msgpackToJson(mem, start, end)
    if (inject !== null) {
      const fields = [tagText, inject.timeKey ? `${JSON.stringify(inject.timeKey)}:${timeText(sec, nsec, inject.timeType)}` : '']
        .filter((f) => f !== '')
        .join(',')
      json = json.length > 2 ? `${json.slice(0, -1)},${fields}}` : `{${fields}}`
    }
    records.push(json)
  })
  if (!ok) throw new Error(`the events of ${tag} are not a valid entries stream`)
  return textEncoder.encode(options.jsonArray ? `[${records.join(',')}]` : records.length === 0 ? '' : `${records.join('\n')}\n`)
}

function timeText(sec: number, nsec: number, type: 'float' | 'unixtime' | 'string'): string {
  if (type === 'unixtime') return String(sec)
  if (type === 'float') return `${sec}.${String(nsec).padStart(9, '0')}`
  return JSON.stringify(new Date(sec * 1000 + Math.floor(nsec / 1_000_000)).toISOString())
}
