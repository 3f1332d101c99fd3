/**
 * @module Guards the architecture rule that engine/ imports nothing runtime-specific: no node:*,
 * no cloudflare:*, no Node globals (process, Buffer, require), no DOM, in the config layer's code
 * and in the Ruby subset it evaluates (engine/ruby), which may import only each other, the
 * plugin-status table, EventTime and Ruby's to_s (engine/records/ruby-string.ts).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const dirs = {
  'engine/config': { url: new URL('./', import.meta.url), imports: /^(\.\/[\w-]+\.ts|\.\.\/ruby\/[\w-]+\.ts|\.\.\/plugin-status\.ts)$/ },
  'engine/ruby': {
    url: new URL('../ruby/', import.meta.url),
    imports: /^(\.\/[\w-]+\.ts|\.\.\/event-time\.ts|\.\.\/records\/ruby-string\.ts)$/,
  },
}

describe.each(Object.entries(dirs))('%s', (_name, { url, imports }) => {
  const sources = readdirSync(url).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  it.each(sources)('%s uses no runtime-specific API', (file) => {
    const code = readFileSync(new URL(file, url), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    expect(code).not.toMatch(/from ['"](node:|cloudflare:|fs['"]|path['"]|os['"])/)
    expect(code).not.toMatch(/\b(process|Buffer|require|window|document|navigator|__dirname)\s*[.(]/)
    expect(code).not.toMatch(/\b(eval|Function)\s*\(/)
    for (const [, path] of code.matchAll(/^(?:import|export)\b[^'"]*?\bfrom ['"]([^'"]+)['"]/gm)) {
      expect(path).toMatch(imports)
    }
  })
})
