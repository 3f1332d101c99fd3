/**
 * @module Guards that engine/ingest (served by Node and by the Workers edge) and the engine
 * plugins written with it stay runtime-neutral: no node:* / cloudflare:* imports, no Node globals,
 * and only hono, @msgpack/msgpack and engine/ or wasm/ modules as dependencies. Test files and the
 * shared suite may use vitest.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const engine = new URL('../', import.meta.url)
const folders = [
  'forward',
  'ingest',
  'output/http',
  'ingest/ingest-cases',
  'plugins/filter_grep',
  'plugins/filter_record_transformer',
  'plugins/out_copy',
  'plugins/out_relabel',
]
const sources = folders.flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, engine))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => `${folder}/${f}`),
)

describe('runtime-neutral engine code', () => {
  it.each(sources)('%s', (file) => {
    const code = readFileSync(new URL(file, engine), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    expect(code).not.toMatch(/from ['"](node:|cloudflare:|fs['"]|path['"]|os['"])/)
    expect(code).not.toMatch(/\b(process|Buffer|require|window|document|__dirname)\s*[.(]/)
    for (const [, path] of code.matchAll(/^(?:import|export)\b[^'"]*?\bfrom ['"]([^'"]+)['"]/gm)) {
      const allowed = /^(hono(\/[\w-]+)?|@msgpack\/msgpack|vitest)$/.test(path) || /^\.{1,2}\//.test(path)
      expect(allowed, `${file} imports ${path}`).toBe(true)
      expect(path).not.toMatch(/node-server\/|edge\/|ui\//)
      if (path === 'vitest') expect(file).toMatch(/cases/)
    }
  })
})
