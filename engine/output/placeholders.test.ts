/** @module Placeholder validation (Fluentd's PlaceholderValidator, §9 case 30) and expansion per chunk. */

import { describe, expect, it } from 'vitest'
import {
  checkPlaceholders,
  compileTemplate,
  parseChunkKeys,
  placeholderProblems,
  templateTimeUnit,
  UnrecoverableError,
} from './placeholders.ts'
import { parseZone, UTC } from './time-format.ts'

describe('placeholders', () => {
  it('finds the finest strftime unit of a template', () => {
    expect(templateTimeUnit('/x/%Y%m%d')?.example).toBe('%d')
    expect(templateTimeUnit('/x/%Y/%m/%d/%H')?.sec).toBe(3600)
    expect(templateTimeUnit('/x/${tag}')).toBeNull()
  })

  it('rejects a timekey finer than the path (§9 case 30)', () => {
    expect(() => checkPlaceholders('/x/%Y%m%d', ['time'], 3600)).toThrow(
      "Parameter 'path: /x/%Y%m%d' doesn't have timestamp placeholder for hour('%H') for timekey 3600 (its finest is day '%d')",
    )
    expect(placeholderProblems('/x/%Y%m%d%H', ['time'], 3600)).toEqual([])
    expect(placeholderProblems('/x/%Y%m%d', ['time'], 86400)).toEqual([])
  })

  it('rejects placeholders without their chunk key, and chunk keys without placeholders', () => {
    expect(placeholderProblems('/x/${tag}', [], null)).toEqual([
      "Parameter 'path: /x/${tag}' has tag placeholders, but chunk key 'tag' is not configured",
    ])
    expect(placeholderProblems('/x/%Y%m%d', [], null)[0]).toMatch(/chunk key 'time' is not configured/)
    expect(placeholderProblems('/x/%Y', [], null)).toEqual([]) // like Fluentd, units above a day are not checked
    expect(placeholderProblems('/x/${host}', ['tag'], null)).toEqual([
      "Parameter 'path: /x/${host}' doesn't have tag placeholder",
      "Parameter 'path: /x/${host}' has placeholders, but chunk keys doesn't have keys host",
    ])
    expect(placeholderProblems('/x/out', ['time'], 60)[0]).toMatch(/doesn't have timestamp placeholders for timekey 60/)
    expect(placeholderProblems('/x/${tag[1]}/${host}/%Y%m%d', ['tag', 'time', 'host'], 86400)).toEqual([])
  })

  it('parses chunk keys like Fluentd', () => {
    expect(parseChunkKeys(['tag', 'time', 'host', '$.kubernetes.pod'])).toEqual({
      tag: true,
      time: true,
      keys: ['host', '$.kubernetes.pod'],
    })
    expect(() => parseChunkKeys(["$['a']"])).toThrow(/bracket notation/)
    expect(() => parseChunkKeys(['a b'])).toThrow(/invalid char/)
  })

  it('expands tag parts, keys, chunk id and the timekey in its zone', () => {
    const keys = parseChunkKeys(['tag', 'time', 'host'])
    const path = compileTemplate('/logs/${tag}/${tag[0]}-${tag[-1]}/${host}/%Y%m%d%H.${chunk_id}.log', {
      chunkKeys: keys,
      zone: parseZone('+0900')!,
    })
    const id = new Uint8Array(16).fill(0xab)
    expect(path({ tag: 'app.web', timekey: Date.UTC(2026, 0, 1, 0) / 1000, variables: { host: 'h1' }, id })).toBe(
      `/logs/app.web/app-web/h1/2026010109.${'ab'.repeat(16)}.log`,
    )
    expect(compileTemplate('/logs/%Y', { chunkKeys: parseChunkKeys(['time']), zone: UTC })({ tag: '', timekey: 0, variables: {} })).toBe(
      '/logs/1970',
    )
  })

  it('refuses values that climb out of a path (unrecoverable)', () => {
    const keys = parseChunkKeys(['tag', 'host'])
    const path = compileTemplate('/logs/${tag}/${host}', { chunkKeys: keys, zone: UTC })
    expect(() => path({ tag: '..', timekey: null, variables: { host: 'a' } })).toThrow(UnrecoverableError)
    expect(() => path({ tag: 'a', timekey: null, variables: { host: '../etc' } })).toThrow(UnrecoverableError)
    expect(() => path({ tag: 'a', timekey: null, variables: { host: '/etc' } })).toThrow(/Invalid path component/)
    expect(path({ tag: 'a..b', timekey: null, variables: { host: 'x' } })).toBe('/logs/a..b/x')
    const url = compileTemplate('https://h/${tag}', { chunkKeys: keys, zone: UTC, path: false })
    expect(url({ tag: '..', timekey: null, variables: {} })).toBe('https://h/..')
  })
})
