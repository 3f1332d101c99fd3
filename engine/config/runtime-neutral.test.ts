/**
 * @module Guards the architecture rule that engine/ imports nothing runtime-specific: no node:*,
 * no cloudflare:*, no Node globals (process, Buffer, require), no DOM, in the config layer's code.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const dir = new URL('./', import.meta.url)
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))

describe('engine/config', () => {
  it.each(sources)('%s uses no runtime-specific API', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    expect(code).not.toMatch(/from ['"](node:|cloudflare:|fs['"]|path['"]|os['"])/)
    expect(code).not.toMatch(/\b(process|Buffer|require|window|document|navigator|__dirname)\s*[.(]/)
    for (const [, path] of code.matchAll(/^(?:import|export)\b[^'"]*?\bfrom ['"]([^'"]+)['"]/gm)) {
      expect(path).toMatch(/^\.\/[\w-]+\.ts$/)
    }
  })
})
