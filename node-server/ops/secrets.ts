/**
 * @module Secret params (a schema's `secret: true`, e.g. shared_key, password) masked as Fluentd's
 * config dump does (`xxxxxx`), in a copy of the model: for `sluice check` output and the API.
 */

import { cloneElement, type ConfigElement, type ConfigModel } from '../../engine/config/model.ts'
import type { PluginSchema } from '../../engine/config/schema.ts'
import type { PluginKind, PluginRegistry } from '../../engine/plugin.ts'

export const SECRET_MASK = 'xxxxxx'

const KIND_OF: Record<string, PluginKind> = { source: 'input', filter: 'filter', match: 'output', store: 'output', secondary: 'output' }

function maskWith(element: ConfigElement, schema: PluginSchema | undefined, registry: PluginRegistry): void {
  for (const p of schema?.params ?? []) {
    if (!p.secret) continue
    for (const name of [p.name, p.alias]) {
      if (name !== undefined && Object.hasOwn(element.params, name)) element.params[name] = SECRET_MASK
    }
  }
  for (const child of element.elements) {
    const section = schema?.sections?.find((s) => s.name === child.name)
    maskElement(child, section?.schema, registry)
  }
}

function maskElement(element: ConfigElement, sectionSchema: PluginSchema | undefined, registry: PluginRegistry): void {
  const kind = KIND_OF[element.name]
  const type = element.params['@type']
  const spec = kind && type ? registry.get(kind, type) : undefined
  maskWith(element, spec?.schema ?? sectionSchema, registry)
}

/** A copy of the model with every secret param of a known plugin replaced by `xxxxxx`. */
export function maskSecrets(model: ConfigModel, registry: PluginRegistry): ConfigModel {
  const root = cloneElement(model.root)
  const walk = (elements: ConfigElement[]) => {
    for (const e of elements) {
      if (e.name === 'label' || e.name === 'worker') walk(e.elements)
      else maskElement(e, undefined, registry)
    }
  }
  walk(root.elements)
  return { version: model.version, root }
}
