/**
 * @module The Node registry: it registers exactly the plugins engine/schemas describes for Node
 * (the same schema objects), each with a valid schema, under its Fluentd `@type`; `-p` specs replace shipped ones of the same name.
 */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../engine/config/schema.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { descriptorsFor } from '../../engine/schemas/index.ts'
import { NODE_PLUGINS, nodeRegistry } from './registry.ts'

describe('nodeRegistry', () => {
  it('registers exactly the plugins engine/schemas describes for Node, each with its descriptor and a valid schema', () => {
    const keys = NODE_PLUGINS.map((s) => `${s.kind}:${s.name}`)
    expect(new Set(keys).size).toBe(keys.length)
    const described = descriptorsFor('node')
    expect(keys.sort()).toEqual(described.map((d) => `${d.kind}:${d.name}`).sort())
    for (const spec of NODE_PLUGINS) {
      const descriptor = described.find((d) => d.kind === spec.kind && d.name === spec.name)
      expect(spec.schema, spec.name).toBe(descriptor?.schema)
      expect(spec.description, spec.name).toBe(descriptor?.description)
      expect(spec.runtimes).toContain('node')
      expect(checkSchema(spec.schema, spec.name)).toEqual([])
    }
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
