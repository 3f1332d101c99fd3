/**
 * @module Runs the cross-runtime parser checks INSIDE workerd (zones through workerd's Intl, the
 * same JSON reader and msgpack writer), against the literals the Node suite checks too.
 */
import { describe, expect, it } from 'vitest'
import { PARSER_CHECK_NAMES, runParserChecks } from '../cross-runtime/parser-checks.ts'

describe('parser checks in workerd', () => {
  it('runs inside workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
  })

  const results = runParserChecks()
  it.each(PARSER_CHECK_NAMES.map((name) => [name]))('%s', (name) => {
    const result = results.find((r) => r.name === name)!
    expect(result.ok, result.detail).toBe(true)
  })
})
