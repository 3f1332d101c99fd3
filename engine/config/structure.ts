/**
 * @module Directive-level checks Fluentd makes before any plugin is configured: which directives
 * may appear where, `@type` on source/match/filter, <label> and <worker> arguments, @label targets.
 */
import { ConfigError, type SourcePosition } from './errors.ts'
import { getParam, type ConfigElement, type ConfigLocs, type ConfigModel } from './model.ts'
import { closest } from './suggest.ts'
import { parseInteger } from './types.ts'

const TOP_LEVEL = ['source', 'match', 'filter', 'label', 'system', 'worker']
const IN_WORKER = ['source', 'match', 'filter', 'label']
const IN_LABEL = ['filter', 'match']
const NEEDS_TYPE = ['source', 'match', 'filter']

/**
 * Returns the structural errors of a config (plugin params are checked by plugin schemas).
 *
 * @example
 * const errors = checkStructure(result.config, result.locs)
 */
export function checkStructure(model: ConfigModel, locs?: ConfigLocs): ConfigError[] {
  const errors: ConfigError[] = []
  const at = (element: ConfigElement, key?: string): SourcePosition & { includedFrom?: readonly SourcePosition[] } => {
    const loc = locs?.get(element)
    return (key ? loc?.params.get(key) : undefined) ?? loc ?? { file: '(model)', line: 0 }
  }
  const report = (pos: ReturnType<typeof at>, reason: string, hint: string) =>
    errors.push(new ConfigError({ file: pos.file, line: pos.line, reason, hint, includedFrom: pos.includedFrom }))

  const root = model.root
  for (const key of Object.keys(root.params)) {
    report(at(root, key), `param ${key} outside any directive`, 'params go inside a section such as <source> or <match>')
  }
  const system = root.elements.find((e) => e.name === 'system')
  const workersText = system ? getParam(system, 'workers') : undefined
  const workersParsed = workersText === undefined ? undefined : parseInteger(workersText)
  const workers = workersParsed?.ok ? workersParsed.value : 1

  const labels = new Map<string, ConfigElement>()
  const usedWorkers = new Set<number>()
  const directive = (element: ConfigElement, allowed: string[], where: string): void => {
    if (!allowed.includes(element.name)) {
      const suggestion = closest(element.name, allowed)
      report(
        at(element),
        `<${element.name}> is not allowed ${where}`,
        suggestion ? `did you mean <${suggestion}>?` : `allowed here: ${allowed.map((n) => `<${n}>`).join(', ')}`,
      )
      return
    }
    if (NEEDS_TYPE.includes(element.name) && !getParam(element, '@type')) {
      report(
        at(element),
        `missing @type in <${element.name}${element.arg ? ' ' + element.arg : ''}>`,
        `add a line such as @type ${element.name === 'source' ? 'forward' : 'stdout'}`,
      )
    }
    if (element.name === 'label') checkLabel(element)
    if (element.name === 'worker') checkWorker(element)
  }
  const checkLabel = (label: ConfigElement): void => {
    const name = label.arg
    if (name === '') report(at(label), '<label> needs a name', 'write <label @NAME>')
    else if (name === '@ROOT') {
      report(at(label), '<label @ROOT> is not permitted', '@ROOT is reserved for sending events back to the top-level routes')
    } else if (labels.has(name)) {
      report(at(label), `<label ${name}> appears twice`, `the first one is at line ${at(labels.get(name)!).line}; merge them`)
    } else labels.set(name, label)
    for (const child of label.elements) directive(child, IN_LABEL, `inside <label ${name}>`)
    if (!label.elements.some((e) => e.name === 'match')) {
      report(at(label), `<label ${name}> has no <match>`, 'a label needs at least one <match> to send its events somewhere')
    }
  }
  const checkWorker = (worker: ConfigElement): void => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(worker.arg.trim())
    if (!m) {
      report(
        at(worker),
        worker.arg === '' ? '<worker> needs a worker id' : `invalid worker id ${JSON.stringify(worker.arg)}`,
        'write <worker N> or <worker N-M>',
      )
    } else {
      const first = Number(m[1])
      const last = m[2] === undefined ? first : Number(m[2])
      if (first > last) {
        report(at(worker), `<worker ${worker.arg}>: ${first} is greater than ${last}`, 'write the smaller id first: <worker N-M>')
      }
      for (let id = first; id <= last; id++) {
        if (id >= workers) {
          report(
            at(worker),
            `worker id ${id} in <worker ${worker.arg}> is out of range`,
            `<system> workers is ${workers}, so ids are 0 to ${workers - 1}`,
          )
          break
        }
        // Fluentd checks collisions between <worker N-M> ranges only (a <worker N> may repeat or overlap).
        if (m[2] === undefined) continue
        if (usedWorkers.has(id)) {
          report(at(worker), `worker id ${id} is in two <worker N-M> ranges`, 'give each worker at most one <worker N-M> range')
        }
        usedWorkers.add(id)
      }
    }
    for (const child of worker.elements) directive(child, IN_WORKER, `inside <worker ${worker.arg}>`)
  }

  for (const element of root.elements) directive(element, TOP_LEVEL, 'at the top level')

  const visit = (element: ConfigElement): void => {
    const target = getParam(element, '@label')
    if (target !== undefined && target !== '@ROOT' && !labels.has(target)) {
      const suggestion = closest(target, [...labels.keys()])
      report(
        at(element, '@label'),
        `@label ${target} refers to no <label>`,
        suggestion ? `did you mean ${suggestion}?` : `define <label ${target}> or use @ROOT`,
      )
    }
    element.elements.forEach(visit)
  }
  visit(root)
  return errors
}
