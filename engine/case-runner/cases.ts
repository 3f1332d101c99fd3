/**
 * @module The `sluice test` case file (docs/sluice-test.md): JSON or YAML, `{"tests": [case…]}`,
 * each case an event (a `record`, or a raw `line` for a parser) with the tag it arrives with and
 * what must happen to it (`expect`). Read with 64-bit integers exact; every problem is reported with
 * the case and field it is in, so a hand-written file is easy to fix.
 */

import { parseJsonLossless } from '../preview/json.ts'

export interface TestCase {
  name: string
  /** The tag the event arrives with (a source's `tag` / `add_tag_prefix` still apply). */
  tag: string
  /** Seconds since the epoch, or an ISO 8601 date; default: when the test runs. */
  time?: number | string
  /** The event's record … */
  record?: Record<string, unknown>
  /** … or a raw line, parsed by `parser`, or by the `<parse>` of the source it enters through. */
  line?: string
  /** The `<source>` the event enters through: its `@id`, `#N` (the Nth source), or `none` (the top-level routes). Default: the first source. */
  source?: string
  /** A `<parse>` section as an object, for `line`: `{"@type": "regexp", "expression": "/^(?<level>\\w+) (?<message>.*)$/"}`. */
  parser?: Record<string, unknown>
  expect: Expectation
}

/** What must happen. `dropped` / `unmatched` stand alone; `match`, `label`, `record`, `absent` combine. */
export interface Expectation {
  /** A filter removes the event. */
  dropped?: true
  /** No `<match>` of the router it reaches catches its tag. */
  unmatched?: true
  /** The `<match>` that takes it: its pattern as written (`app.**`), or its `@id`. */
  match?: string
  /** The router of that match: `@ROOT` (top level) or a label (`@AUDIT`). */
  label?: string
  /** Fields the delivered record has, with these values (other fields are not compared). */
  record?: Record<string, unknown>
  /** Fields the delivered record must not have. */
  absent?: string[]
}

export interface CaseFile {
  tests: TestCase[]
}

/** A problem in the case file, with where it is. */
export class CaseFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'CaseFileError'
  }
}

const CASE_KEYS = new Set(['name', 'tag', 'time', 'record', 'line', 'source', 'parser', 'expect'])
const EXPECT_KEYS = new Set(['dropped', 'unmatched', 'match', 'label', 'record', 'absent'])

/**
 * Reads a case file: YAML when the name ends in .yaml/.yml or the text does not start with `{`, else JSON.
 * The YAML package is imported only when a YAML file is read (a daemon never loads it).
 *
 * @example
 * await readCases('{"tests":[{"name":"debug is dropped","tag":"app","record":{"level":"debug"},"expect":{"dropped":true}}]}', 'cases.json')
 */
export async function readCases(text: string, file = 'cases.json'): Promise<CaseFile> {
  let data: unknown
  const yaml = /\.ya?ml$/i.test(file) || !/^\s*[{[]/.test(text)
  try {
    data = yaml ? smallIntegers((await import('yaml')).parse(text, { intAsBigInt: true })) : parseJsonLossless(text)
  } catch (error) {
    throw new CaseFileError([`${file}: not valid ${yaml ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`])
  }
  return checkCases(data, file)
}

/** Checks the shape of parsed case data (the designer's "keep as test" cases go through here too). */
export function checkCases(data: unknown, file = 'cases'): CaseFile {
  const problems: string[] = []
  if (!isObject(data) || !Array.isArray(data.tests)) throw new CaseFileError([`${file}: expected {"tests": [ … ]}`])
  const names = new Set<string>()
  data.tests.forEach((c: unknown, i: number) => {
    const at = `${file}: tests[${i}]`
    if (!isObject(c)) {
      problems.push(`${at}: a case is an object with name, tag, record (or line) and expect`)
      return
    }
    const where = typeof c.name === 'string' ? `${at} "${c.name}"` : at
    for (const key of Object.keys(c))
      if (!CASE_KEYS.has(key)) problems.push(`${where}: unknown key "${key}" (known: ${[...CASE_KEYS].join(', ')})`)
    if (typeof c.name !== 'string' || c.name === '') problems.push(`${where}: "name" must be a non-empty string`)
    else if (names.has(c.name)) problems.push(`${where}: another case has the same name`)
    else names.add(c.name)
    if (typeof c.tag !== 'string' || c.tag === '') problems.push(`${where}: "tag" must be a non-empty string`)
    if (c.time !== undefined && typeof c.time !== 'number' && typeof c.time !== 'string' && typeof c.time !== 'bigint')
      problems.push(`${where}: "time" must be seconds since the epoch or an ISO 8601 date`)
    if ((c.record === undefined) === (c.line === undefined))
      problems.push(`${where}: give exactly one of "record" (an object) or "line" (text)`)
    if (c.record !== undefined && !isObject(c.record)) problems.push(`${where}: "record" must be an object`)
    if (c.line !== undefined && typeof c.line !== 'string') problems.push(`${where}: "line" must be a string`)
    if (c.source !== undefined && typeof c.source !== 'string') problems.push(`${where}: "source" must be a source's @id, "#N" or "none"`)
    if (c.parser !== undefined && (!isObject(c.parser) || typeof c.parser['@type'] !== 'string'))
      problems.push(`${where}: "parser" must be an object with "@type", like a <parse> section`)
    if (c.parser !== undefined && c.line === undefined) problems.push(`${where}: "parser" is for a "line"`)
    const e = c.expect
    if (!isObject(e)) {
      problems.push(`${where}: "expect" must be an object: {"dropped": true}, {"unmatched": true} or {"match", "label", "record"}`)
      return
    }
    const keys = Object.keys(e)
    if (keys.length === 0) problems.push(`${where}: "expect" is empty`)
    for (const key of keys)
      if (!EXPECT_KEYS.has(key)) problems.push(`${where}: unknown key "expect.${key}" (known: ${[...EXPECT_KEYS].join(', ')})`)
    if (e.dropped !== undefined && e.dropped !== true) problems.push(`${where}: "expect.dropped" can only be true`)
    if (e.unmatched !== undefined && e.unmatched !== true) problems.push(`${where}: "expect.unmatched" can only be true`)
    const alone = ['dropped', 'unmatched'].filter((k) => e[k] !== undefined)
    if (alone.length > 1 || (alone.length === 1 && keys.length > 1))
      problems.push(`${where}: "expect.${alone[0]}" stands alone (a dropped or unmatched event reaches no match)`)
    for (const key of ['match', 'label'])
      if (e[key] !== undefined && (typeof e[key] !== 'string' || e[key] === '')) problems.push(`${where}: "expect.${key}" must be a string`)
    if (e.record !== undefined && !isObject(e.record)) problems.push(`${where}: "expect.record" must be an object of the fields to compare`)
    if (e.absent !== undefined && (!Array.isArray(e.absent) || e.absent.some((k: unknown) => typeof k !== 'string')))
      problems.push(`${where}: "expect.absent" must be a list of field names`)
  })
  if (problems.length > 0) throw new CaseFileError(problems)
  return { tests: data.tests as TestCase[] }
}

/** YAML integers read as bigint (exact) become numbers where a double holds them exactly. */
function smallIntegers(value: unknown): unknown {
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  if (Array.isArray(value)) return value.map(smallIntegers)
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, smallIntegers(v)]))
  return value
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
