/**
 * @module Property tests for a framer: split streams frame like whole ones, the framer agrees with
 * @msgpack/msgpack on message boundaries and records, and mutated or random bytes never break it
 * (and give the reference's outcome). Call `runFramerProperties(name, getFramer)` from a test file.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decode, decodeMulti } from '@msgpack/msgpack'
import { FrameStatus, type Framer } from '../../wasm/types.ts'
import { feed, frameOnce, splitAt } from '../helpers/feed.ts'
import { messageStream } from '../helpers/forward-arbitraries.ts'
import { be, cat } from '../helpers/msgpack-build.ts'
import { useFramer } from './framer-cases/context.ts'
import { expectWellFormed } from './framer-cases/invariants.ts'

const RUNS = 300
const cutPoints = (length: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 8 })

/** Ways to break a valid stream. */
const mutation = (bytes: Uint8Array): fc.Arbitrary<Uint8Array> => {
  const at = fc.integer({ min: 0, max: Math.max(0, bytes.length - 1) })
  const insert = (p: number, what: Uint8Array): Uint8Array => cat(bytes.subarray(0, p), what, bytes.subarray(p))
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const copy = bytes.slice()
      for (const [p, b] of flips) if (copy.length > 0) copy[p] = b
      return copy
    }),
    at.map((p) => bytes.subarray(0, p)),
    at.map((p) => insert(p, Uint8Array.of(0xc1))),
    fc
      .tuple(at, fc.constantFrom(0xc6, 0xc9, 0xdb, 0xdd, 0xdf), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
      .map(([p, head, n]) => insert(p, cat(Uint8Array.of(head), be(n, 4)))),
    fc
      .tuple(at, fc.constantFrom(0xc5, 0xc8, 0xda, 0xdc, 0xde), fc.integer({ min: 0, max: 65535 }))
      .map(([p, head, n]) => insert(p, cat(Uint8Array.of(head), be(n, 2)))),
  )
}

const maxFrames = fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 4096 }))

export function runFramerProperties(name: string, getFramer: () => Framer | Promise<Framer>): void {
  describe(`framer properties: ${name}`, () => {
    const fut = useFramer(getFramer)

    it('(a) a stream split at random points frames like one read of the whole stream', () => {
      fc.assert(
        fc.property(
          messageStream.chain((s) => fc.tuple(fc.constant(s), cutPoints(s.bytes.length))),
          ([stream, cuts]) => {
            const once = frameOnce(fut.framer, stream.bytes)
            expect(once.status).toBe(FrameStatus.OK)
            const { calls, ...fed } = feed(fut.framer, splitAt(stream.bytes, cuts))
            expect(fed).toEqual(once)
            // Every NEED_MORE was a true lower bound of the pending message's length.
            for (const c of calls) {
              if (c.outcome.status !== FrameStatus.NEED_MORE) continue
              const start = c.base + c.outcome.consumed
              const pending = once.messages.find((m) => m.start === start)
              expect(pending).toBeDefined()
              expect(c.outcome.need).toBeGreaterThan(c.length - c.outcome.consumed)
              expect(c.outcome.need).toBeLessThanOrEqual(pending!.end - pending!.start)
            }
          },
        ),
        { numRuns: RUNS },
      )
    })

    it('(b) boundaries, modes, times and records agree with what was encoded and with @msgpack/msgpack', () => {
      fc.assert(
        fc.property(messageStream, (stream) => {
          const o = fut.frame(stream.bytes)
          expect(o.status).toBe(FrameStatus.OK)
          // Packed payloads are arbitrary bytes: compare strs as raw bytes, not lenient UTF-8.
          const raw = { useBigInt64: true, rawStrings: true }
          const objects = [...decodeMulti(stream.bytes, raw)]
          expect(o.messages).toHaveLength(objects.length)
          expect(o.messages).toHaveLength(stream.messages.length)
          o.messages.forEach((m, i) => {
            // decode() refuses extra bytes and short input: the range is exactly one object.
            expect(decode(stream.bytes.subarray(m.start, m.end), raw)).toEqual(objects[i])
            expect(m.end - m.start).toBe(stream.messages[i].bytes.length)
            expect(m.mode).toBe(stream.messages[i].mode)
            const expected = stream.messages[i].events
            expect(m.events.map((e) => [e.sec, e.nsec, e.flags])).toEqual(expected.map((e) => [e.sec, e.nsec, e.flags]))
            m.events.forEach((e, j) => {
              if (expected[j].valid)
                expect(decode(stream.bytes.subarray(e.record[0], e.record[1]), { useBigInt64: true })).toEqual(expected[j].record)
            })
          })
        }),
        { numRuns: RUNS },
      )
    })

    it('(c) mutated streams: never throws, well-formed, split reads agree, same as the reference', () => {
      fc.assert(
        fc.property(
          messageStream
            .chain((s) => fc.tuple(mutation(s.bytes), maxFrames))
            .chain(([bytes, maxFrame]) => fc.tuple(fc.constant(bytes), fc.constant(maxFrame), cutPoints(bytes.length))),
          ([bytes, maxFrame, cuts]) => {
            fut.frame(bytes, maxFrame)
            const { calls, ...fed } = feed(fut.framer, splitAt(bytes, cuts), maxFrame)
            for (const c of calls) expectWellFormed(c.outcome, c.length)
            expect(fed).toEqual(frameOnce(fut.framer, bytes, maxFrame))
          },
        ),
        { numRuns: 500 },
      )
    })

    it('(c) random bytes: never throws, well-formed, same as the reference; walkEntries too', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), maxFrames, (bytes, maxFrame) => {
          fut.frame(bytes, maxFrame)
          fut.walk(bytes)
        }),
        { numRuns: 500 },
      )
    })
  })
}
