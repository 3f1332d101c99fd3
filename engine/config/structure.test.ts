/**
 * @module Tests of directive-level checks: allowed directives, @type, <label> and <worker>
 * arguments, and @label targets.
 */
import { describe, expect, it } from 'vitest'
import { parseConfig } from './parse.ts'
import { checkStructure } from './structure.ts'

function check(text: string): string[] {
  const result = parseConfig(text, 'fluent.conf')
  expect(result.errors).toEqual([])
  return checkStructure(result.config, result.locs).map(String)
}

describe('checkStructure', () => {
  it('accepts a config using every directive', () => {
    expect(
      check(
        [
          '<system>',
          '  workers 2',
          '</system>',
          '<source>',
          '  @type forward',
          '  @label @IN',
          '</source>',
          '<worker 1>',
          '  <match w.**>',
          '    @type null',
          '  </match>',
          '</worker>',
          '<label @IN>',
          '  <filter **>',
          '    @type stdout',
          '  </filter>',
          '  <match **>',
          '    @type relabel',
          '    @label @ROOT',
          '  </match>',
          '</label>',
          '<match **>',
          '  @type null',
          '</match>',
        ].join('\n'),
      ),
    ).toEqual([])
  })

  it('reports misplaced directives, missing @type and stray params', () => {
    expect(
      check(
        'top 1\n<sorce>\n  @type forward\n</sorce>\n<match **>\n</match>\n<label @A>\n  <source>\n    @type forward\n  </source>\n  <match **>\n    @type null\n  </match>\n</label>\n',
      ),
    ).toEqual([
      'fluent.conf:1: param top outside any directive; hint: params go inside a section such as <source> or <match>',
      'fluent.conf:2: <sorce> is not allowed at the top level; hint: did you mean <source>?',
      'fluent.conf:5: missing @type in <match **>; hint: add a line such as @type stdout',
      'fluent.conf:8: <source> is not allowed inside <label @A>; hint: allowed here: <filter>, <match>',
    ])
  })

  it('reports bad labels and unknown @label targets', () => {
    expect(
      check(
        '<source>\n  @type forward\n  @label @INGST\n</source>\n<label @INGEST>\n  <filter **>\n    @type stdout\n  </filter>\n</label>\n<label @INGEST>\n  <match **>\n    @type null\n  </match>\n</label>\n<label @ROOT>\n  <match **>\n    @type null\n  </match>\n</label>\n<label>\n  <match **>\n    @type null\n  </match>\n</label>\n',
      ),
    ).toEqual([
      'fluent.conf:5: <label @INGEST> has no <match>; hint: a label needs at least one <match> to send its events somewhere',
      'fluent.conf:10: <label @INGEST> appears twice; hint: the first one is at line 5; merge them',
      'fluent.conf:15: <label @ROOT> is not permitted; hint: @ROOT is reserved for sending events back to the top-level routes',
      'fluent.conf:20: <label> needs a name; hint: write <label @NAME>',
      'fluent.conf:3: @label @INGST refers to no <label>; hint: did you mean @INGEST?',
    ])
  })

  it('reports bad worker ids against <system> workers', () => {
    expect(
      check(
        '<system>\n  workers 2\n</system>\n<worker>\n</worker>\n<worker 1-0>\n</worker>\n<worker 0-2>\n</worker>\n<worker 0>\n  <system>\n  </system>\n</worker>\n<worker x>\n</worker>\n<worker 1-1>\n</worker>\n<worker 1>\n</worker>\n',
      ),
    ).toEqual([
      'fluent.conf:4: <worker> needs a worker id; hint: write <worker N> or <worker N-M>',
      'fluent.conf:6: <worker 1-0>: 1 is greater than 0; hint: write the smaller id first: <worker N-M>',
      'fluent.conf:8: worker id 2 in <worker 0-2> is out of range; hint: <system> workers is 2, so ids are 0 to 1',
      'fluent.conf:11: <system> is not allowed inside <worker 0>; hint: allowed here: <source>, <match>, <filter>, <label>',
      'fluent.conf:14: invalid worker id "x"; hint: write <worker N> or <worker N-M>',
      // As Fluentd: ranges must not overlap each other; a single <worker N> may repeat an id.
      'fluent.conf:16: worker id 1 is in two <worker N-M> ranges; hint: give each worker at most one <worker N-M> range',
    ])
  })
})
