/**
 * @module A `<parse>` / `<format>` section that declares a param its plugin also has overrides
 * that param's default (Fluentd's `overwrite_defaults`: in_syslog's `<parse>` declares
 * `with_priority` default true, so the syslog parser reads the PRI unless the config says
 * otherwise); a written value still wins, and the param is checked once, with the plugin's type.
 */

import { describe, expect, it } from 'vitest'
import { parseConfig } from './parse.ts'
import { type PluginSchema, validateElement } from './schema.ts'

const parserSchemas: Record<string, PluginSchema> = {
  syslog: { params: [{ name: 'with_priority', type: 'bool', default: false, description: 'read the PRI' }] },
}
const plugins = { schema: (_kind: string, type: string) => parserSchemas[type], names: () => Object.keys(parserSchemas) }

const owner: PluginSchema = {
  params: [],
  sections: [
    {
      name: 'parse',
      description: 'the parser',
      init: true,
      plugin: { kind: 'parser', defaultType: 'syslog' },
      schema: {
        params: [
          { name: 'with_priority', type: 'bool', default: true, description: 'owner default' },
          { name: 'owner_only', type: 'integer', default: 3, description: 'a param only the section has' },
        ],
      },
    },
  ],
}

function parse(text: string) {
  const parsed = parseConfig(text, 'test.conf', { env: {}, hostname: 'h', workerId: 0 })
  return validateElement(parsed.config.root.elements[0], owner, parsed.locs, { plugins })
}

describe("a plugin section's own params", () => {
  it("override the plugin's defaults, written or not", () => {
    expect(parse('<source>\n</source>\n').config.parse).toEqual({ owner_only: 3, with_priority: true, '@type': 'syslog' })
    expect(parse('<source>\n  <parse>\n  </parse>\n</source>\n').config.parse).toMatchObject({ with_priority: true })
  })

  it('leave a written value alone and check it once', () => {
    expect(parse('<source>\n  <parse>\n    with_priority false\n  </parse>\n</source>\n').config.parse).toMatchObject({
      with_priority: false,
    })
    const { errors, warnings } = parse('<source>\n  <parse>\n    with_priority maybe\n  </parse>\n</source>\n')
    expect(errors).toEqual([])
    expect(warnings.map((e) => `${e.line}: ${e.reason.split(';')[0]}`)).toEqual(['3: with_priority: invalid bool "maybe"'])
  })
})
