/**
 * @module What a reload from one config to another will do, in the daemon's terms: the listening
 * sockets it opens, closes or hands over (a listener on the same bind:port is handed from the old
 * agent to the new one without ever closing: node-server/ops/README.md "Reload"), and the inputs,
 * filters and outputs it adds, removes or reconfigures. Read from the two models and the plugin
 * schemas (an input listens when its schema has a `port` param; its defaults come from there), so
 * a plugin that lands later is covered without code here.
 */

import { getParam, type ConfigElement, type ConfigModel } from '../config/model.ts'
import { printElement } from '../config/print.ts'
import type { CatalogEntry, ElementPath } from './types.ts'

export interface Listener {
  /** `0.0.0.0:24224` (`:0` is a port picked at start, kept across reloads for the same plugin). */
  address: string
  /** `<source @type forward @id in>` */
  plugin: string
}

export interface PluginChange {
  /** `<match app.**> @type forward @id out` (`in @LABEL` for a label's). */
  plugin: string
  /** For 'changed': the params or sections that differ. */
  detail?: string
}

export interface ReloadPlan {
  listeners: { opened: Listener[]; closed: Listener[]; kept: Listener[] }
  inputs: { added: PluginChange[]; removed: PluginChange[]; changed: PluginChange[] }
  filters: { added: PluginChange[]; removed: PluginChange[]; changed: PluginChange[] }
  outputs: { added: PluginChange[]; removed: PluginChange[]; changed: PluginChange[] }
  /** Nothing would change. */
  same: boolean
}

interface Directive {
  kind: 'input' | 'filter' | 'output'
  element: ConfigElement
  router: string
  /** Identity across configs: `@id` when written, else kind, router, type, pattern and ordinal. */
  key: string
  text: string
}

/**
 * @example
 * const plan = planReload(running.config, edited.config, catalog)
 * plan.listeners.closed // [{ address: '0.0.0.0:9880', plugin: '<source @type http>' }]
 */
export function planReload(
  before: ConfigModel,
  after: ConfigModel,
  catalog: readonly CatalogEntry[],
  disabled: { before?: ReadonlySet<ElementPath>; after?: ReadonlySet<ElementPath> } = {},
): ReloadPlan {
  const a = directives(before, disabled.before ?? new Set())
  const b = directives(after, disabled.after ?? new Set())
  const listenersOf = (list: Directive[]) =>
    new Map(
      list
        .filter((d) => d.kind === 'input')
        .flatMap((d) => listenerOf(d, catalog))
        .map((l) => [l.address, l]),
    )
  const la = listenersOf(a)
  const lb = listenersOf(b)
  const plan: ReloadPlan = {
    listeners: {
      opened: [...lb.values()].filter((l) => !la.has(l.address) || l.address.endsWith(':0')),
      closed: [...la.values()].filter((l) => !lb.has(l.address) || l.address.endsWith(':0')),
      kept: [...lb.values()].filter((l) => la.has(l.address) && !l.address.endsWith(':0')),
    },
    inputs: compare(a, b, 'input'),
    filters: compare(a, b, 'filter'),
    outputs: compare(a, b, 'output'),
    same: false,
  }
  // Port 0 listeners of the same plugin keep their port: the daemon hands the parked socket over.
  for (const l of [...plan.listeners.opened]) {
    const twin = plan.listeners.closed.find((c) => c.address === l.address && c.plugin === l.plugin)
    if (twin === undefined) continue
    plan.listeners.opened.splice(plan.listeners.opened.indexOf(l), 1)
    plan.listeners.closed.splice(plan.listeners.closed.indexOf(twin), 1)
    plan.listeners.kept.push(l)
  }
  plan.same =
    plan.listeners.opened.length + plan.listeners.closed.length === 0 &&
    [plan.inputs, plan.filters, plan.outputs].every((g) => g.added.length + g.removed.length + g.changed.length === 0)
  return plan
}

