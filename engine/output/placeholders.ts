/**
 * @module Chunk placeholders in output params (Fluentd's `extract_placeholders`): `${tag}`,
 * `${tag[N]}` / `${tag[-1]}`, `${key}` for record chunk keys, `${chunk_id}`, and strftime
 * conversions formatted for the chunk's timekey. Config-time validation follows Fluentd's
 * PlaceholderValidator (§4, §9 case 30); values that would climb out of a path (`..` components, a
 * leading `/`) are an UnrecoverableError at flush time (the chunk goes to the secondary / backup).
 */

import type { ChunkMetadata } from './chunk.ts'
import { chunkIdHex } from './chunk.ts'
import { strftime, UTC, type Zone } from './time-format.ts'

/** An error retrying cannot fix: the buffer sends the chunk to the secondary or the backup at once. */
export class UnrecoverableError extends Error {
  override name = 'UnrecoverableError'
}

/** A config problem found by a plugin at create time (the agent reports it at the directive's line). */
export class PlaceholderConfigError extends Error {
  override name = 'PlaceholderConfigError'
}

/** The parsed `<buffer CHUNK_KEYS>` argument. */
export interface ChunkKeys {
  tag: boolean
  time: boolean
  /** Record keys (`key` or record_accessor `$.a.b`), in written order. */
  keys: readonly string[]
}

const CHUNK_KEY = /^[-_.@a-zA-Z0-9]+$/
const ACCESSOR = /^\$\.[-_@a-zA-Z0-9]+(\.[-_@a-zA-Z0-9]+)*$/
const TAG_PLACEHOLDER = /\$\{(tag(?:\[-?\d+\])?)\}/g
const KEY_PLACEHOLDER = /\$\{([-_.@$a-zA-Z0-9]+)\}/g

/** Splits chunk keys into tag / time / record keys; throws on keys Fluentd rejects. */
export function parseChunkKeys(list: readonly string[]): ChunkKeys {
  const keys: string[] = []
  let tag = false
  let time = false
  for (const raw of list) {
    const key = String(raw).trim()
    if (key === 'tag') tag = true
    else if (key === 'time') time = true
    else if (key.startsWith('$[')) throw new PlaceholderConfigError('in chunk_keys: bracket notation is not allowed')
    else if (key.startsWith('$.') ? !ACCESSOR.test(key) : !CHUNK_KEY.test(key)) {
      throw new PlaceholderConfigError(`chunk_keys specification includes invalid char: ${JSON.stringify(key)}`)
    } else if (!keys.includes(key)) keys.push(key)
  }
  return { tag, time, keys }
}

const CHECK_BASE = Date.UTC(2016, 0, 1) / 1000
const TIME_UNITS: readonly [number, string, string][] = [
  [1, 'second', '%S'],
  [60, 'minute', '%M'],
  [3600, 'hour', '%H'],
  [86400, 'day', '%d'],
]

/** The finest time unit the template's strftime conversions show (Fluentd's get_placeholders_time). */
export function templateTimeUnit(template: string): { sec: number; title: string; example: string } | null {
  const base = strftime(template, CHECK_BASE, 0, UTC)
  for (const [sec, title, example] of TIME_UNITS) {
    if (strftime(template, CHECK_BASE + sec, 0, UTC) !== base) return { sec, title, example }
  }
  return null
}

/** `${tag}` → -1, `${tag[N]}` → N. */
export function templateTagParts(template: string): number[] {
  return [...template.matchAll(TAG_PLACEHOLDER)].map((m) => (m[1] === 'tag' ? -1 : Number(/-?\d+/.exec(m[1])![0]))).sort((a, b) => a - b)
}

export function templateKeys(template: string): string[] {
  return [...template.matchAll(KEY_PLACEHOLDER)]
    .map((m) => m[1])
    .filter((k) => k !== 'tag' && k !== 'chunk_id')
    .sort()
}

export interface PlaceholderCheckOptions {
  /** Check only the time rules (a plugin acting as a `<secondary>`, as Fluentd does). */
  timeOnly?: boolean
}

/**
 * Fluentd's placeholder rules for a param such as out_file's `path`: strftime conversions need the
 * `time` chunk key and must be fine enough for the timekey (timekey 1h needs `%H`); a `time` key
 * needs some strftime conversion; `${tag}` needs the `tag` chunk key and vice versa; each `${key}`
 * needs that record chunk key and vice versa. Returns the problems (empty when fine).
 */
