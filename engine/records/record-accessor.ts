/**
 * @module Fluentd's record_accessor syntax: a plain key (`message`, dots allowed), the dot notation
 * `$.a.b[0]` and the bracket notation `$['a']["b"][0]`, parsed into a path of string keys and
 * integer indexes, with Fluentd's error messages for bad syntax.
 */

/** One step of a path: a map key or an array index (negative counts from the end, like Ruby). */
export type PathStep = string | number

/** A parsed accessor: one step for a plain key, several for nested access. */
export interface RecordAccessor {
  /** As written in the config. */
  readonly source: string
  readonly path: readonly PathStep[]
}

/** Parses a record_accessor parameter; throws an Error with Fluentd's wording on bad syntax. */
export function parseRecordAccessor(param: string): RecordAccessor {
  if (param.startsWith('$.')) return { source: param, path: parseDot(param) }
  if (param.startsWith('$[')) return { source: param, path: parseBracket(param) }
  return { source: param, path: [param] }
}

function parseDot(param: string): PathStep[] {
  const result: PathStep[] = []
  const keys = param.slice(2).split('.')
  while (keys.length > 0 && keys[keys.length - 1] === '') keys.pop() // Ruby's split drops trailing empties
  for (const key of keys) {
    if (key.includes('[')) result.push(...parseDotArrayOp(key, param))
    else result.push(key)
  }
  if (result.length === 0) throw new Error('empty keys in dot notation')
  for (const key of result) {
    if (typeof key === 'string' && /\s/.test(key)) {
      throw new Error(`whitespace character is not allowed in dot notation. Use bracket notation: ${key}`)
    }
  }
  return result
}

function parseDotArrayOp(key: string, param: string): PathStep[] {
  const start = key.indexOf('[')
  const result: PathStep[] = start === 0 ? [] : [key.slice(0, start)]
  let rest = key.slice(start + 1)
  let inBracket = true
  while (rest !== '') {
    if (inBracket) {
      const i = rest.indexOf(']')
      if (i < 0) throw new Error(`'[' found but ']' not found. Invalid syntax: ${param}`)
      result.push(parseIndex(rest.slice(0, i), param))
      rest = rest.slice(i + 1)
      inBracket = false
    } else {
      const i = rest.indexOf('[')
      if (i < 0) throw new Error(`found more characters after ']'. Invalid syntax: ${param}`)
      rest = rest.slice(i + 1)
      inBracket = true
    }
  }
  return result
}

function parseBracket(param: string): PathStep[] {
  const result: PathStep[] = []
  let rest = param.slice(1)
  let inBracket = false
  while (rest !== '') {
    if (inBracket) {
      if (rest[0] === "'" || rest[0] === '"') {
        const single = rest.indexOf("']")
        const i = single >= 0 ? single : rest.indexOf('"]')
        if (i < 0) throw new Error(`Incomplete bracket. Invalid syntax: ${param}`)
        if (rest[0] !== rest[i]) throw new Error(`Mismatched quotes. Invalid syntax: ${param}`)
        result.push(rest.slice(1, i))
        rest = rest.slice(i + 2)
      } else {
        const i = rest.indexOf(']')
        if (i < 0) throw new Error(`'[' found but ']' not found. Invalid syntax: ${param}`)
        result.push(parseIndex(rest.slice(0, i), param))
        rest = rest.slice(i + 1)
      }
      inBracket = false
    } else {
      const i = rest.indexOf('[')
      if (i < 0) throw new Error(`found more characters after ']'. Invalid syntax: ${param}`)
      rest = rest.slice(i + 1)
      inBracket = true
    }
  }
  if (result.length === 0) throw new Error('empty keys in bracket notation')
  return result
}

/** Ruby's Integer(): decimal with optional sign and underscores. */
function parseIndex(text: string, param: string): number {
  if (text === '') throw new Error(`missing array index in '[]'. Invalid syntax: ${param}`)
  if (!/^[+-]?\d+(_\d+)*$/.test(text.trim())) throw new Error(`invalid value for Integer(): ${JSON.stringify(text)} in ${param}`)
  return Number(text.trim().replace(/_/g, ''))
}

/** Follows a path through decoded objects (Ruby's `dig`): a missing step or a scalar in the way gives undefined. */
export function dig(record: unknown, path: readonly PathStep[]): unknown {
  let value = record
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return undefined
      value = value[step < 0 ? value.length + step : step]
    } else {
      if (!isPlainObject(value) || !Object.hasOwn(value, step)) return undefined
      value = value[step]
    }
  }
  return value
}

/** Removes the value a path points at (Fluentd's `delete_nest`); silently does nothing if absent. */
export function deletePath(record: Record<string, unknown>, path: readonly PathStep[]): void {
  const parent = path.length === 1 ? record : dig(record, path.slice(0, -1))
  const last = path[path.length - 1]
  if (Array.isArray(parent) && typeof last === 'number') {
    const i = last < 0 ? parent.length + last : last
    if (i >= 0 && i < parent.length) parent.splice(i, 1)
  } else if (isPlainObject(parent) && typeof last === 'string') {
    delete parent[last]
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
