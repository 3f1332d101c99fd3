/**
 * @module The text report of a `sluice test` run: one line per passing case, and for each failing
 * case its name, every failed expectation, what happened to the event instead and the record it
 * arrived with (so the input is never missing from a failure, as it went missing from Vector's).
 */

import { toJsonText } from '../records/value-text.ts'
import type { TestCase } from './cases.ts'
import type { CaseResult } from './run.ts'

/**
 * @example
 * report(cases, results) // '✓ debug is dropped\n✗ errors reach the aggregator\n    …\n2 tests: 1 passed, 1 failed\n'
 */
export function report(cases: readonly TestCase[], results: readonly CaseResult[]): string {
  const lines: string[] = []
  results.forEach((r, i) => {
    if (r.ok) {
      lines.push(`✓ ${r.name}`)
      return
    }
    const c = cases[i]
    lines.push(`✗ ${r.name}`)
    for (const f of r.failures) lines.push(`    ${f}`)
    lines.push(
      `    input: tag ${c.tag}${c.source ? `, source ${c.source}` : ''}, ${c.record !== undefined ? `record ${toJsonText(c.record)}` : `line ${JSON.stringify(c.line)}`}`,
    )
    r.events.forEach((e, k) => {
      const n = r.events.length > 1 ? ` ${k + 1}` : ''
      lines.push(`    actual${n}: ${e.outcome}: ${e.where}${e.why ? ` — ${e.why}` : ''}`)
      if (e.record !== null) lines.push(`    record${n} as delivered: ${toJsonText(e.record)}`)
    })
  })
  const failed = results.filter((r) => !r.ok).length
  lines.push(`${results.length} test${results.length === 1 ? '' : 's'}: ${results.length - failed} passed, ${failed} failed`)
  return lines.join('\n') + '\n'
}
