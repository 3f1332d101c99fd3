/**
 * @module The Node registry: every shipped plugin runs on Node, has a valid schema, and is
 * registered under its Fluentd `@type`; `-p` specs replace shipped ones of the same name.
 */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../engine/config/schema.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { NODE_PLUGINS, nodeRegistry } from './registry.ts'

/** Fluentd's `@type` for each plugin we ship. */
const FLUENTD_TYPES = new Set([
  'input:forward',
  'input:http',
  'input:monitor_agent',
  'filter:grep',
  'filter:record_transformer',
  'output:forward',
  'output:http',
  'output:file',
  'output:stdout',
  'output:null',
  'output:copy',
  'output:relabel',
])

describe('nodeRegistry', () => {
  it('registers each shipped plugin once, under its Fluentd @type, with a valid schema', () => {
    const keys = NODE_PLUGINS.map((s) => `${s.kind}:${s.name}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const spec of NODE_PLUGINS) {
      expect(FLUENTD_TYPES.has(`${spec.kind}:${spec.name}`), `${spec.kind}:${spec.name}`).toBe(true)
      expect(spec.runtimes).toContain('node')
      expect(checkSchema(spec.schema, spec.name)).toEqual([])
    }
    expect(keys.sort()).toEqual([...FLUENTD_TYPES].sort())
  })

  it('lets a -p plugin replace a shipped one of the same kind and name', () => {
    const mine: PluginSpec<'input'> = {
      name: 'forward',
      kind: 'input',
      description: 'mine',
      schema: { params: [] },
      runtimes: ['node'],
      create: () => ({}),
    }
    expect(nodeRegistry([mine]).get('input', 'forward')).toBe(mine)
    expect(nodeRegistry().get('input', 'forward')).not.toBe(mine)
  })
})
