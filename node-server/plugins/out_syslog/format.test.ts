/**
 * @module out_syslog's message layout, byte for byte: the RFC 5424 line of the reference example
 * (Fluent Bit's mapping), octet counting in bytes, `-` for missing fields, severity and facility
 * numbers and names (Fluent Bit's and Fluentd's) with the preset for invalid ones, STRUCTURED-DATA
 * (names sanitized and cut, values escaped, nested values skipped, several elements), header
 * fields sanitized and cut, a message starting with `<` sent as it is, the size cut on a UTF-8
 * boundary, RFC 3164, and `%f` floats.
 */

import { describe, expect, it } from 'vitest'
import { encodeRecord } from '../../../engine/event-stream.ts'
import { Bytes, type Framing, printfF, SyslogFormatter } from './format.ts'
import type { SyslogFields } from './options.ts'

const enc = new TextEncoder()
const key = (k: string | null) => (k === null ? null : enc.encode(k))

function fields(over: Partial<Record<string, string | string[] | number | null>> = {}): SyslogFields {
  const o: Record<string, unknown> = {
    severity: null,
    facility: null,
    hostname: null,
    appname: null,
    procid: null,
    msgid: null,
    message: null,
    sd: [],
    ...over,
  }
  return {
    severityKey: key(o.severity as string | null),
    facilityKey: key(o.facility as string | null),
    hostnameKey: key(o.hostname as string | null),
    appnameKey: key(o.appname as string | null),
    procidKey: key(o.procid as string | null),
    msgidKey: key(o.msgid as string | null),
    messageKey: key(o.message as string | null),
    sdKeys: (o.sd as string[]).map((k) => enc.encode(k)),
    severityPreset: (o.severityPreset as number | undefined) ?? 6,
    facilityPreset: (o.facilityPreset as number | undefined) ?? 1,
    hostnamePreset: key((o.hostnamePreset as string | undefined) ?? null),
    appnamePreset: key((o.appnamePreset as string | undefined) ?? null),
    procidPreset: null,
    msgidPreset: null,
  }
}

// 2024-01-02T03:04:05.678901234Z
const SEC = 1704164645
const NSEC = 678_901_234

function format(
  record: Record<string, unknown>,
  f: SyslogFields,
  opts: { format?: 'rfc5424' | 'rfc3164'; framing?: Framing; maxSize?: number; allowLongerSdId?: boolean } = {},
) {
  const invalid: string[] = []
  const formatter = new SyslogFormatter(
    {
      format: opts.format ?? 'rfc5424',
      maxSize: opts.maxSize ?? 2048,
      allowLongerSdId: opts.allowLongerSdId ?? false,
      fields: f,
      framing: opts.framing ?? 'datagram',
    },
    (what, value) => invalid.push(`${what}:${value}`),
  )
  const out = new Bytes()
  const bytes = encodeRecord(record)
  formatter.append(SEC, NSEC, bytes, 0, out)
  return { text: Buffer.from(out.view()).toString('latin1'), bytes: Buffer.from(out.view()), invalid }
}

const BOM = '\xef\xbb\xbf'

