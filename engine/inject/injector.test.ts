/**
 * @module <inject> on msgpack records, after Fluentd's test_inject.rb (inject_values_to_record):
 * hostname (detected and given), worker id, tag, every time_type, string times in local time and
 * in a zone; plus what the byte-level rewrite must keep: key order, keys already present replaced
 * in place, the map header growing from fixmap to map16, non-map records untouched.
 */

import { decode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { validateElement } from '../config/schema.ts'
import { encodeRecord } from '../event-stream.ts'
import { eventTimeCodec } from '../event-time.ts'
import { createLogger, type LogRecord } from '../log.ts'
import type { InjectConfig } from '../schemas/sections/inject.ts'
import { injectSection } from '../schemas/sections/inject.ts'
import { array, map, str, toHex, uint } from '../../test/helpers/msgpack-build.ts'
import { createInjector } from './injector.ts'

const T = { sec: 1466464211, nsec: 320_101_224 } // 2016-06-21 08:10:11.320101224 +0900

function injector(params: Record<string, string>, options: { workerId?: number; chunkKeys?: string[] } = {}) {
  const logs: LogRecord[] = []
  const element = { name: 'match', arg: '**', params: {}, elements: [{ name: 'inject', arg: '', params, elements: [] }] }
  const { config, errors } = validateElement(element, { params: [], sections: [injectSection()] })
  expect(errors).toEqual([])
  const made = createInjector(
    config.inject as InjectConfig,
    { hostname: 'detected.example', workerId: options.workerId, log: createLogger((r) => logs.push(r), 'debug') },
    options.chunkKeys,
  )
  return { injector: made, logs }
}

const run = (params: Record<string, string>, record: Record<string, unknown> | Uint8Array = { key1: 'value1', key2: 2 }, tag = 'tag') => {
  const { injector: made } = injector(params)
  const bytes = record instanceof Uint8Array ? record : encodeRecord(record)
  const out = made!.inject(tag, T.sec, T.nsec, bytes, 0, bytes.length)
  return decode(out, { extensionCodec: eventTimeCodec, useBigInt64: true }) as Record<string, unknown>
}

describe('<inject>', () => {
  it('does nothing without keys (the injector is null)', () => {
    expect(injector({}).injector).toBeNull()
    expect(injector({ time_format: '%Y' }).logs.map((l) => l.message)).toEqual([
      "'time_format' specified without 'time_key', will be ignored",
    ])
  })

  it('injects the detected hostname (with an info line) or the one given', () => {
    const { injector: made, logs } = injector({ hostname_key: 'host' })
    expect(logs.map((l) => [l.message, l.fields])).toEqual([
      ['using hostname for specified field', { host_key: 'host', host_name: 'detected.example' }],
    ])
    const bytes = encodeRecord({ key1: 'value1' })
    expect(decode(made!.inject('tag', 0, 0, bytes, 0, bytes.length))).toEqual({ key1: 'value1', host: 'detected.example' })
    expect(run({ hostname_key: 'host', hostname: 'myhost.yay.local' })).toEqual({ key1: 'value1', key2: 2, host: 'myhost.yay.local' })
  })

  it('injects the worker id as an integer, and the tag', () => {
    const { injector: made } = injector({ worker_id_key: 'workerid' }, { workerId: 2 })
    const bytes = encodeRecord({ key1: 'value1' })
    expect(decode(made!.inject('tag', 0, 0, bytes, 0, bytes.length))).toEqual({ key1: 'value1', workerid: 2 })
    expect(run({ tag_key: 'mytag' }, undefined, 'tag.test')).toEqual({ key1: 'value1', key2: 2, mytag: 'tag.test' })
  })

  it.each([
    ['float', 1466464211.320101],
    ['unixtime', 1466464211],
    ['unixtime_millis', 1466464211320],
    ['unixtime_micros', 1466464211320101],
    ['unixtime_nanos', 1466464211320101224n],
  ])('injects time_type %s', (timeType, value) => {
    const params: Record<string, string> = timeType === 'float' ? { time_key: 'timedata' } : { time_key: 'timedata', time_type: timeType }
    const got = run(params).timedata
    // uint64 forms decode as bigint: compare values
    expect(typeof value === 'bigint' ? BigInt(got as number | bigint) : Number(got)).toBe(value)
  })

  it('injects string times: local by default, in a zone, with fractions', () => {
    const saved = process.env.TZ
    process.env.TZ = 'Asia/Tokyo'
    try {
      expect(run({ time_key: 't', time_type: 'string', time_format: '%Y_%m_%d %H:%M:%S %z' }).t).toBe('2016_06_21 08:10:11 +0900')
      expect(run({ time_key: 't', time_type: 'string', time_format: '%Y_%m_%d %H:%M:%S.%N %z' }).t).toBe(
        '2016_06_21 08:10:11.320101224 +0900',
      )
      expect(run({ time_key: 't', time_type: 'string', time_format: '%Y_%m_%d %H:%M:%S.%3N %z' }).t).toBe('2016_06_21 08:10:11.320 +0900')
      expect(run({ time_key: 't', time_type: 'string' }).t).toBe('2016-06-21T08:10:11+09:00')
      expect(run({ time_key: 't', time_type: 'string', utc: 'true' }).t).toBe('2016-06-20T23:10:11Z')
      expect(run({ time_key: 't', time_type: 'string', timezone: '+02' }).t).toBe('2016-06-21T01:10:11+02:00')
      expect(run({ time_key: 't', time_type: 'string', timezone: 'Asia/Tokyo', utc: 'true' }).t).toBe('2016-06-21T08:10:11+09:00')
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
    expect(run({ time_key: 't', time_type: 'string', time_format: '%Y_%m_%d %H:%M:%S %z', timezone: '-0800' }).t).toBe(
      '2016_06_20 15:10:11 -0800',
    )
  })

  it('injects hostname, tag and time in that order', () => {
    const got = run({
      hostname_key: 'hostnamedata',
      hostname: 'myname.local',
      tag_key: 'tagdata',
      time_key: 'timedata',
      time_type: 'string',
      time_format: '%Y_%m_%d %H:%M:%S.%N %z',
      timezone: '+0000',
    })
    expect(Object.entries(got)).toEqual([
      ['key1', 'value1'],
      ['key2', 2],
      ['hostnamedata', 'myname.local'],
      ['tagdata', 'tag'],
      ['timedata', '2016_06_20 23:10:11.320101224 +0000'],
    ])
  })

  it('replaces keys the record has in place, and one key set twice takes the last value', () => {
    expect(Object.entries(run({ tag_key: 'a', time_key: 'c', time_type: 'unixtime' }, { a: 1, b: 2, c: 3 }))).toEqual([
      ['a', 'tag'],
      ['b', 2],
      ['c', 1466464211],
    ])
    expect(run({ tag_key: 'k', time_key: 'k', time_type: 'unixtime' }, {})).toEqual({ k: 1466464211 })
  })

  it('grows the map header (fixmap → map16) and copies the pairs as they are', () => {
    const fifteen = map(Array.from({ length: 15 }, (_, i) => [str(`k${i}`), uint(i)] as const))
    const { injector: made } = injector({ tag_key: 'tag' })
    const out = made!.inject('x', 0, 0, fifteen, 0, fifteen.length)
    expect(toHex(out.subarray(0, 3))).toBe('de 00 10')
    expect(toHex(out.subarray(3, 3 + fifteen.length - 1))).toBe(toHex(fifteen.subarray(1)))
    expect(toHex(out.subarray(out.length - 6))).toBe('a3 74 61 67 a1 78')
  })

  it('leaves a record that is not a map as it is', () => {
    const { injector: made } = injector({ tag_key: 'tag' })
    const notMap = array([uint(1)])
    expect(toHex(made!.inject('x', 0, 0, notMap, 0, notMap.length))).toBe(toHex(notMap))
  })

  it('refuses a hostname_key that is a buffer chunk key', () => {
    expect(() => injector({ hostname_key: 'host' }, { chunkKeys: ['tag', 'host'] })).toThrow(
      "the key specified by 'hostname_key' in <inject> cannot be used in buffering chunk key.",
    )
  })
})
