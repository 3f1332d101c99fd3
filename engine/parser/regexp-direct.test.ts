/**
 * @module RegexpParser writes records straight from a match when no conversion applies (no Map per
 * record): the bytes and times must be those of the Map path, which the same config takes once a
 * `types` entry (for a field no line has) turns conversions on.
 */

import { describe, expect, it } from 'vitest'
import { EntriesWriter } from '../records/entries-writer.ts'
import { buildParser, NOW } from './testing.ts'
import { failureOf } from './types.ts'

const encoder = new TextEncoder()

function outcome(parse: string, lines: string[]) {
  const parser = buildParser(parse)
  const writer = new EntriesWriter()
  const failures: (string | null)[] = []
  for (const line of lines) {
    const bytes = encoder.encode(line)
    const n = parser.parse(bytes, 0, bytes.length, writer, NOW)
    failures.push(failureOf(parser, n)?.reason ?? null)
  }
  return { entries: [...writer.bytes()], count: writer.count, failures }
}

const LINES = [
  '2024-01-02T03:04:05 alpha [client 10.0.0.1] one',
  '2024-01-02T03:04:06 beta two',
  '2024-01-02T03:04:07 gamma a value longer than thirty-one characters, with ünïcode ✓',
  'bad-time delta three',
  'no match',
]
const EXPRESSION = 'expression /^(?<time>\\S+) (?<level>\\w+)(?: \\[client (?<client>[^\\]]*)\\])? (?<message>.*)$/'

describe('RegexpParser without conversions', () => {
  const configs = [
    `${EXPRESSION}\ntime_format %Y-%m-%dT%H:%M:%S`,
    `${EXPRESSION}\ntime_format %Y-%m-%dT%H:%M:%S\nkeep_time_key true`,
    `${EXPRESSION}\ntime_key level\ntime_type string\ntime_format %Y`,
    `${EXPRESSION}\ntime_key nothing`,
    `${EXPRESSION}\ntime_key nothing\nestimate_current_event false`,
  ]
  for (const config of configs) {
    it(`writes what the Map path writes: ${config.split('\n').slice(1).join(', ') || 'defaults'}`, () => {
      const direct = outcome(`@type regexp\n${config}`, LINES)
      const viaMap = outcome(`@type regexp\n${config}\ntypes absent_field:string`, LINES)
      expect(direct).toEqual(viaMap)
      // Every line yields a record or a failure, and the cases differ in which.
      expect(direct.count + direct.failures.filter((f) => f !== null).length).toBeGreaterThanOrEqual(LINES.length)
    })
  }
})
