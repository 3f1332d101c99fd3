/**
 * @module filter_record_transformer against Fluentd's own test cases: placeholders (tag, tag_parts,
 * tag_prefix/suffix, hostname, time, record["k"]), auto_typecast on and off, JSON values, keys with
 * placeholders, remove_keys / keep_keys / renew_record / renew_time_key, unknown placeholders,
 * Ruby expressions refused at config time, and failing records routed to @ERROR.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { filterRecordTransformer, rubyTimeToS } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  captures.clear()
})

const TIME = new EventTime(1272942121, 500) // 2010-05-04 03:02:01 UTC

async function transform(conf: string, records: Record<string, unknown>[], tag = 'test.tag', extra = '') {
  await running?.stop()
  captures.clear()
  running = await startAgent(
    `<filter **>\n@type record_transformer\n${conf}\n</filter>\n<match **>\n@type capture\n@id out\n</match>\n${extra}`,
    [filterRecordTransformer],
  )
  running.agent.root.emit(
    streamFromEvents(
      tag,
      records.map((record) => ({ time: TIME, record })),
    ),
  )
  return captures.get('out')!.events
}

const records = (conf: string, input: Record<string, unknown>[], tag?: string) =>
  transform(conf, input, tag).then((events) => events.map((e) => e.record))

const base = (message: unknown) => ({ foo: 'bar', message, nest: { k1: 'v1', k2: 'v2' } })
const CONFIG = `<record>
hostname \${hostname}
tag \${tag}
time \${time}
message \${hostname} \${tag_parts[-1]} \${record["message"]}
</record>`

describe('record_transformer options (Fluentd test_filter_record_transformer.rb)', () => {
  it('typical usage', async () => {
    const out = await records(CONFIG, [base('1'), base('2')])
    expect(out).toEqual(
      ['1', '2'].map((m) => ({
        foo: 'bar',
        nest: { k1: 'v1', k2: 'v2' },
        hostname: 'test-host',
        tag: 'test.tag',
        time: rubyTimeToS(TIME.sec),
        message: `test-host tag ${m}`,
      })),
    )
  })

  it('formats ${time} as Ruby Time#to_s in the local zone', () => {
    const text = rubyTimeToS(TIME.sec)
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$/)
    const [date, clock, zone] = text.split(' ')
    const sign = zone[0] === '-' ? -1 : 1
    const offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)))
    expect(Date.parse(`${date}T${clock}Z`) / 1000 - offsetMin * 60).toBe(TIME.sec)
  })

  it('remove_keys, also nested', async () => {
    expect((await records(`${CONFIG}\nremove_keys foo,message`, [base('1')]))[0]).not.toHaveProperty('foo')
    expect((await records(`${CONFIG}\nremove_keys foo,message`, [base('1')]))[0]).not.toHaveProperty('message')
    expect((await records(`${CONFIG}\nremove_keys $.nest.k1`, [base('1')]))[0].nest).toEqual({ k2: 'v2' })
  })

  it('renew_record and keep_keys (absent keys are not added)', async () => {
    const renewed = await records(`${CONFIG}\nrenew_record true`, [base('1')])
    expect(Object.keys(renewed[0]).sort()).toEqual(['hostname', 'message', 'tag', 'time'])
    const kept = await records('renew_record true\nkeep_keys foo, bar, baz, message', [base('1'), base(null)])
    expect(kept).toEqual([
      { foo: 'bar', message: '1' },
      { foo: 'bar', message: null },
    ])
  })

  it('renew_time_key, with remove_keys removing the key afterwards', async () => {
    const events = await transform('renew_time_key message', [base('1273032302.5'), base(1273032303)])
    expect(events.map((e) => [e.time.sec, e.time.nsec])).toEqual([
      [1273032302, 500_000_000],
      [1273032303, 0],
    ])
    expect(events[0].record.message).toBe('1273032302.5')
    const removed = await transform(
      'renew_time_key event_time_key\nremove_keys event_time_key\n<record>\nevent_time_key ${record["message"]}\n</record>',
      [base('1273032302')],
    )
    expect(removed[0].time.sec).toBe(1273032302)
    expect(removed[0].record).not.toHaveProperty('event_time_key')
  })

  it('parses JSON values, with placeholders inside strings and keys', async () => {
    const out = await records(
      `<record>
hash_field {"k1":100, "k2":"foobar", "\${tag}":1, "h":"\${hostname}"}
array_field [1, 2, "\${tag}"]
mixed_field [{"tag":"\${tag}"}]
bad_json "{not: json"
</record>`,
      [base('1')],
    )
    expect(out[0]).toMatchObject({
      hash_field: { k1: 100, k2: 'foobar', 'test.tag': 1, h: 'test-host' },
      array_field: [1, 2, 'test.tag'],
      mixed_field: [{ tag: 'test.tag' }],
      bad_json: '{not: json',
    })
    expect(running!.logs.some((l) => l.level === 'warn' && l.message.startsWith('failed to parse {not: json as json'))).toBe(true)
  })

  it('expands placeholders in keys', async () => {
    const out = await records('renew_record true\n<record>\n${hostname} hostname\nfoo.${tag} tag\n</record>', [base('1')])
    expect(out).toEqual([{ 'test-host': 'hostname', 'foo.test.tag': 'tag' }])
  })
})

describe('record_transformer placeholders', () => {
  it('tag_parts, tag_prefix, tag_suffix with negative indexes', async () => {
    const out = await records(
      '<record>\nmessage ${tag_parts[0]} ${tag_parts[-1]} ${tag_prefix[1]} ${tag_prefix[-2]} ${tag_suffix[2]} ${tag_suffix[-3]}\n</record>',
      [{}],
      'prefix.test.tag.suffix',
    )
    expect(out[0].message).toBe('prefix suffix prefix.test prefix.test.tag tag.suffix test.tag.suffix')
  })

  it('record keys (also ones starting with @) and reserved names', async () => {
    const out = await records(
      'remove_keys eventType0\n<record>\nmessage bar ${record["message"]}\neventtype ${record["eventType0"]}\nts ${record["@timestamp"]}\nnew_tag ${tag}\nnew_record_tag ${record["tag"]}\n</record>',
      [{ eventType0: 'bar', message: '1', '@timestamp': 'foo', tag: 'tag' }],
    )
    expect(out[0]).toEqual({
      message: 'bar 1',
      '@timestamp': 'foo',
      tag: 'tag',
      eventtype: 'bar',
      ts: 'foo',
      new_tag: 'test.tag',
      new_record_tag: 'tag',
    })
  })

  const sources: unknown[] = ['string', 123, [1, 2], { a: 1, b: 2 }, null]
  const typecastConf = (on: boolean) =>
    `auto_typecast ${on}\n<record>\nsingle \${record["source"]}\nmultiple \${record["source"]}\${record["source"]}\nwith_prefix prefix-\${record["source"]}\nwith_quote record["source"][""]\n</record>`
  const rubyToS = ['string', '123', '[1, 2]', '{"a" => 1, "b" => 2}', '']

  it('auto_typecast false: everything is a string (Ruby to_s)', async () => {
    const out = await records(
      typecastConf(false),
      sources.map((source) => ({ source })),
    )
    expect(out.map((r) => [r.single, r.multiple, r.with_prefix, r.with_quote])).toEqual(
      rubyToS.map((s) => [s, s + s, `prefix-${s}`, 'record["source"][""]']),
    )
  })

  it('auto_typecast true: a lone placeholder keeps the value and its type', async () => {
    const out = await records(
      typecastConf(true),
      sources.map((source) => ({ source })),
    )
    expect(out.map((r) => [r.single, r.multiple, r.with_prefix])).toEqual(
      sources.map((v, i) => [v, rubyToS[i] + rubyToS[i], `prefix-${rubyToS[i]}`]),
    )
  })

  it('keeps 64-bit integers exact through a placeholder', async () => {
    const out = await records('<record>\ncopy ${record["big"]}\n</record>', [{ big: 2n ** 63n + 5n }])
    expect(out[0].copy).toBe(2n ** 63n + 5n)
  })

  it('warns once for an unknown placeholder and expands it to nil', async () => {
    const out = await records('<record>\nmessage ${unknown}\nmissing x${record["nope"]}x\nlegacy __TAG__\n</record>', [{ a: 1 }, { a: 2 }])
    expect(out[0]).toEqual({ a: 1, message: null, missing: 'xx', legacy: null })
    const warnings = running!.logs.filter((l) => l.message.startsWith('unknown placeholder'))
    expect(warnings.map((w) => w.message.split('`')[1])).toEqual(['${unknown}', '${record["nope"]}', '__TAG__'])
  })

  it('enable_ruby: expressions of the Ruby subset, typed when alone (auto_typecast), interpolated otherwise', async () => {
    const out = await records(
      `enable_ruby true
<record>
deep \${record["a"]["b"]}
dig \${record.dig("a", "b")}
missing \${record["nope"]}
fallback \${record["nope"] || "default"}
last \${tag_parts[-1]}
prefix \${tag_prefix[0]}
epoch \${time.to_i}
iso \${Time.at(time).utc.iso8601(3)}
stamp \${time.utc.strftime('%Y-%m-%dT%H:%M:%S.%3NZ')}
level \${record["log"].split(" ")[0].downcase}
masked \${record["log"].gsub(/[0-9]/, "#")}
size \${record["log"].length}
double \${record["n"] * 2}
half \${record["n"] / 2.0}
is_error \${record["log"].include?("ERROR") ? "yes" : "no"}
keys \${record.keys}
json \${record["a"].to_json}
text tag=\${tag} n=\${record["n"] + 1} f=\${record["n"].to_f} __TAG__
</record>`,
      [{ a: { b: 'x' }, log: 'ERROR 42 failed', n: 3 }],
      'app.web',
    )
    expect(out[0]).toEqual({
      a: { b: 'x' },
      log: 'ERROR 42 failed',
      n: 3,
      deep: 'x',
      dig: 'x',
      missing: null,
      fallback: 'default',
      last: 'web',
      prefix: 'app',
      epoch: TIME.sec,
      iso: '2010-05-04T03:02:01.000Z',
      stamp: '2010-05-04T03:02:01.000Z',
      level: 'error',
      masked: 'ERROR ## failed',
      size: 15,
      double: 6,
      half: 1.5,
      is_error: 'yes',
      keys: ['a', 'log', 'n'],
      json: '{"b":"x"}',
      text: 'tag=app.web n=4 f=3.0 __TAG__',
    })
  })

  it('enable_ruby: a Ruby error fails that record only (to @ERROR), like Fluentd\'s "failed to expand"', async () => {
    const out = await records('enable_ruby true\n<record>\nup ${record["msg"].upcase}\n</record>', [
      { msg: 'a' },
      { other: 1 },
      { msg: 'b' },
    ])
    expect(out).toEqual([
      { msg: 'a', up: 'A' },
      { msg: 'b', up: 'B' },
    ])
    const dump = running!.logs.find((l) => l.message === 'dump an error event')
    expect(JSON.stringify(dump?.fields)).toContain(
      'failed to expand `${record[\\"msg\\"].upcase}` : error = undefined method \'upcase\' for nil',
    )
  })

  it('accepts enable_ruby when every ${...} is a plain placeholder, record["a"]["b"] chains included', async () => {
    const out = await records('enable_ruby true\n<record>\nh ${hostname}\ndeep ${record["a"]["b"]}\n</record>', [{ a: { b: 'x' } }])
    expect(out[0]).toEqual({ a: { b: 'x' }, h: 'test-host', deep: 'x' })
  })
})

describe('record_transformer errors', () => {
  it.each([
    ['keep_keys without renew_record', 'keep_keys a', '`renew_record` must be true to use `keep_keys`'],
    [
      'Ruby outside the subset',
      'enable_ruby yes\n<record>\nm ${File.read("/etc/passwd")}\n</record>',
      'test.conf:5: cannot configure filter plugin \'record_transformer\': unsupported enable_ruby expression ${File.read("/etc/passwd")}: the constant File is not supported; hint: sluice evaluates a Ruby subset',
    ],
    [
      'Ruby with a block',
      'enable_ruby yes\n<record>\nfoo ${record.map{|k,v|v}}\n</record>',
      "test.conf:5: cannot configure filter plugin 'record_transformer': unsupported enable_ruby expression ${record.map{|k,v|v}}: blocks and hash literals are not supported (column 11)",
    ],
    [
      'an unknown method',
      'enable_ruby yes\n<record>\nfoo ${record.each_pair}\n</record>',
      "test.conf:5: cannot configure filter plugin 'record_transformer': unsupported enable_ruby expression ${record.each_pair}: the method .each_pair is not supported",
    ],
    ['a bad remove_keys accessor', 'remove_keys $.a[0', "'[' found but ']' not found"],
  ])('refuses %s at config time', async (_name, conf, message) => {
    await expect(
      startAgent(`<filter **>\n@type record_transformer\n${conf}\n</filter>\n<match **>\n@type capture\n</match>`, [
        filterRecordTransformer,
      ]),
    ).rejects.toThrow(message)
  })

  it('sends a failing record to @ERROR and lets the others through', async () => {
    const events = await transform(
      'renew_time_key t',
      [
        { t: 1273032302, n: 1 },
        { t: true, n: 2 },
        { t: 1273032303, n: 3 },
      ],
      'app.x',
      '<label @ERROR>\n<match **>\n@type capture\n@id errors\n</match>\n</label>',
    )
    expect(events.map((e) => e.record.n)).toEqual([1, 3])
    const errors = captures.get('errors')!.events
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ tag: 'app.x', record: { t: true, n: 2 } })
    expect(errors[0].time).toEqual(TIME)
  })

  it('logs a failing record when there is no @ERROR label (enable_ruby chain through nil)', async () => {
    const out = await records('enable_ruby yes\n<record>\nfoo ${record["unknown"]["key"]}\n</record>', [
      { key: 'value' },
      { unknown: { key: 'v' } },
    ])
    expect(out).toEqual([{ unknown: { key: 'v' }, foo: 'v' }])
    const dump = running!.logs.find((l) => l.message === 'dump an error event')
    expect(dump?.fields).toMatchObject({ tag: 'test.tag', count: 1, record: { key: 'value' } })
  })

  it('drops the whole stream (null) when every record fails', async () => {
    expect(await records('renew_time_key t', [{ t: -5 }])).toEqual([])
  })
})
