/**
 * @module Turns the results of runCoreChecks (from whichever runtime ran them) into one vitest test
 * per check, so each check passes or fails on its own in the Node, workerd and Chromium suites.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { CORE_CHECK_NAMES, type CheckResult } from './core-checks.ts'

/** Declares a describe block with one test per core check; `run` produces the results once. */
export function describeCoreChecks(runtime: string, run: () => Promise<CheckResult[]>): void {
  describe(`core checks in ${runtime}`, () => {
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
      expect(results.map((r) => r.name)).toEqual([...CORE_CHECK_NAMES])
    })

    it.each(CORE_CHECK_NAMES.map((name) => [name]))('%s', (name) => {
      if (failure) throw failure
      const result = results.find((r) => r.name === name)
      expect(result, `no result for "${name}"`).toBeDefined()
      expect(result!.ok, `${runtime}: ${name}: ${result!.detail}`).toBe(true)
    })
  })
}
