/**
 * @module Tests of the .conf printer: layout, quoting only when needed, and the property that
 * parsing printed text gives back the model, for any model (fast-check).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createElement, fromJson, RESERVED_PARAMS, ROOT_NAME, toJson, type ConfigElement, type ConfigModel } from './model.ts'
import { parseConfig } from './parse.ts'
import { formatArg, formatKey, formatValue, printConfig } from './print.ts'

function model(...elements: ConfigElement[]): ConfigModel {
  return { version: 1, root: createElement(ROOT_NAME, '', {}, elements) }
}

/** Parses printed text (which must parse cleanly) back to a model. */
function reparse(text: string): ConfigModel {
  const result = parseConfig(text, 'printed.conf')
  expect(result.errors.map(String)).toEqual([])
  expect(result.warnings.map(String)).toEqual([])
  return result.config
}

describe('printConfig', () => {
  it('prints sections with 2-space indentation, params before sections, blank lines between directives', () => {
    const m = model(
      createElement('source', '', { '@type': 'forward', port: '24224' }),
      createElement('match', 'app.**', { '@type': 'forward' }, [
        createElement('server', '', { host: '10.0.0.1' }),
        createElement('buffer', 'tag,time', { timekey: '1h' }),
      ]),
    )
    expect(printConfig(m)).toBe(
      [
        '<source>',
        '  @type forward',
        '  port 24224',
        '</source>',
        '',
        '<match app.**>',
        '  @type forward',
        '  <server>',
        '    host 10.0.0.1',
        '  </server>',
        '  <buffer tag,time>',
        '    timekey 1h',
        '  </buffer>',
        '</match>',
        '',
      ].join('\n'),
    )
  })

  it('prints an empty model as empty text', () => {
    expect(printConfig(model())).toBe('')
  })

  it.each([
    ['plain', 'plain'],
    ['a b  c', 'a b  c'],
    ['a#b', 'a#b'],
    ['C:\\dir\\n', 'C:\\dir\\n'],
    ['/^(?<x>[^ ]*) "(?<y>.*)"$/', '/^(?<x>[^ ]*) "(?<y>.*)"$/'],
    ['', '""'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['a #b', '"a #b"'],
    ['#start', '"#start"'],
    ['"quoted"', '"\\"quoted\\""'],
    ["'single'", '"\'single\'"'],
    ['line1\nline2', '"line1\\nline2"'],
    ['cr\r', '"cr\\r"'],
    ['tab\tx\\y', 'tab\tx\\y'],
    ['#{ENV["X"]}', '"\\#{ENV\\"X\\"]}"'.replace('\\"X', '[\\"X')],
    ['[1,2]', '[1,2]'],
    ['{"a":"b c"}', '{"a":"b c"}'],
    ['[1, 2]', '"[1, 2]"'],
    ['[not json', '"[not json"'],
    ['["#{x}"]', '"[\\"\\#{x}\\"]"'],
  ])('formats the value %j as %s', (value, printed) => {
    expect(formatValue(value)).toBe(printed)
  })

  it.each([
    ['port', false, 'port'],
    ['@type', false, '@type'],
    ['my key', false, '"my key"'],
    ['', false, '""'],
    ['#k', false, '"#k"'],
    ['<k', false, '"<k"'],
    ['include', true, '"include"'],
    ['include', false, 'include'],
  ])('formats the key %j (top level: %s) as %s', (key, atTop, printed) => {
    expect(formatKey(key, atTop)).toBe(printed)
  })

  it.each([
    ['app.** other.*', 'app.** other.*'],
    ['/^app\\.(?!debug)/', '/^app\\.(?!debug)/'],
    ['a>b', '"a>b"'],
    ['#x', '"#x"'],
    [' x', '" x"'],
  ])('formats the argument %j as %s', (arg, printed) => {
    expect(formatArg(arg)).toBe(printed)
  })

  it('gives back the same model for values that need quoting', () => {
    const params = {
      lead: '  padded  ',
      hash: 'a #b',
      quotes: `"double" and 'single'`,
      backslashes: '\\ \\\\ \\n',
      breaks: 'one\ntwo\r\nthree',
      controls: '\t\f\b\0',
      code: '#{ENV["HOME"]}',
      empty: '',
      json: '{"k":[1,2.50,"x y"]}',
      notJson: '{"k": 1}',
      'odd key': 'v',
    }
    const m = model(createElement('match', 'a>b #c', params, [createElement('store', ' spaced ')]))
    expect(reparse(printConfig(m))).toEqual(m)
  })

  it('parse(print(m)) deep-equals m for any model', () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9_]{1,8}$/)
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', ' ', '#', '#{x}', '[1,2]', '{"a":1}', '[', '"', "'", '\\', 'a #b', '\n'),
    )
    const key = fc.oneof(
      fc.constantFrom(...RESERVED_PARAMS),
      text.filter((k) => !k.startsWith('@')),
    )
    const params = fc.dictionary(key, text, { maxKeys: 5 })
    const element = (depth: number): fc.Arbitrary<ConfigElement> =>
      fc
        .record({
          name,
          arg: text,
          params,
          elements: depth === 0 ? fc.constant<ConfigElement[]>([]) : fc.array(element(depth - 1), { maxLength: 3 }),
        })
        .map((e) => createElement(e.name, e.arg, e.params, e.elements))
    const models = fc
      .record({ params, elements: fc.array(element(2), { maxLength: 3 }) })
      .map(({ params: p, elements }): ConfigModel => ({ version: 1, root: createElement(ROOT_NAME, '', p, elements) }))
    fc.assert(
      fc.property(models, (m) => {
        const printed = printConfig(m)
        const back = reparse(printed)
        expect(back).toEqual(m)
        expect(JSON.stringify(back)).toBe(JSON.stringify(m))
        expect(printConfig(fromJson(JSON.stringify(toJson(back))))).toBe(printed)
      }),
      { numRuns: 300 },
    )
  })
})
