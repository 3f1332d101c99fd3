/**
 * @module Runs the cross-runtime parser checks under Node, the baseline of the workerd suite
 * (the same expected literals).
 */
import { describe, expect, it } from 'vitest'
import { PARSER_CHECK_NAMES, runParserChecks } from './parser-checks.ts'

describe('parser checks in Node', () => {
  const results = runParserChecks()
  it.each(PARSER_CHECK_NAMES.map((name) => [name]))('%s', (name) => {
    const result = results.find((r) => r.name === name)!
    expect(result.ok, result.detail).toBe(true)
  })
})
