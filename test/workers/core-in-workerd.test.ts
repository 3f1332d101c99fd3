/**
 * @module Runs the cross-runtime core checks INSIDE workerd: the .wasm arrives as a WebAssembly.Module
 * (as in a deployed Worker), is instantiated synchronously with Core.fromModule, and the same checks
 * run both in the test isolate and through the fixture Worker's fetch handler.
 */
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import coreModule from '../../wasm/build/core.wasm'
import { Core } from '../../wasm/core.ts'
import { type CheckResult, runCoreChecks } from '../cross-runtime/core-checks.ts'
import { describeCoreChecks } from '../cross-runtime/vitest-checks.ts'

describe('the core module in workerd', () => {
  it('runs inside workerd, not Node', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
  })

  it('arrives as a WebAssembly.Module that imports nothing', () => {
    expect(coreModule).toBeInstanceOf(WebAssembly.Module)
    expect(WebAssembly.Module.imports(coreModule)).toEqual([])
    const instance = new WebAssembly.Instance(coreModule, {})
    expect(instance.exports.memory).toBeInstanceOf(WebAssembly.Memory)
  })
})

describeCoreChecks('workerd', async () => runCoreChecks(Core.fromModule(coreModule)))

describe('the fixture Worker', () => {
  it('serves the same check results from its fetch handler', async () => {
    const worker = (exports as unknown as { default: Fetcher }).default
    const response = await worker.fetch('http://sluice.test/checks')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { userAgent: string; results: CheckResult[] }
    expect(body.userAgent).toBe('Cloudflare-Workers')
    const direct = await runCoreChecks(Core.fromModule(coreModule))
    expect(body.results).toEqual(direct)
    expect(body.results.filter((r) => !r.ok)).toEqual([])
  })

  it('answers 404 elsewhere', async () => {
    const worker = (exports as unknown as { default: Fetcher }).default
    const response = await worker.fetch('http://sluice.test/nope')
    expect(response.status).toBe(404)
    await response.arrayBuffer()
  })
})
