/**
 * @module The framer conformance suite (docs/core-abi.md §1): every case runs against the given
 * implementation and, when it is not the reference, is also compared with the reference's outcome.
 * Call `runFramerConformance(name, getFramer)` from a test file.
 */
import { describe } from 'vitest'
import type { Framer } from '../../wasm/types.ts'
import { useFramer } from './framer-cases/context.ts'
import { exampleCases } from './framer-cases/examples.ts'
import { fixtureCases } from './framer-cases/fixtures.ts'
import { limitCases } from './framer-cases/limits.ts'
import { modeCases } from './framer-cases/modes.ts'
import { optionCases } from './framer-cases/options.ts'
import { packedCases } from './framer-cases/packed.ts'
import { protocolCases } from './framer-cases/protocol.ts'
import { timeCases } from './framer-cases/times.ts'

export function runFramerConformance(name: string, getFramer: () => Framer | Promise<Framer>): void {
  describe(`framer conformance: ${name}`, () => {
    const fut = useFramer(getFramer)
    exampleCases(fut)
    protocolCases(fut)
    modeCases(fut)
    timeCases(fut)
    optionCases(fut)
    packedCases(fut)
    limitCases(fut)
    fixtureCases(fut)
  })
}
