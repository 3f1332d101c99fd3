/**
 * @module The JSON transcoder conformance suite (docs/core-abi.md §4): every case runs against the
 * given implementation and, when it is not the reference, is also compared with the reference's
 * outcome. Call `runJsonConformance(name, getTranscoder)` from a test file.
 */
import { describe } from 'vitest'
import type { JsonTranscoder } from '../../wasm/types.ts'
import { useJson } from './json-cases/context.ts'
import { entriesCases } from './json-cases/entries.ts'
import { valueCases } from './json-cases/values.ts'

export function runJsonConformance(name: string, get: () => JsonTranscoder | Promise<JsonTranscoder>): void {
  describe(`JSON transcoder conformance: ${name}`, () => {
    const t = useJson(get)
    valueCases(t)
    entriesCases(t)
  })
}
