/**
 * @module The canonical config model: Fluentd's own element tree (`name`, `arg`, `params`,
 * `elements`), versioned, with source locations kept beside it (never inside the JSON).
 */
import type { SourcePosition } from './errors.ts'

export const CONFIG_MODEL_VERSION = 1

/** Section and parameter names as Fluentd's parser accepts them. */
export const ELEMENT_NAME = /^[a-zA-Z0-9_]+$/

/** The `@` params Fluentd reserves (other `@` names are errors in directives). */
export const RESERVED_PARAMS: readonly string[] = ['@type', '@id', '@label', '@log_level']

/** The name Fluentd gives the implicit top-level element. */
export const ROOT_NAME = 'ROOT'

/**
 * One `<name arg>` section. `params` keep their written order and are strings exactly as written
 * after unquoting (`@type`, `@id`, `@label`, `@log_level` keep their `@`); typing comes from schemas.
 * Integer-like keys (`"1"`) are the one exception to written order: JavaScript objects list them first.
 */
export interface ConfigElement {
  name: string
  arg: string
  params: Record<string, string>
  elements: ConfigElement[]
}

/** A whole config, with every `@include` already inlined. */
export interface ConfigModel {
  version: typeof CONFIG_MODEL_VERSION
  root: ConfigElement
}

/** Where something was written, and through which `@include` directives (outermost first). */
export interface SourceLoc extends SourcePosition {
  includedFrom: readonly SourcePosition[]
}

/** Where an element was written: its start tag, its end tag, each of its params. */
export interface ElementLoc extends SourceLoc {
  endLine?: number
  params: Map<string, SourceLoc>
}

/** Source locations of a parsed model, keyed by element object; the JSON form carries none. */
export type ConfigLocs = WeakMap<ConfigElement, ElementLoc>

/**
 * Makes an element; `params` is copied in order.
 *
 * @example
 * createElement('match', 'app.**', { '@type': 'stdout' })
 */
export function createElement(name: string, arg = '', params: Record<string, string> = {}, elements: ConfigElement[] = []): ConfigElement {
  const element: ConfigElement = { name, arg, params: {}, elements }
  for (const [key, value] of Object.entries(params)) setParam(element, key, value)
  return element
}

/** Sets a param; a repeated key keeps its first position (as Fluentd's Hash does). Safe for `__proto__`. */
export function setParam(element: ConfigElement, key: string, value: string): void {
  Object.defineProperty(element.params, key, { value, enumerable: true, writable: true, configurable: true })
}

export function hasParam(element: ConfigElement, key: string): boolean {
  return Object.hasOwn(element.params, key)
}

/** The param's value, or undefined when it is not set (never a value from Object.prototype). */
export function getParam(element: ConfigElement, key: string): string | undefined {
  return hasParam(element, key) ? element.params[key] : undefined
}

export function deleteParam(element: ConfigElement, key: string): void {
  delete element.params[key]
}

/** An empty config: `{ version: 1, root: <ROOT> }`. */
export function emptyModel(): ConfigModel {
  return { version: CONFIG_MODEL_VERSION, root: createElement(ROOT_NAME) }
}

/** Location of an element, if the model came from a parser. */
export function elementLoc(locs: ConfigLocs | undefined, element: ConfigElement): ElementLoc | undefined {
  return locs?.get(element)
}

/** Location of a param, falling back to its element's start tag. */
export function paramLoc(locs: ConfigLocs | undefined, element: ConfigElement, key: string): SourceLoc | undefined {
  const loc = locs?.get(element)
  return loc?.params.get(key) ?? loc
}

/** A deep copy with no shared objects (locations are not copied). */
export function cloneElement(element: ConfigElement): ConfigElement {
  return createElement(element.name, element.arg, element.params, element.elements.map(cloneElement))
}

/** One problem found by `fromJson`: a JSON path, what is wrong, what to do. */
export interface JsonModelIssue {
  path: string
  message: string
  hint: string
}

/** Thrown by `fromJson`; lists every problem found, not only the first. */
export class ConfigJsonError extends Error {
  readonly issues: readonly JsonModelIssue[]

  constructor(issues: readonly JsonModelIssue[]) {
    super('invalid config JSON:\n' + issues.map((i) => `  ${i.path}: ${i.message}; hint: ${i.hint}`).join('\n'))
    this.name = 'ConfigJsonError'
    this.issues = issues
  }
}

/**
 * The JSON form of a model: a plain deep copy, ready for `JSON.stringify`.
 *
 * @example
 * JSON.stringify(toJson(parseConfig(text, 'fluent.conf').config), null, 2)
 */
export function toJson(model: ConfigModel): ConfigModel {
  return { version: model.version, root: cloneElement(model.root) }
}

