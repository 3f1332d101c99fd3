/**
 * @module A fuzz run of the core's JSON transcoder: a seeded mutation loop over a corpus of tricky
 * texts (splices of JSON tokens, byte flips, cuts, duplications), every result compared with the
 * reference. The bytes after the text in the region are filled with two different patterns that
 * would change a result if anything read past the end (quotes, brackets, digits, backslashes), and
 * both runs must agree. A wasm trap would throw and fail the test. Deterministic: the seed is fixed
 * (FUZZ_SEED and FUZZ_RUNS override it for longer local runs).
 */
import { describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import * as abi from '../../wasm/abi.ts'
import type { Core } from '../../wasm/core.ts'
import { readItems } from '../../wasm/json.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { referenceJson } from '../../wasm/reference/json.ts'
import type { JsonEntriesOptions } from '../../wasm/types.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20260705)
const RUNS = Number(process.env.FUZZ_RUNS ?? 4000)

/** xorshift32: a small deterministic PRNG. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1
  return (n: number) => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x % n
  }
}

const CORPUS = [
  '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
  '[{"time":1441588984.123456789,"msg":"x"},{"time":"2020-01-01","k":[1,2]},3,null]',
  '{"s":"\\u00e9\\ud83d\\ude00\\ud800\\n\\"\\\\\\/","n":-0.0,"m":12345678901234567890,"f":1e-400}',
  '{"a":1,"a":{"x":1},"b":2,"a":[3]}',
  '{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15}',
  '{"time":1}\n{"time":2.5}\r\n\n[{"a":1}]\n"x"\n{bad',
  '[[[[[[[[[[1]]]]]]]]]]',
  '  \t{"deep":{"er":{"est":[{"x":[[]]}]}}}  ',
  '2.2250738585072011e-308',
  '"\\u0000\\u001f\\u007f"',
]

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u',
  'd800',
  'true',
  'null',
  '-',
  '0',
  '1e',
  '.',
  ' ',
  '\n',
  '\r',
  '"time"',
  '\u00ff',
]

const enc = (s: string) => new TextEncoder().encode(s)

function mutate(bytes: number[], rnd: (n: number) => number): number[] {
  const b = bytes.slice()
  const edits = 1 + rnd(4)
  for (let e = 0; e < edits; e++) {
    const at = b.length === 0 ? 0 : rnd(b.length + 1)
    switch (rnd(6)) {
      case 0:
        if (b.length > 0) b[Math.min(at, b.length - 1)] = rnd(256)
        break
      case 1:
        b.splice(at, 0, ...enc(TOKENS[rnd(TOKENS.length)]))
        break
      case 2:
        b.splice(at, 1 + rnd(4))
        break
      case 3:
        b.length = Math.min(b.length, at)
        break
      case 4: {
        const from = rnd(b.length + 1)
        b.splice(at, 0, ...b.slice(from, from + 1 + rnd(16)))
        break
      }
      default:
        b.splice(at, 0, rnd(0x20))
    }
  }
  return b
}

/** Runs entries on `text` placed at the start of the aux region, with `fill` in the rest of the region. */
function entriesWithFill(core: Core, text: Uint8Array, options: JsonEntriesOptions, fill: number) {
  const ptr = core.exports.auxReserve(text.length + 64)
  const u8 = core.u8()
  u8.fill(fill, ptr, ptr + text.length + 64)
  u8.set(text, ptr)
  const p = core.createJsonParser(options)
  try {
    if (options.extras) p.setExtras(options.extras)
    const st = p.run(1, 0, text.length, options.framing === 'ranges' ? 'value' : options.framing, options.now.sec, options.now.nsec)
    return { status: st, errorOffset: p.errorOffset, entries: p.entries(), items: readItems(p) }
  } finally {
    p.free()
  }
}

describe('JSON transcoder fuzz (core vs reference)', () => {
  it(
    `${RUNS} mutated texts: same results as the reference, never a trap, nothing read past the end`,
    async () => {
      const core = await loadCore()
      const rnd = prng(SEED)
      const extras = new Uint8Array([...encode('a'), ...encode('x'), ...encode('REMOTE_ADDR'), ...encode(null)])
      let invalid = 0
      for (let run = 0; run < RUNS; run++) {
        const base = [...enc(CORPUS[rnd(CORPUS.length)])]
        const text = Uint8Array.from(mutate(base, rnd))
        const maxDepth = [1, 3, 512][rnd(3)]
        const options: JsonEntriesOptions = {
          framing: rnd(2) === 0 ? 'value' : 'lines',
          maxDepth,
          timeKey: ['time', 'a', null][rnd(3)],
          timeMode: (['float', 'unixtime', 'double'] as const)[rnd(3)],
          keepTimeKey: rnd(2) === 0,
          maxRecordBytes: rnd(4) === 0 ? 16 : undefined,
          extras: rnd(3) === 0 ? extras : undefined,
          now: { sec: 1, nsec: 2 },
        }
        const context = `run ${run} (seed ${SEED}): ${JSON.stringify(new TextDecoder().decode(text))} ${JSON.stringify({ ...options, extras: !!options.extras })}`
        const value = core.json.value(text, maxDepth)
        expect(value, context).toEqual(referenceJson.value(text, maxDepth))
        if (value.status !== 0) invalid++
        const quotes = entriesWithFill(core, text, options, 0x22)
        const digits = entriesWithFill(core, text, options, 0x31)
        const slashes = entriesWithFill(core, text, options, 0x5c)
        expect(digits, context).toEqual(quotes)
        expect(slashes, context).toEqual(quotes)
        expect(quotes, context).toEqual(referenceJson.entries(text, options))
        expect([abi.STATUS_OK, abi.STATUS_INVALID, abi.STATUS_TOO_DEEP]).toContain(quotes.status)
      }
      // the corpus and the mutations reach both outcomes
      expect(invalid).toBeGreaterThan(RUNS / 10)
      expect(invalid).toBeLessThan(RUNS)
    },
    Math.max(60_000, RUNS * 5),
  )
})
