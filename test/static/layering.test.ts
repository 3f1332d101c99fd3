/**
 * @module The layering rules of ARCHITECTURE.md, checked over every source file of the tree
 * (TypeScript, .mjs and .svelte; static imports, re-exports, dynamic `import()` and Vite's
 * `import.meta.glob`): the runtimes (node-server, edge, ui) share only engine/ and wasm/; engine/ and
 * wasm/ import no runtime and nothing runtime-specific; a plugin imports the engine, never another
 * plugin; production code never imports test helpers or the reference oracle.
 */

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface Import {
  from: string
  /** Repo-relative path of a relative import, or the bare specifier (`node:fs`, `hono`). */
  to: string
  bare: boolean
  line: number
}

const SOURCE = /\.(ts|mts|mjs|js|svelte)$/
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => SOURCE.test(f) && !f.startsWith('node_modules/') && !f.includes('/node_modules/') && !f.startsWith('test/fixtures/'))

const SPECIFIERS = [
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\.meta\.glob\s*(?:<[^(]*>)?\s*\(\s*['"]([^'"]+)['"]/g,
  /\bimport\.meta\.glob\s*(?:<[^(]*>)?\s*\(\s*\[([^\]]*)\]/g,
]

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const out: Import[] = []
  for (const pattern of SPECIFIERS) {
    for (const m of text.matchAll(pattern)) {
      const specs = m[1].includes(',') || m[1].includes("'") ? [...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1]) : [m[1]]
      const line = text.slice(0, m.index).split('\n').length
      for (const spec of specs) {
        const bare = !spec.startsWith('.') && !spec.startsWith('/')
        const to = bare ? spec : normalize(relative(ROOT, join(ROOT, dirname(file), spec.replace(/^!/, ''))))
        out.push({ from: file, to, bare, line })
      }
    }
  }
  return out
}

const IMPORTS = files.flatMap(importsOf)

const isTest = (f: string) =>
  /\.test\.ts$|\.cases\.ts$/.test(f) ||
  f.startsWith('test/') ||
  f.startsWith('bench/') ||
  f.startsWith('edge/test/') ||
  f.startsWith('edge/bench/')
const isTestHelper = (f: string) => /(^|\/)testing(\.ts|\/)/.test(f) || /(^|\/)testing\/|-cases\//.test(f)
const layer = (f: string): string => {
  if (f.startsWith('edge/src/')) return 'edge'
  if (f.startsWith('ui/src/')) return 'ui'
  return f.split('/')[0]
}
/** `in_forward`, `out_file`, `filter_grep`, `parser_json`, `formatter_ltsv` … of any runtime. */
const pluginFolder = (f: string): string | null => {
  const m = /^(?:engine\/plugins|node-server\/plugins|edge\/src\/plugins)\/((?:in|out|filter|parser|formatter)_[^/]+)\//.exec(f)
  return m ? m[0] : null
}

function violations(rule: (i: Import) => string | null): string[] {
  const out: string[] = []
  for (const i of IMPORTS) {
    const why = rule(i)
    if (why !== null) out.push(`${i.from}:${i.line} imports ${i.to} — ${why}`)
  }
  return out
}

describe('layering', () => {
  it('reads the whole tree, including .svelte files and import.meta.glob', () => {
    expect(files.some((f) => f.endsWith('.svelte'))).toBe(true)
    expect(IMPORTS.some((i) => i.from === 'ui/src/lib/config/catalog.ts' && i.to.startsWith('engine/plugins/*'))).toBe(true)
  })

  it('engine/ and wasm/ import no runtime folder and nothing runtime-specific', () => {
    const found = violations((i) => {
      const from = layer(i.from)
      if ((from !== 'engine' && from !== 'wasm') || isTest(i.from) || isTestHelper(i.from)) return null
      if (i.from === 'wasm/load-node.ts' || i.from === 'wasm/load-browser.ts') return null // the per-runtime loaders
      if (i.bare) return /^(node:|cloudflare:)/.test(i.to) ? 'a runtime-specific module' : null
      return ['node-server', 'edge', 'ui', 'test', 'bench', 'scripts'].includes(layer(i.to))
        ? `${layer(i.to)} is not below the engine`
        : null
    })
    expect(found).toEqual([])
  })

  it('the runtimes share only engine/ and wasm/', () => {
    const found = violations((i) => {
      const from = layer(i.from)
      if (!['node-server', 'edge', 'ui'].includes(from) || isTest(i.from) || i.bare) return null
      const to = layer(i.to)
      return ['node-server', 'edge', 'ui'].includes(to) && to !== from ? `${from} must not reach into ${to}` : null
    })
    expect(found).toEqual([])
  })

  it('a plugin imports the engine, never another plugin', () => {
    const found = violations((i) => {
      const mine = pluginFolder(i.from)
      if (mine === null || i.bare || isTest(i.from)) return null
      const theirs = pluginFolder(i.to)
      return theirs !== null && theirs !== mine ? 'plugins share code through the engine' : null
    })
    expect(found).toEqual([])
  })

  it('production code imports neither test helpers nor the reference oracle', () => {
    const found = violations((i) => {
      if (isTest(i.from) || isTestHelper(i.from) || i.bare) return null
      if (i.to.startsWith('test/')) return 'test code'
      if (isTestHelper(i.to)) return 'a test helper'
      if (i.to.startsWith('wasm/reference/') && !i.from.startsWith('wasm/reference/'))
        return 'the reference implementation is the test oracle'
      return null
    })
    expect(found).toEqual([])
  })
})
