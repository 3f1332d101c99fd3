/**
 * @module Tests of the canonical model: toJson/fromJson, validation errors with JSON paths and
 * hints, and param helpers that are safe for any key.
 */
import { describe, expect, it } from 'vitest'
import { ConfigJsonError, createElement, emptyModel, fromJson, getParam, setParam, toJson } from './model.ts'
import { parseConfig } from './parse.ts'

function issues(value: unknown): string[] {
  try {
    fromJson(value)
  } catch (error) {
    if (error instanceof ConfigJsonError) return error.issues.map((i) => `${i.path}: ${i.message}; hint: ${i.hint}`)
    throw error
  }
  return []
}

describe('config model', () => {
  it('toJson gives plain data that fromJson reads back', () => {
    const { config } = parseConfig('<match a.**>\n  @type stdout\n  <format>\n    @type json\n  </format>\n</match>\n', 'f.conf')
    const json = toJson(config)
    expect(json).not.toBe(config)
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      version: 1,
      root: {
        name: 'ROOT',
        arg: '',
        params: {},
        elements: [
          {
            name: 'match',
            arg: 'a.**',
            params: { '@type': 'stdout' },
            elements: [{ name: 'format', arg: '', params: { '@type': 'json' }, elements: [] }],
          },
        ],
      },
    })
    expect(fromJson(JSON.stringify(json))).toEqual(config)
    expect(fromJson(json)).toEqual(config)
  })

  it('reports every problem with its JSON path and a hint', () => {
    expect(
      issues({
        version: 2,
        extra: true,
        root: {
          name: 'ROOT',
          arg: '',
          params: { port: 24224, ok: 'yes', '@include': 'x.conf' },
          elements: [{ name: 'bad-name', arg: null, params: [], elements: {} }, 'nope'],
          children: [],
        },
      }),
    ).toEqual([
      '$.version: unsupported version 2; hint: this sluice reads config model version 1',
      '$.extra: unknown field "extra"; hint: a config has only "version" and "root"',
      '$.root.children: unknown field "children"; hint: an element has only "name", "arg", "params" and "elements"',
      '$.root.params.port: expected a string, got number 24224; hint: params are strings as written in .conf, e.g. "24224"',
      '$.root.params["@include"]: @include is not a param; hint: the model holds the expanded config: inline the included file',
      '$.root.elements[0].name: invalid section name "bad-name"; hint: section names use only letters, digits and _ (e.g. "match", "buffer")',
      '$.root.elements[0].arg: expected a string, got null; hint: use "" for a section without argument',
      '$.root.elements[0].params: expected an object, got an array; hint: params is { "key": "value" } with string values',
      '$.root.elements[0].elements: expected an array, got an object; hint: use [] for a section without nested sections',
      '$.root.elements[1]: expected an element object, got string "nope"; hint: an element is { "name", "arg", "params", "elements" }',
    ])
  })

  it('reports a missing version, a wrong root and non-JSON text', () => {
    expect(issues({ root: { name: 'match', arg: 'a', params: {}, elements: [] } })).toEqual([
      '$.version: missing; hint: this sluice reads config model version 1',
      '$.root: the root element must be named "ROOT" with an empty arg, got <match a>; hint: put directives such as <source> and <match> in root.elements',
    ])
    expect(issues('{"version": 1,')[0]).toMatch(/^\$: not JSON text: .+; hint: pass the output of JSON.stringify\(toJson\(model\)\)$/)
    expect(issues(null)).toEqual(['$: expected an object, got null; hint: a config is { "version": 1, "root": { ... } }'])
  })

  it('stores any key as an own param, including __proto__', () => {
    const element = createElement('record')
    setParam(element, '__proto__', 'x')
    setParam(element, 'constructor', 'y')
    expect(Object.keys(element.params)).toEqual(['__proto__', 'constructor'])
    expect(getParam(element, '__proto__')).toBe('x')
    expect(getParam(createElement('record'), 'toString')).toBeUndefined()
    const model = emptyModel()
    model.root.elements.push(element)
    expect(fromJson(JSON.stringify(toJson(model))).root.elements[0].params).toEqual(element.params)
  })
})