describe('out_syslog RFC 5424 layout', () => {
  it("writes the reference example exactly (Fluent Bit's key mapping, LF framing)", () => {
    const r = format(
      { sev: 'err', app: 'nginx', pid: 1234, sd: { ip: '10.0.0.1' }, msg: 'GET /' },
      fields({ severity: 'sev', appname: 'app', procid: 'pid', sd: ['sd'], message: 'msg' }),
      { framing: 'traditional' },
    )
    expect(r.text).toBe(`<11>1 2024-01-02T03:04:05.678901Z - nginx 1234 - [sd ip="10.0.0.1"] ${BOM}GET /\n`)
  })

  it('counts octets, not characters, for octet counting', () => {
    const r = format({ m: 'héllo' }, fields({ message: 'm' }), { framing: 'octet_count' })
    const line = `<14>1 2024-01-02T03:04:05.678901Z - - - - - ${BOM}h\xc3\xa9llo`
    expect(r.text).toBe(`${line.length} ${line}`)
  })

  it('writes "-" for what is missing and no MSG part without a message', () => {
    expect(format({ other: 1 }, fields({ message: 'm' })).text).toBe('<14>1 2024-01-02T03:04:05.678901Z - - - - -')
    expect(format({ h: '' }, fields({ hostname: 'h', hostnamePreset: 'preset' })).text).toBe('<14>1 2024-01-02T03:04:05.678901Z - - - - -')
    expect(format({}, fields({ hostname: 'h', hostnamePreset: 'web-1', appnamePreset: 'sluice' })).text).toBe(
      '<14>1 2024-01-02T03:04:05.678901Z web-1 sluice - - -',
    )
  })

  it('reads severities and facilities as numbers or names, and uses the preset for invalid ones', () => {
    const pri = (sev: unknown, fac: unknown) => {
      const r = format({ s: sev, f: fac }, fields({ severity: 's', facility: 'f' }))
      return [r.text.slice(0, r.text.indexOf('>') + 1), ...r.invalid]
    }
    expect(pri('warning', 'security')).toEqual(['<108>'])
    expect(pri('warn', 'audit')).toEqual(['<108>'])
    expect(pri('ERR', 'LOCAL7')).toEqual(['<187>'])
    expect(pri(0, 23)).toEqual(['<184>'])
    expect(pri('3', '05')).toEqual(['<43>'])
    expect(pri('9', 24)).toEqual(['<14>', 'severity:9', 'facility:24'])
    expect(pri('loud', 'cloud')).toEqual(['<14>', 'severity:loud', 'facility:cloud'])
  })

  it('writes STRUCTURED-DATA: names sanitized and cut, values escaped, nested values skipped, elements in record order', () => {
    const r = format(
      {
        'meta data': { 'a=b': 'x"y\\z]w', n: -3, f: 1.5, ok: false, nested: { no: 1 }, list: [1], nil: null },
        plain: 'not an sd key',
        'exampleSDID@32473_and_a_very_long_name': { iut: '3' },
      },
      fields({ sd: ['exampleSDID@32473_and_a_very_long_name', 'meta data', 'plain'] }),
    )
    expect(r.text).toBe(
      '<14>1 2024-01-02T03:04:05.678901Z - - - - [meta_data a_b="x\\"y\\\\z\\]w" n="-3" f="1.500000" ok="false"][exampleSDID@32473_and_a_very_lon iut="3"]',
    )
    const long = format(
      { 'exampleSDID@32473_and_a_very_long_name': { k: 'v' } },
      fields({ sd: ['exampleSDID@32473_and_a_very_long_name'] }),
      {
        allowLongerSdId: true,
      },
    )
    expect(long.text).toContain('[exampleSDID@32473_and_a_very_long_name k="v"]')
  })

  it('sanitizes and cuts header fields (a space would shift the fields)', () => {
    const r = format({ h: 'my host', a: 'x'.repeat(60), p: 'é' }, fields({ hostname: 'h', appname: 'a', procid: 'p' }))
    expect(r.text).toBe(`<14>1 2024-01-02T03:04:05.678901Z my_host ${'x'.repeat(48)} __ - -`)
  })

  it('sends a message that starts with "<" as the whole message', () => {
    expect(format({ m: '<13>already formatted', a: 'app' }, fields({ message: 'm', appname: 'a' })).text).toBe('<13>already formatted')
  })

  it('cuts at syslog_maxsize without splitting a UTF-8 character', () => {
    const head = `<14>1 2024-01-02T03:04:05.678901Z - - - - - ${BOM}`
    const r = format({ m: 'ab€cd' }, fields({ message: 'm' }), { maxSize: Buffer.byteLength(head, 'latin1') + 4, framing: 'octet_count' })
    const line = `${head}ab`
    expect(r.text).toBe(`${line.length} ${line}`)
  })
})

describe('out_syslog RFC 3164 layout', () => {
  it('writes <PRI>Mmm dd HH:MM:SS HOST APP[PID]: MSG in UTC', () => {
    const f = fields({ hostname: 'h', appname: 'a', procid: 'p', message: 'm', severity: 's' })
    expect(format({ h: 'web', a: 'nginx', p: 42, m: 'GET /', s: 'notice' }, f, { format: 'rfc3164' }).text).toBe(
      '<13>Jan  2 03:04:05 web nginx[42]: GET /',
    )
    expect(format({ m: 'only' }, f, { format: 'rfc3164' }).text).toBe('<14>Jan  2 03:04:05 only')
    expect(format({ a: 'app', m: 'x' }, f, { format: 'rfc3164', framing: 'traditional' }).text).toBe('<14>Jan  2 03:04:05 app: x\n')
  })
})

describe('printfF', () => {
  it("prints as C's %f", () => {
    expect([1.5, -0.25, 1e20, 1e22, 0, -0, Number.NaN, Number.POSITIVE_INFINITY].map(printfF)).toEqual([
      '1.500000',
      '-0.250000',
      '100000000000000000000.000000',
      '10000000000000000000000.000000',
      '0.000000',
      '-0.000000',
      'nan',
      'inf',
    ])
  })
})
