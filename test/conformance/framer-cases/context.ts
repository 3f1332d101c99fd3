/**
 * @module The framer under test, as the conformance cases see it: `frame` / `walk` calls that also
 * check the outcome's invariants and, when the implementation is not the reference, that it equals
 * the reference's outcome field for field.
 */
import { beforeAll, expect } from 'vitest'
import { decode } from '@msgpack/msgpack'
import type { FrameOutcome, Framer, Range, WalkOutcome } from '../../../wasm/types.ts'
import { referenceFramer } from '../../../wasm/reference/framer.ts'
import { expectWellFormed, expectWellFormedWalk } from './invariants.ts'

export interface FramerUnderTest {
  /** The implementation (available once the suite's `beforeAll` ran). */
  readonly framer: Framer
  /** True when the implementation is the reference itself (no differential check). */
  readonly isReference: boolean
  frame(bytes: Uint8Array, maxFrame?: number): FrameOutcome
  walk(bytes: Uint8Array): WalkOutcome
}

/** Registers a `beforeAll` that obtains the implementation; call inside the suite's `describe`. */
export function useFramer(getFramer: () => Framer | Promise<Framer>): FramerUnderTest {
  let framer: Framer | undefined
  beforeAll(async () => {
    framer = await getFramer()
  })
  const impl = (): Framer => {
    if (framer === undefined) throw new Error('framer not loaded yet')
    return framer
  }
  return {
    get framer() {
      return impl()
    },
    get isReference() {
      return impl() === referenceFramer
    },
    frame(bytes, maxFrame) {
      const outcome = impl().frame(bytes, maxFrame)
      expectWellFormed(outcome, bytes.length)
      if (impl() !== referenceFramer) expect(outcome).toEqual(referenceFramer.frame(bytes, maxFrame))
      return outcome
    },
    walk(bytes) {
      const outcome = impl().walkEntries(bytes)
      expectWellFormedWalk(outcome, bytes.length)
      if (impl() !== referenceFramer) expect(outcome).toEqual(referenceFramer.walkEntries(bytes))
      return outcome
    },
  }
}

/** The bytes of a range. */
export const slice = (bytes: Uint8Array, r: Range): Uint8Array => bytes.subarray(r[0], r[1])

/** The bytes of a range as text (tags, chunk ids). */
export const text = (bytes: Uint8Array, r: Range | null): string | null => (r === null ? null : new TextDecoder().decode(slice(bytes, r)))

/** The msgpack object in a range, decoded by @msgpack/msgpack (64-bit ints as bigint). */
export const decodeAt = (bytes: Uint8Array, r: Range): unknown => decode(slice(bytes, r), { useBigInt64: true })
