/**
 * @module Secret params present in a config (schemas mark them `secret: true`, e.g. shared_key,
 * password): the share dialog warns before they go into a link.
 */

import { getParam, type ConfigElement, type ConfigLocs } from '../../../../engine/config/model.ts'
import type { PluginSchema } from '../../../../engine/config/schema.ts'
import { findPlugin } from './catalog.ts'
import type { DesignDoc } from './document.ts'

export interface SecretUse {
  param: string
  line: number | undefined
}

const KIND: Record<string, 'input' | 'filter' | 'output'> = { source: 'input', filter: 'filter', match: 'output', store: 'output' }

/** Secret params that have a value, with their lines. */
export function secretParams(doc: DesignDoc, locs?: ConfigLocs): SecretUse[] {
  const out: SecretUse[] = []
  const check = (e: ConfigElement, schema: PluginSchema | undefined): void => {
    if (schema === undefined) return
    for (const p of schema.params) {
      if (p.secret && getParam(e, p.name)) out.push({ param: p.name, line: locs?.get(e)?.params.get(p.name)?.line })
    }
    for (const child of e.elements) {
      const type = getParam(child, '@type')
      const kind = KIND[child.name]
      check(child, type && kind ? findPlugin(kind, type)?.schema : schema.sections?.find((s) => s.name === child.name)?.schema)
    }
  }
  const visit = (elements: readonly ConfigElement[]): void => {
    for (const e of elements) {
      if (e.name === 'label' || e.name === 'worker') visit(e.elements)
      const kind = KIND[e.name]
      const type = getParam(e, '@type')
      if (kind && type) check(e, findPlugin(kind, type)?.schema)
    }
  }
  visit(doc.model.root.elements)
  // Params named like secrets are flagged even when a schema does not say so.
  const named = /(^|_)(password|passwd|secret|shared_key|token|api_key|private_key_passphrase)$/
  const walk = (e: ConfigElement): void => {
    for (const [k, v] of Object.entries(e.params)) {
      if (v && named.test(k) && !out.some((s) => s.param === k && s.line === locs?.get(e)?.params.get(k)?.line)) {
        out.push({ param: k, line: locs?.get(e)?.params.get(k)?.line })
      }
    }
    e.elements.forEach(walk)
  }
  walk(doc.model.root)
  return out
}
