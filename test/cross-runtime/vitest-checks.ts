/**
 * @module Turns the results of runCoreChecks and runParserChecks (from whichever runtime ran them)
 * into one vitest test per check, so each check passes or fails on its own in the Node, workerd
 * and Chromium suites.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { CORE_CHECK_NAMES, type CheckResult } from './core-checks.ts'
import { PARSER_CHECK_NAMES } from './parser-checks.ts'

/** Declares a describe block with one test per core check; `run` produces the results once. */
export function describeCoreChecks(runtime: string, run: () => Promise<CheckResult[]>): void {
  describeChecks('core', CORE_CHECK_NAMES, runtime, run)
}

/** Declares a describe block with one test per parser check; `run` produces the results once. */
export function describeParserChecks(runtime: string, run: () => Promise<CheckResult[]>): void {
  describeChecks('parser', PARSER_CHECK_NAMES, runtime, run)
}

function describeChecks(kind: string, names: readonly string[], runtime: string, run: () => Promise<CheckResult[]>): void {
  describe(`${kind} checks in ${runtime}`, () => {
    let results: CheckResult[] = []
    let failure: unknown = null

    beforeAll(async () => {
      try {
        results = await run()
      } catch (e) {
        failure = e
      }
    })

    it('every check ran and reported once', () => {
      if (failure) throw failure
      expect(results.map((r) => r.name)).toEqual([...names])
    })

    it.each(names.map((name) => [name]))('%s', (name) => {
      if (failure) throw failure
      const result = results.find((r) => r.name === name)
      expect(result, `no result for "${name}"`).toBeDefined()
      expect(result!.ok, `${runtime}: ${name}: ${result!.detail}`).toBe(true)
    })
  })
}