export function placeholderProblems(
  template: string,
  chunkKeys: readonly string[] | ChunkKeys,
  timekey: number | null,
  name = 'path',
  options: PlaceholderCheckOptions = {},
): string[] {
  const keys = Array.isArray(chunkKeys) ? parseChunkKeys(chunkKeys) : (chunkKeys as ChunkKeys)
  const problems: string[] = []
  const param = `Parameter '${name}: ${template}'`
  const unit = templateTimeUnit(template)
  const effectiveTimekey = keys.time ? timekey : null
  if (unit === null && effectiveTimekey !== null)
    problems.push(`${param} doesn't have timestamp placeholders for timekey ${Math.trunc(effectiveTimekey)}`)
  if (unit !== null && effectiveTimekey === null)
    problems.push(`${param} has timestamp placeholders, but chunk key 'time' is not configured`)
  if (unit !== null && effectiveTimekey !== null && effectiveTimekey < unit.sec) {
    const needed = [...TIME_UNITS].reverse().find(([sec]) => sec <= effectiveTimekey) ?? TIME_UNITS[0]
    problems.push(
      `${param} doesn't have timestamp placeholder for ${needed[1]}('${needed[2]}') for timekey ${Math.trunc(effectiveTimekey)}` +
        ` (its finest is ${unit.title} '${unit.example}')`,
    )
  }
  if (options.timeOnly) return problems
  const parts = templateTagParts(template)
  if (keys.tag && parts.length === 0) problems.push(`${param} doesn't have tag placeholder`)
  if (!keys.tag && parts.length > 0) problems.push(`${param} has tag placeholders, but chunk key 'tag' is not configured`)
  const used = templateKeys(template)
  const missing = keys.keys.filter((k) => !used.includes(k)).sort()
  const extra = used.filter((k) => !keys.keys.includes(k))
  if (missing.length > 0) problems.push(`${param} doesn't have enough placeholders for keys ${missing.join(',')}`)
  if (extra.length > 0) problems.push(`${param} has placeholders, but chunk keys doesn't have keys ${[...new Set(extra)].sort().join(',')}`)
  return problems
}

/**
 * Throws a PlaceholderConfigError listing every placeholder problem of `template` (see
 * placeholderProblems). Plugins call it from create(); the agent reports it with file:line.
 *
 * @example
 * checkPlaceholders('/x/%Y%m%d', ['time'], 3600) // throws: ... doesn't have timestamp placeholder for hour('%H') ...
 */
export function checkPlaceholders(
  template: string,
  chunkKeys: readonly string[] | ChunkKeys,
  timekey: number | null,
  name = 'path',
  options: PlaceholderCheckOptions = {},
): void {
  const problems = placeholderProblems(template, chunkKeys, timekey, name, options)
  if (problems.length > 0) throw new PlaceholderConfigError(problems.join('; '))
}

/** A value that would leave the directory it is put in: a `..` component or a leading `/` or `\`. */
export function unsafePathValue(value: string): boolean {
  return /^[/\\]/.test(value) || value.split(/[/\\]/).includes('..') || value.includes('\0')
}

export interface TemplateOptions {
  chunkKeys: ChunkKeys
  /** The zone the timekey is formatted in (the buffer's timekey_use_utc / timekey_zone). */
  zone: Zone
  /** The result is a file path: reject tag / values that climb out of it. Default true. */
  path?: boolean
}

/** What a template is expanded for: a chunk (its id fills `${chunk_id}`) or bare metadata. */
export type PlaceholderSource = ChunkMetadata & { readonly id?: Uint8Array }

/**
 * Compiles a template once; the returned function expands it for a chunk.
 *
 * @example
 * const path = compileTemplate('/logs/${tag}/%Y%m%d.log', { chunkKeys, zone: UTC })
 * path(chunk) // '/logs/app.web/20260101.log'
 */
export function compileTemplate(template: string, options: TemplateOptions): (source: PlaceholderSource) => string {
  const { chunkKeys, zone } = options
  const forPath = options.path ?? true
  const hasTag = /\$\{tag(\[-?\d+\])?\}/.test(template)
  const hasId = template.includes('${chunk_id}')
  const hasKeys = chunkKeys.keys.length > 0 && templateKeys(template).length > 0
  const check = (what: string, value: string) => {
    if (forPath && unsafePathValue(value)) throw new UnrecoverableError(`Invalid path component detected in ${what}: ${value}`)
    return value
  }
  return (source) => {
    let out = template
    if (chunkKeys.time && source.timekey !== null) out = strftime(out, source.timekey, 0, zone)
    if (hasTag && chunkKeys.tag) {
      check('tag', source.tag)
      const parts = source.tag.split('.')
      out = out.replace(TAG_PLACEHOLDER, (whole, name: string) => {
        if (name === 'tag') return source.tag
        const n = Number(/-?\d+/.exec(name)![0])
        const part = parts[n < 0 ? parts.length + n : n]
        return part === undefined ? whole : check(whole, part)
      })
    }
    if (hasId && source.id !== undefined) out = out.replace('${chunk_id}', chunkIdHex(source.id))
    if (hasKeys) {
      out = out.replace(KEY_PLACEHOLDER, (whole, key: string) => {
        if (key === 'tag' || key === 'chunk_id' || !chunkKeys.keys.includes(key)) return whole
        return check(whole, source.variables[key] ?? '')
      })
    }
    return out
  }
}
