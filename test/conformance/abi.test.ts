/**
 * @module The two sides of the ABI agree: every number assembly/abi.ts defines has the same name and
 * value in wasm/abi.ts (and nothing more there), the ABI versions match, wasm/types.ts's `Mode` and
 * `Compressed` spell the same numbers, and the built core.wasm exports exactly the functions the
 * bridge's `CoreExports` declares.
 */

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as abi from '../../wasm/abi.ts'
import { Compressed, Mode } from '../../wasm/types.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8')

/** `export const NAME: i32 = <integer or NAME or -NAME ...>` of an AssemblyScript file, evaluated in order. */
function assemblyConstants(source: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const m of source.matchAll(/^export const ([A-Z][A-Z0-9_]*)\s*:\s*\w+\s*=\s*([^\n/]+)/gm)) {
    const expr = m[2].trim().replace(/\b([A-Z][A-Z0-9_]*)\b/g, (name) => {
      const v = out.get(name)
      if (v === undefined) throw new Error(`${m[1]} refers to ${name}, which is not defined before it`)
      return String(v)
    })
    if (!/^[-+*<>|&()\s0-9xa-fA-F_]+$/.test(expr)) throw new Error(`cannot evaluate ${m[1]} = ${m[2]}`)
    out.set(m[1], Function(`return (${expr.replace(/_/g, '')})`)() as number)
  }
  return out
}

describe('ABI mirror', () => {
  const core = assemblyConstants(read('assembly/abi.ts'))
  const bridge = new Map(
    Object.entries(abi as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && e[0] !== 'ABI_VERSION'),
  )

  it('wasm/abi.ts has every constant of assembly/abi.ts with the same value, and no other', () => {
    expect([...bridge.keys()].sort()).toEqual([...core.keys()].sort())
    for (const [name, value] of core) expect(bridge.get(name), name).toBe(value)
  })

  it('the ABI versions match', () => {
    const version = /export const ABI_VERSION\s*:\s*i32\s*=\s*(\d+)/.exec(read('assembly/index.ts'))
    expect(Number(version?.[1])).toBe(abi.ABI_VERSION)
  })

  it("wasm/types.ts's Mode and Compressed spell the same numbers", () => {
    for (const [name, value] of Object.entries(Mode)) expect(value, name).toBe(core.get(`MODE_${name}`))
    for (const [name, value] of Object.entries(Compressed)) expect(value, name).toBe(core.get(`COMPRESSED_${name}`))
  })

  it('core.wasm exports exactly the functions CoreExports declares', () => {
    const module = new WebAssembly.Module(readFileSync(`${ROOT}wasm/build/core.wasm`))
    const exported = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name)
      .sort()
    const source = read('wasm/abi.ts')
    const body = source.slice(source.indexOf('export interface CoreExports {'))
    const declared = [...body.slice(0, body.indexOf('\n}')).matchAll(/^\s{2}(\w+)\(/gm)].map((m) => m[1]).sort()
    expect(exported).toEqual(declared)
  })
})
