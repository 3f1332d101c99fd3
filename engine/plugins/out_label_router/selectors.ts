/**
 * @module label_router's selectors (fluent-plugin-label-router 0.5.0): the record's Kubernetes
 * metadata read from its msgpack bytes, and the `<match>` rules — within a route the first
 * selector that selects the record decides (`negate` turns it into an exclusion); a route with no
 * selector matches nothing; an empty list matches anything; `labels` / `namespace_labels` must all
 * be present with the same string values.
 */

import { parseRegexp } from '../../config/types.ts'
import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { readString, str } from '../../formatter/msgpack-value.ts'
import { writeRubyToS } from '../../formatter/ruby-text.ts'
import { encodePath, type EncodedStep, findKey, findPath } from '../../records/field-scan.ts'

const encoder = new TextEncoder()
// ignoreBOM: a leading U+FEFF is text here, kept as Ruby keeps it.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

export interface MatchConfig {
  labels: Record<string, unknown>
  namespaces: unknown[]
  namespaces_regex: unknown[]
  namespace_labels: Record<string, unknown>
  hosts: unknown[]
  container_names: unknown[]
  negate: boolean
}

interface Selector {
  labels: [Uint8Array, Uint8Array][]
  namespaceLabels: [Uint8Array, Uint8Array][]
  namespaces: Set<string> | null
  namespacesRegex: RegExp[] | null
  hosts: Set<string> | null
  containers: Set<string> | null
  negate: boolean
}

const LABELS = encodePath(['kubernetes', 'labels'])
const NAMESPACE_LABELS = encodePath(['kubernetes_namespace', 'labels'])
const NAMESPACE = encodePath(['kubernetes', 'namespace_name'])
const HOST = encodePath(['kubernetes', 'host'])
const CONTAINER = encodePath(['kubernetes', 'container_name'])

const pairs = (hash: Record<string, unknown>): [Uint8Array, Uint8Array][] =>
  Object.entries(hash).map(([k, v]) => [encoder.encode(k), encoder.encode(String(v))])
const set = (list: unknown[]): Set<string> | null => (list.length === 0 ? null : new Set(list.map(String)))

export function compileSelector(m: MatchConfig): Selector {
  return {
    labels: pairs(m.labels),
    namespaceLabels: pairs(m.namespace_labels),
    namespaces: set(m.namespaces),
    namespacesRegex:
      m.namespaces_regex.length === 0
        ? null
        : m.namespaces_regex.map((p) => {
            const parsed = parseRegexp(String(p))
            if (!parsed.ok) throw new Error(`namespaces_regex ${String(p)}: ${parsed.reason}`)
            return parsed.value.regexp
          }),
    hosts: set(m.hosts),
    containers: set(m.container_names),
    negate: m.negate,
  }
}

/** The metadata of one record, read lazily (most selectors look at one or two fields). */
export class RecordMetadata {
  private b: Uint8Array = new Uint8Array(0)
  private start = 0
  private readonly cache = new Map<EncodedStep[], string>()
  private readonly scratch = new ByteBuffer(64)

  reset(b: Uint8Array, start: number): void {
    this.b = b
    this.start = start
    this.cache.clear()
  }

  /** `record.dig(path).to_s`. */
  private text(path: EncodedStep[]): string {
    let value = this.cache.get(path)
    if (value === undefined) {
      const at = findPath(this.b, this.start, path)
      this.scratch.reset()
      if (at >= 0) writeRubyToS(this.scratch, this.b, at)
      value = decoder.decode(this.scratch.view())
      this.cache.set(path, value)
    }
    return value
  }

  namespace = () => this.text(NAMESPACE)
  host = () => this.text(HOST)
  container = () => this.text(CONTAINER)

  /** Are all `wanted` pairs in the map at `path` (as strings with the same bytes)? */
  hasLabels(path: EncodedStep[], wanted: [Uint8Array, Uint8Array][]): boolean {
    if (wanted.length === 0) return true
    const map = findPath(this.b, this.start, path)
    if (map < 0) return false
    for (const [k, v] of wanted) {
      const at = findKey(this.b, map, k)
      if (at < 0 || !readString(this.b, at) || str.len !== v.length) return false
      for (let i = 0; i < v.length; i++) if (this.b[str.start + i] !== v[i]) return false
    }
    return true
  }

  labels = (wanted: [Uint8Array, Uint8Array][]) => this.hasLabels(LABELS, wanted)
  namespaceLabels = (wanted: [Uint8Array, Uint8Array][]) => this.hasLabels(NAMESPACE_LABELS, wanted)
}

/** Does the selector select the record (before `negate`)? */
function selects(s: Selector, meta: RecordMetadata): boolean {
  if (s.hosts !== null && !s.hosts.has(meta.host())) return false
  if (s.containers !== null && !s.containers.has(meta.container())) return false
  if (s.namespaces !== null && !s.namespaces.has(meta.namespace())) return false
  if (s.namespacesRegex !== null && !s.namespacesRegex.some((r) => r.test(meta.namespace()))) return false
  if (s.namespaceLabels.length > 0 && !meta.namespaceLabels(s.namespaceLabels)) return false
  return meta.labels(s.labels)
}

/** A route's decision: the first selector that selects the record decides; none selects → no match. */
export function routeMatches(selectors: readonly Selector[], meta: RecordMetadata): boolean {
  for (const s of selectors) if (selects(s, meta)) return !s.negate
  return false
}

export type { Selector }
