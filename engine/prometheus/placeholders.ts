/**
 * @module The `${…}` placeholders of fluent-plugin-prometheus (v2.2.2 ExpandBuilder) in label
 * values, read from a record's msgpack bytes: `${tag}`, `${tag_parts[N]}` (negative N from the
 * end), `${tag_prefix[N]}`, `${tag_suffix[N]}`, `${hostname}`, `${worker_id}` — which win over
 * record fields of the same names — and the record's top-level fields: `${key}` for a scalar,
 * `${key[N]}` for an array item, `${key["k"]}` for a map value. An unknown placeholder is logged
 * and left as written.
 */

import { ByteBuffer } from '../formatter/byte-buffer.ts'
import { container, readContainer } from '../formatter/msgpack-value.ts'
import { writeRubyToS } from '../formatter/ruby-text.ts'
import type { Logger } from '../log.ts'
import { findIndex, findKey } from '../records/field-scan.ts'

export const PLACEHOLDER = /\$\{[^[}]+(\[[^\]]+\])?\}/g

const encoder = new TextEncoder()
// ignoreBOM: a leading U+FEFF is text here, kept as Ruby keeps it.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** The tag's placeholders (`${tag}`, parts, prefixes, suffixes) plus hostname and worker id. */
export function tagPlaceholders(tag: string | null, hostname: string, workerId: number): Map<string, string> {
  const map = new Map<string, string>()
  if (tag !== null) {
    const parts = tag.split('.')
    const n = parts.length
    map.set('${tag}', tag)
    parts.forEach((p, i) => {
      map.set(`\${tag_parts[${i}]}`, p)
      map.set(`\${tag_parts[${i - n}]}`, p)
      map.set(`\${tag_prefix[${i}]}`, parts.slice(0, i + 1).join('.'))
      map.set(`\${tag_suffix[${i}]}`, parts.slice(n - 1 - i).join('.'))
    })
  }
  map.set('${hostname}', hostname)
  map.set('${worker_id}', String(workerId))
  return map
}

type RecordRef = { key: Uint8Array; index?: number; mapKey?: Uint8Array }

/** How a placeholder reads the record, or null when it cannot name a record field. */
function recordRef(placeholder: string): RecordRef | null {
  const m = /^\$\{([^[}]+)(?:\[(?:(-?\d+)|"([^"]*)")\])?\}$/.exec(placeholder)
  if (m === null) return null
  return {
    key: encoder.encode(m[1]),
    ...(m[2] !== undefined ? { index: Number(m[2]) } : {}),
    ...(m[3] !== undefined ? { mapKey: encoder.encode(m[3]) } : {}),
  }
}

/** Expands the placeholders of one label template. */
export class LabelTemplate {
  private readonly refs = new Map<string, RecordRef | null>()
  private readonly scratch = new ByteBuffer(64)
  readonly hasPlaceholders: boolean

  constructor(
    readonly text: string,
    private readonly log: Logger,
  ) {
    for (const p of text.match(PLACEHOLDER) ?? []) this.refs.set(p, recordRef(p))
    this.hasPlaceholders = this.refs.size > 0
  }

  /** The label value for a record (`b` at `start`) with the tag placeholders `fixed`. */
  expand(fixed: Map<string, string>, b: Uint8Array | null, start: number): string {
    if (!this.hasPlaceholders) return this.text
    return this.text.replace(PLACEHOLDER, (p) => {
      const known = fixed.get(p)
      if (known !== undefined) return known
      const value = b === null ? undefined : this.fromRecord(this.refs.get(p) ?? null, b, start)
      if (value === undefined) {
        this.log.warn(`unknown placeholder \`${p}\` found`)
        return p
      }
      return value
    })
  }

  private fromRecord(ref: RecordRef | null, b: Uint8Array, start: number): string | undefined {
    if (ref === null) return undefined
    let at = findKey(b, start, ref.key)
    if (at < 0) return undefined
    const isContainer = readContainer(b, at)
    if (ref.index !== undefined) {
      if (!isContainer || container.map) return undefined
      at = findIndex(b, at, ref.index)
    } else if (ref.mapKey !== undefined) {
      if (!isContainer || !container.map) return undefined
      at = findKey(b, at, ref.mapKey)
    } else if (isContainer) return undefined // arrays and maps only have indexed placeholders
    if (at < 0) return undefined
    this.scratch.reset()
    writeRubyToS(this.scratch, b, at)
    return decoder.decode(this.scratch.view())
  }
}
