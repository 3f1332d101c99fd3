/**
 * @module Secret params (a schema's `secret: true`, e.g. shared_key, password) masked as Fluentd's
 * config dump does (`xxxxxx`), in a copy of the model: for `sluice check` output and the API; and
 * in the config TEXT as written (comments and layout kept), for the designer reading the running
 * config without the API token.
 */

import { cloneElement, type ConfigElement, type ConfigLocs, type ConfigModel } from '../../engine/config/model.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { printConfig } from '../../engine/config/print.ts'
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

/** Where a secret param is written: its line (1-based; -1 outside the main file), name and value. */
function secretPlaces(
  model: ConfigModel,
  locs: ConfigLocs,
  registry: PluginRegistry,
  file: string,
): { line: number; key: string; value: string }[] {
  const out: { line: number; key: string; value: string }[] = []
  const visit = (element: ConfigElement, schema: PluginSchema | undefined) => {
    for (const p of schema?.params ?? []) {
      if (!p.secret) continue
      for (const name of [p.name, p.alias]) {
        if (name === undefined || !Object.hasOwn(element.params, name)) continue
        const at = locs.get(element)?.params.get(name)
        const value = element.params[name]
        if (at !== undefined && at.file === file) out.push({ line: at.line, key: name, value })
        else out.push({ line: -1, key: name, value })
      }
    }
    for (const child of element.elements) {
      const kind = KIND_OF[child.name]
      const type = child.params['@type']
      const spec = kind && type ? registry.get(kind, type) : undefined
      visit(child, spec?.schema ?? schema?.sections?.find((s) => s.name === child.name)?.schema)
    }
  }
  const walk = (elements: readonly ConfigElement[]) => {
    for (const e of elements) {
      if (e.name === 'label' || e.name === 'worker') walk(e.elements)
      else {
        const kind = KIND_OF[e.name]
        const type = e.params['@type']
        visit(e, kind && type ? registry.get(kind, type)?.schema : undefined)
      }
    }
  }
  walk(model.root.elements)
  return out
}

/**
 * The config text with every secret value replaced by `xxxxxx` on its own line (comments, order and
 * layout kept). When a secret cannot be masked in place (a value that may span lines, or one in an
 * @include'd file), the normalized config is printed masked instead: nothing secret ever leaks.
 */
export function maskSecretsInText(text: string, registry: PluginRegistry, file = 'fluent.conf'): { text: string; masked: number } {
  const parsed = parseConfig(text, file, {})
  const places = secretPlaces(parsed.config, parsed.locs, registry, file)
  if (places.length === 0) return { text, masked: 0 }
  const lines = text.split('\n')
  for (const { line, key } of places) {
    const written = line > 0 ? (lines[line - 1] ?? '') : ''
    const m = line > 0 && written.trimStart().startsWith(`${key} `) ? /^(\s*\S+\s+)(.*)$/.exec(written) : null
    if (m === null || !singleLineValue(m[2])) return { text: printConfig(maskSecrets(parsed.config, registry)), masked: places.length }
    lines[line - 1] = `${m[1]}${SECRET_MASK}`
  }
  return { text: lines.join('\n'), masked: places.length }
}

/** A value that certainly ends on its own line (a quoted string closed there, or a plain word). */
function singleLineValue(value: string): boolean {
  const t = value.trim()
  if (t.startsWith('"')) return /^"(?:[^"\\]|\\.)*"\s*(#.*)?$/.test(t)
  if (t.startsWith("'")) return /^'[^']*'\s*(#.*)?$/.test(t)
  return !t.startsWith('[') && !t.startsWith('{')
}

/** The secret params of a config text whose value is the mask itself (`xxxxxx`), with their lines. */
export function maskPlaceholders(text: string, registry: PluginRegistry, file = 'fluent.conf'): { line: number; key: string }[] {
  const parsed = parseConfig(text, file, {})
  return secretPlaces(parsed.config, parsed.locs, registry, file).filter((p) => p.value === SECRET_MASK)
}