/**
 * Reads a model from its JSON form (a parsed value or JSON text), checking every field.
 * Throws `ConfigJsonError` listing each problem with its JSON path and a hint.
 *
 * @example
 * fromJson('{"version":1,"root":{"name":"ROOT","arg":"","params":{},"elements":[]}}')
 */
export function fromJson(value: unknown): ConfigModel {
  const issues: JsonModelIssue[] = []
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new ConfigJsonError([
        {
          path: '$',
          message: `not JSON text: ${message}`,
          hint: 'pass the output of JSON.stringify(toJson(model))',
        },
      ])
    }
  }
  if (!isPlainObject(value)) {
    issues.push({
      path: '$',
      message: `expected an object, got ${describe(value)}`,
      hint: 'a config is { "version": 1, "root": { ... } }',
    })
    throw new ConfigJsonError(issues)
  }
  if (value.version !== CONFIG_MODEL_VERSION) {
    issues.push({
      path: '$.version',
      message: value.version === undefined ? 'missing' : `unsupported version ${JSON.stringify(value.version)}`,
      hint: `this sluice reads config model version ${CONFIG_MODEL_VERSION}`,
    })
  }
  for (const key of Object.keys(value)) {
    if (key !== 'version' && key !== 'root') {
      issues.push({
        path: `$.${key}`,
        message: `unknown field ${JSON.stringify(key)}`,
        hint: 'a config has only "version" and "root"',
      })
    }
  }
  const root = readElement(value.root, '$.root', issues)
  if (root && (root.name !== ROOT_NAME || root.arg !== '')) {
    issues.push({
      path: '$.root',
      message: `the root element must be named "${ROOT_NAME}" with an empty arg, ` + `got <${root.name}${root.arg ? ' ' + root.arg : ''}>`,
      hint: 'put directives such as <source> and <match> in root.elements',
    })
  }
  if (issues.length > 0 || !root) throw new ConfigJsonError(issues)
  return { version: CONFIG_MODEL_VERSION, root }
}

const ELEMENT_FIELDS = ['name', 'arg', 'params', 'elements']

function readElement(value: unknown, path: string, issues: JsonModelIssue[]): ConfigElement | undefined {
  if (!isPlainObject(value)) {
    issues.push({
      path,
      message: `expected an element object, got ${describe(value)}`,
      hint: 'an element is { "name", "arg", "params", "elements" }',
    })
    return undefined
  }
  const before = issues.length
  for (const key of Object.keys(value)) {
    if (!ELEMENT_FIELDS.includes(key)) {
      issues.push({
        path: `${path}.${key}`,
        message: `unknown field ${JSON.stringify(key)}`,
        hint: 'an element has only "name", "arg", "params" and "elements"',
      })
    }
  }
  const { name, arg, params, elements } = value
  if (typeof name !== 'string' || !ELEMENT_NAME.test(name)) {
    issues.push({
      path: `${path}.name`,
      message: typeof name === 'string' ? `invalid section name ${JSON.stringify(name)}` : `expected a string, got ${describe(name)}`,
      hint: 'section names use only letters, digits and _ (e.g. "match", "buffer")',
    })
  }
  if (typeof arg !== 'string') {
    issues.push({
      path: `${path}.arg`,
      message: `expected a string, got ${describe(arg)}`,
      hint: 'use "" for a section without argument',
    })
  }
  const element = createElement(typeof name === 'string' ? name : '', typeof arg === 'string' ? arg : '')
  if (!isPlainObject(params)) {
    issues.push({
      path: `${path}.params`,
      message: `expected an object, got ${describe(params)}`,
      hint: 'params is { "key": "value" } with string values',
    })
  } else {
    for (const [key, v] of Object.entries(params)) {
      const at = `${path}.params${/^[A-Za-z_]\w*$/.test(key) ? '.' + key : `[${JSON.stringify(key)}]`}`
      if (key === '@include') {
        issues.push({
          path: at,
          message: '@include is not a param',
          hint: 'the model holds the expanded config: inline the included file',
        })
      } else if (typeof v !== 'string') {
        issues.push({
          path: at,
          message: `expected a string, got ${describe(v)}`,
          hint: `params are strings as written in .conf, e.g. ${JSON.stringify(String(v))}`,
        })
      } else {
        setParam(element, key, v)
      }
    }
  }
  if (!Array.isArray(elements)) {
    issues.push({
      path: `${path}.elements`,
      message: `expected an array, got ${describe(elements)}`,
      hint: 'use [] for a section without nested sections',
    })
  } else {
    elements.forEach((child, i) => {
      const read = readElement(child, `${path}.elements[${i}]`, issues)
      if (read) element.elements.push(read)
    })
  }
  return issues.length === before ? element : undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)}`
}
