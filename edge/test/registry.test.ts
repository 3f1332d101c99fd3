/**
 * @module The edge registry (inside workerd): it registers exactly the plugins engine/schemas
 * describes for Workers, with the descriptors' schema objects.
 */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../engine/config/schema.ts'
import { descriptorsFor } from '../../engine/schemas/index.ts'
import { edgeRegistry } from '../src/registry.ts'
import { platform } from './support.ts'

describe('edgeRegistry', () => {
  it('registers exactly the plugins engine/schemas describes for workers', () => {
    const specs = edgeRegistry(platform({})).all()
    const described = descriptorsFor('workers')
    expect(specs.map((s) => `${s.kind}:${s.name}`).sort()).toEqual(described.map((d) => `${d.kind}:${d.name}`).sort())
    for (const spec of specs) {
      const descriptor = described.find((d) => d.kind === spec.kind && d.name === spec.name)
      expect(spec.schema, spec.name).toBe(descriptor?.schema)
      expect(spec.runtimes).toContain('workers')
      expect(checkSchema(spec.schema, spec.name)).toEqual([])
    }
  })
})
