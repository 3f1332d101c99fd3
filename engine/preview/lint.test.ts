/**
 * @module Draft-mode warnings: unreachable matches, filters after a catch-all match, unused
 * labels, relabel loops; pattern coverage only when certain; and the validation that wraps them.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../config/parse.ts'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { covers, lintModel } from './lint.ts'
import { PatternTester } from './patterns.ts'
import { testCheckRegistry } from './testing.ts'
import { validateModel } from './validate.ts'

let core: Core
let tester: PatternTester
beforeAll(async () => {
  core = await loadCore()
  tester = new PatternTester(core)
})
afterAll(() => tester.free())

const lint = (text: string, disabled?: Set<string>) => {
  const parsed = parseConfig(text, 'fluent.conf')
  return lintModel(core, parsed.config, parsed.locs, disabled).map((d) => `${d.code} ${d.path} line ${d.line}: ${d.message}`)
}

describe('covers', () => {
  it.each([
    ['**', 'anything.at.all', true],
    ['a.**', 'a', true],
    ['a.**', 'a.b.c', true],
    ['a.**', 'a.*', true],
    ['a.**', 'a.{b,c}.**', true],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.*', 'a.**', false],
    ['{a,b}.x', 'a.x', true],
    ['a.b', 'a.*', false],
    ['/app\\..*/', 'app.web', true],
    ['/app\\..*/', 'app.*', false],
    ['**.log', 'x.log', true],
  ])('%s covers %s: %s', (a, b, expected) => {
    expect(covers(tester, a, b)).toBe(expected)
  })
})

describe('lintModel', () => {
  it('flags a match after a catch-all and a filter after it, naming the match and its line', () => {
    expect(
      lint(`<match app.**>
  @type null
</match>
<filter app.web>
  @type grep
</filter>
<match app.web app.db>
  @type stdout
</match>
<match other>
  @type stdout
</match>`),
    ).toEqual([
      'filter-after-match 1 line 4: <filter app.web> never runs: <match app.**> (line 1) above catches every tag it would, and filters after the match are not applied',
      'unreachable-match 2 line 7: <match app.web app.db> never matches: <match app.**> (line 1) above catches every tag it would (first match wins)',
    ])
  })

  it('uses several earlier matches together, and ignores disabled ones', () => {
    const text = '<match a.**>\n  @type null\n</match>\n<match b.**>\n  @type null\n</match>\n<match {a,b}.x>\n  @type null\n</match>\n'
    expect(lint(text)).toHaveLength(1)
    expect(lint(text, new Set(['0']))).toEqual([])
  })

  it('flags labels nothing sends to (not @ERROR) and relabel loops', () => {
    expect(
      lint(`<source>
  @type forward
  @label @IN
</source>
<label @IN>
  <match **>
    @type relabel
    @label @IN
  </match>
</label>
<label @UNUSED>
  <match **>
    @type null
  </match>
</label>
<label @ERROR>
  <match **>
    @type null
  </match>
</label>`),
    ).toEqual([
      'relabel-loop 1/0 line 6: relabel into its own label @IN sends events around in a loop',
      'unused-label 2 line 11: no @label sends events to <label @UNUSED>: its outputs are never reached',
    ])
  })
})

describe('validateModel', () => {
  it('reports unknown params, unknown plugins, structure errors and lint warnings with lines and paths', () => {
    const parsed = parseConfig(
      `<source>
  @type forward
  prot 24224
</source>
<filter **>
  @type grpe
</filter>
<match **>
</match>
<match x>
  @type stdout
</match>`,
      'fluent.conf',
    )
    const out = validateModel(core, parsed.config, parsed.locs, testCheckRegistry()).map(
      (d) => `${d.severity} ${d.code} ${d.path} line ${d.line}: ${d.message}`,
    )
    // sluice check's order: errors by line, then warnings; then the draft lint.
    expect(out).toEqual([
      "error unknown-plugin 1 line 6: unknown filter plugin 'grpe'",
      'error structure 2 line 8: missing @type in <match **>',
      "warning unknown-param 0 line 3: parameter 'prot' in <source> is not used",
      'warning unreachable-match 3 line 10: <match x> never matches: <match **> (line 8) above catches every tag it would (first match wins)',
    ])
  })

  it('refuses what sluice check and the daemon refuse: a descriptor check (port 342249) and <system>', () => {
    const parsed = parseConfig(
      '<system>\n  http_port 99999\n</system>\n<source>\n  @type forward\n  port 342249\n</source>\n<match **>\n  @type forward\n  <server>\n    host h\n    port 0\n  </server>\n</match>\n',
      'fluent.conf',
    )
    expect(
      validateModel(core, parsed.config, parsed.locs, testCheckRegistry()).map(
        (d) => `${d.severity} ${d.path} line ${d.line}: ${d.message}`,
      ),
    ).toEqual([
      'error 0 line 2: http_port 99999 is not a port',
      "error 1 line 6: cannot configure input plugin 'forward': port 342249 is out of range 0..65535",
      "error 2/0 line 12: cannot configure output plugin 'forward': <server> h: port 0 is out of range 1..65535",
    ])
  })

  it('leaves disabled directives out', () => {
    const parsed = parseConfig('<match **>\n</match>\n<match x>\n  @type stdout\n</match>\n', 'fluent.conf')
    expect(validateModel(core, parsed.config, parsed.locs, testCheckRegistry(), { disabled: new Set(['0']) })).toEqual([])
  })
})
