/**
 * @module Record diffs for the preview: which fields a step added, removed or changed. Nested
 * maps are compared key by key (paths like `kubernetes.pod`); arrays and scalars as whole values.
 * Values are what `decodeRecord` gives: bigint, Uint8Array (bin), EventTime (ext 0) included.
 */

import type { FieldChange } from './types.ts'

/**
 * @example
 * diffRecords({ a: 1, b: 2 }, { a: 1, c: 3 })
 * // [{ path: ['b'], kind: 'removed', before: 2 }, { path: ['c'], kind: 'added', after: 3 }]
 */
export function diffRecords(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = []
  diffInto(before, after, [], changes)
  return changes
}

function diffInto(before: Record<string, unknown>, after: Record<string, unknown>, path: string[], out: FieldChange[]): void {
  for (const key of Object.keys(before)) {
    const p = [...path, key]
    if (!Object.hasOwn(after, key)) {
      out.push({ path: p, kind: 'removed', before: before[key] })
      continue
    }
    const a = before[key]
    const b = after[key]
    if (isMap(a) && isMap(b)) diffInto(a, b, p, out)
    else if (!sameValue(a, b)) out.push({ path: p, kind: 'changed', before: a, after: b })
  }
  for (const key of Object.keys(after)) {
    if (!Object.hasOwn(before, key)) out.push({ path: [...path, key], kind: 'added', after: after[key] })
  }
}

/** Deep equality over decoded msgpack values (a bigint equals the same integer as a number). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (typeof a === 'number' && !Number.isInteger(a)) return false
    if (typeof b === 'number' && !Number.isInteger(b)) return false
    return BigInt(a) === BigInt(b)
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false
    return a.every((v, i) => sameValue(v, b[i]))
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

function isMap(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype
  )
}