function compare(a: Directive[], b: Directive[], kind: Directive['kind']): ReloadPlan['inputs'] {
  const before = new Map(a.filter((d) => d.kind === kind).map((d) => [d.key, d]))
  const after = new Map(b.filter((d) => d.kind === kind).map((d) => [d.key, d]))
  const out: ReloadPlan['inputs'] = { added: [], removed: [], changed: [] }
  for (const [key, d] of after) {
    const old = before.get(key)
    if (old === undefined) out.added.push({ plugin: describe(d) })
    else if (old.text !== d.text) out.changed.push({ plugin: describe(d), detail: changedParts(old.element, d.element) })
  }
  for (const [key, d] of before) if (!after.has(key)) out.removed.push({ plugin: describe(d) })
  return out
}

/** The directives that make plugins (worker 0 and top level; labels by name), each with a stable key. */
function directives(model: ConfigModel, disabled: ReadonlySet<ElementPath>): Directive[] {
  const out: Directive[] = []
  const seen = new Map<string, number>()
  const add = (e: ConfigElement, router: string) => {
    const kind = e.name === 'source' ? 'input' : e.name === 'filter' ? 'filter' : e.name === 'match' ? 'output' : null
    if (kind === null) return
    const id = getParam(e, '@id')
    const base = id !== undefined ? `id:${id}` : `${kind}|${router}|${getParam(e, '@type') ?? ''}|${e.arg.trim()}`
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.push({ kind, element: e, router, key: `${base}#${n}`, text: printElement(e, 0) })
  }
  const visit = (elements: readonly ConfigElement[], prefix: string, router: string) => {
    elements.forEach((e, i) => {
      const path = prefix === '' ? String(i) : `${prefix}/${i}`
      if (disabled.has(path)) return
      if (e.name === 'label') visit(e.elements, path, e.arg)
      else if (e.name === 'worker') {
        if (/^0(-\d+)?$/.test(e.arg.trim())) visit(e.elements, path, router)
      } else add(e, router)
    })
  }
  visit(model.root.elements, '', '@ROOT')
  return out
}

/** An input listens when its plugin's schema has a `port` param: bind:port, defaults from the schema. */
function listenerOf(d: Directive, catalog: readonly CatalogEntry[]): Listener[] {
  const type = getParam(d.element, '@type')
  const schema = catalog.find((c) => c.kind === 'input' && c.name === type)?.schema
  const portSpec = schema?.params.find((p) => p.name === 'port')
  if (portSpec === undefined) return []
  const bindSpec = schema?.params.find((p) => p.name === 'bind')
  const port =
    getParam(d.element, 'port') ?? (portSpec.default === undefined || portSpec.default === null ? null : String(portSpec.default))
  if (port === null) return []
  const bind = getParam(d.element, 'bind') ?? (typeof bindSpec?.default === 'string' ? bindSpec.default : '0.0.0.0')
  return [{ address: `${bind}:${port.trim()}`, plugin: describe(d) }]
}

function describe(d: Directive): string {
  const e = d.element
  const type = getParam(e, '@type') ?? '?'
  const id = getParam(e, '@id')
  const tag = e.name === 'source' ? '<source>' : `<${e.name} ${e.arg.trim() || '**'}>`
  return `${tag} @type ${type}${id ? ` @id ${id}` : ''}${d.router !== '@ROOT' ? ` in ${d.router}` : ''}`
}

/** `port 24224 → 24225, <server> changed` */
function changedParts(a: ConfigElement, b: ConfigElement): string {
  const parts: string[] = []
  const keys = new Set([...Object.keys(a.params), ...Object.keys(b.params)])
  for (const k of keys) {
    const x = a.params[k]
    const y = b.params[k]
    if (x === y) continue
    parts.push(x === undefined ? `+${k} ${y}` : y === undefined ? `−${k}` : `${k} ${x} → ${y}`)
  }
  const sections = (e: ConfigElement) => e.elements.map((c) => printElement(c, 0)).join('\n')
  if (sections(a) !== sections(b)) {
    const names = new Set([...a.elements, ...b.elements].map((c) => c.name))
    parts.push(`<${[...names].join('>, <')}> changed`)
  }
  return parts.join(', ')
}
