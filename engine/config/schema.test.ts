/**
 * @module Tests of schema validation with an out_forward-like schema: typed config, defaults,
 * nested <server>/<security>/<buffer>, unknown names with suggestions, required and type errors.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { parseConfig } from './parse.ts'
import { checkSchema, validateElement, type PluginSchema } from './schema.ts'

const bufferSchema = {
  argument: { name: 'chunk_keys', type: 'string', multi: true, default: [], description: 'What chunks are split by.' },
  params: [
    { name: '@type', type: 'enum', values: ['memory', 'file'], default: 'memory', description: 'Buffer plugin.' },
    { name: 'path', type: 'string', description: 'Directory of a file buffer.' },
    { name: 'chunk_limit_size', type: 'size', default: 8 * 1024 * 1024, description: 'Largest chunk.' },
    { name: 'flush_interval', type: 'time', default: 60, description: 'Seconds between flushes.' },
    { name: 'retry_forever', type: 'bool', default: false, description: 'Never give up.' },
    { name: 'timekey', type: 'time', description: 'Time chunk size.' },
  ],
} as const satisfies PluginSchema

const outForwardSchema = {
  params: [
    { name: 'require_ack_response', type: 'bool', default: false, description: 'Wait for acks.' },
    { name: 'send_timeout', type: 'time', default: 60, description: 'Write timeout.' },
    { name: 'compress', type: 'enum', values: ['text', 'gzip'], default: 'text', description: 'Chunk compression.' },
    { name: 'phi_threshold', type: 'integer', default: 16, description: 'Failure detector threshold.' },
    { name: 'expire_dns_cache', type: 'time', default: null, description: 'DNS cache lifetime.' },
    { name: 'tls_ciphers', type: 'string', multi: true, description: 'Allowed ciphers.' },
  ],
  sections: [
    {
      name: 'server',
      multi: true,
      required: true,
      description: 'A destination.',
      schema: {
        params: [
          { name: 'host', type: 'string', required: true, description: 'Host name or address.' },
          { name: 'port', type: 'integer', default: 24224, description: 'TCP port.' },
          { name: 'weight', type: 'integer', default: 60, description: 'Load-balancing weight.' },
          { name: 'standby', type: 'bool', default: false, description: 'Used only when others fail.' },
        ],
      },
    },
    {
      name: 'security',
      description: 'Shared-key handshake.',
      schema: {
        params: [
          { name: 'self_hostname', type: 'string', required: true, description: 'Our name in the handshake.' },
          { name: 'shared_key', type: 'string', required: true, secret: true, description: 'The shared key.' },
        ],
      },
    },
    { name: 'buffer', init: true, description: 'Buffering.', schema: bufferSchema },
  ],
} as const satisfies PluginSchema

function validate(text: string, options: { strictValues?: boolean } = {}) {
  const result = parseConfig(text, 'fluent.conf')
  expect(result.errors).toEqual([])
  const { errors, config, warnings } = validateElement(result.config.root.elements[0], outForwardSchema, result.locs, options)
  return { config, errors: errors.map(String), warnings: warnings.map(String) }
}

describe('validateElement', () => {
  it('returns a typed config with defaults and nested sections', () => {
    const { config, errors } = validate(
      [
        '<match app.**>',
        '  @type forward',
        '  require_ack_response',
        '  compress gzip',
        '  tls_ciphers ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-AES256-GCM-SHA384',
        '  <server>',
        '    host 10.0.0.1',
        '  </server>',
        '  <server>',
        '    host 10.0.0.2',
        '    port 24225',
        '    standby',
        '  </server>',
        '  <buffer tag,time>',
        '    @type file',
        '    path /var/lib/sluice/buffer',
        '    chunk_limit_size 16m',
        '    timekey 1h',
        '  </buffer>',
        '</match>',
      ].join('\n'),
    )
    expect(errors).toEqual([])
    expect(config).toEqual({
      '@type': 'forward',
      require_ack_response: true,
      send_timeout: 60,
      compress: 'gzip',
      phi_threshold: 16,
      expire_dns_cache: null,
      tls_ciphers: ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'],
      server: [
        { host: '10.0.0.1', port: 24224, weight: 60, standby: false },
        { host: '10.0.0.2', port: 24225, weight: 60, standby: true },
      ],
      buffer: {
        chunk_keys: ['tag', 'time'],
        '@type': 'file',
        path: '/var/lib/sluice/buffer',
        chunk_limit_size: 16 * 1024 * 1024,
        flush_interval: 60,
        retry_forever: false,
        timekey: 3600,
      },
    })
    expectTypeOf(config.send_timeout).toEqualTypeOf<number>()
    expectTypeOf(config.compress).toEqualTypeOf<'text' | 'gzip'>()
    expectTypeOf(config.expire_dns_cache).toEqualTypeOf<number | null>()
    expectTypeOf(config.tls_ciphers).toEqualTypeOf<string[] | undefined>()
    expectTypeOf(config.server[0].host).toEqualTypeOf<string>()
    expectTypeOf(config.security).toEqualTypeOf<
      { self_hostname: string; shared_key: string; '@type'?: string; '@id'?: string; '@label'?: string; '@log_level'?: string } | undefined
    >()
    expectTypeOf(config.buffer.chunk_keys).toEqualTypeOf<string[]>()
  })

  it('fills an absent init section from its defaults', () => {
    const { config, errors } = validate('<match a>\n  <server>\n    host h\n  </server>\n</match>\n')
    expect(errors).toEqual([])
    expect(config.buffer).toEqual({
      chunk_keys: [],
      '@type': 'memory',
      chunk_limit_size: 8388608,
      flush_interval: 60,
      retry_forever: false,
    })
    expect(config.security).toBeUndefined()
  })

  it('warns about unknown params and sections like Fluentd (not used), with the closest known name', () => {
    const { errors, warnings } = validate(
      [
        '<match a.**>',
        '  require_ack_respons true',
        '  <server>',
        '    host h',
        '    prot 24224',
        '  </server>',
        '  <buffer>',
        '    flush_intervall 5s',
        '  </buffer>',
        '  <secruity>',
        '  </secruity>',
        '  <zzz>',
        '  </zzz>',
        '</match>',
      ].join('\n'),
    )
    expect(errors).toEqual([])
    expect(warnings).toEqual([
      "fluent.conf:2: warning: parameter 'require_ack_respons' in <match a.**> is not used; hint: did you mean require_ack_response?",
      "fluent.conf:5: warning: parameter 'prot' in <server> is not used; hint: did you mean port?",
      "fluent.conf:8: warning: parameter 'flush_intervall' in <buffer> is not used; hint: did you mean flush_interval?",
      'fluent.conf:10: warning: section <secruity> is not used in <match a.**>; hint: did you mean <security>?',
      'fluent.conf:12: warning: section <zzz> is not used in <match a.**>; hint: known sections: <server>, <security>, <buffer>',
    ])
  })

  it('lists the known params when nothing is close', () => {
    const { warnings } = validate('<match a>\n  <server>\n    host h\n    completely_different 1\n  </server>\n</match>\n')
    expect(warnings).toEqual([
      "fluent.conf:4: warning: parameter 'completely_different' in <server> is not used; hint: known params: host, port, standby, weight",
    ])
  })

  it('reports missing required params and sections', () => {
    expect(validate('<match a>\n  <security>\n    shared_key k\n  </security>\n</match>\n').errors).toEqual([
      'fluent.conf:2: missing required param self_hostname in <security>; hint: add a line: self_hostname VALUE',
      'fluent.conf:1: missing required section <server> in <match>; hint: add <server> ... </server>',
    ])
  })

  const typeMistakes = [
    '<match a>',
    '  send_timeout 60 seconds',
    '  compress zstd',
    '  phi_threshold high',
    '  <server>',
    '    host h',
    '    port 24224/tcp',
    '  </server>',
    '  <buffer>',
    '    chunk_limit_size lots',
    '    retry_forever maybe',
    '    @type s3',
    '  </buffer>',
    '</match>',
  ].join('\n')

  it('reports type errors naming the type and an example (strict_config_value)', () => {
    expect(validate(typeMistakes, { strictValues: true }).errors).toEqual([
      'fluent.conf:2: send_timeout: invalid time "60 seconds"; hint: e.g. 30s (units s, m, h, d; plain = seconds, e.g. 0.5)',
      'fluent.conf:3: compress: invalid value "zstd"; hint: valid options are text, gzip',
      'fluent.conf:4: phi_threshold: invalid integer "high"; hint: e.g. 24224',
      'fluent.conf:7: port: invalid integer "24224/tcp"; hint: e.g. 24224',
      'fluent.conf:12: @type: invalid value "s3"; hint: valid options are memory, file',
      'fluent.conf:10: chunk_limit_size: invalid size "lots"; hint: e.g. 8m (powers of 1024: k, m, g, t; plain = bytes)',
      'fluent.conf:11: retry_forever: invalid bool "maybe"; hint: write true, false, yes or no (lowercase)',
    ])
  })

  it("reads integers, bools and digit-less sizes the way Fluentd's non-strict mode does, with a warning", () => {
    const { errors, warnings, config } = validate(typeMistakes)
    expect(errors).toEqual([
      'fluent.conf:2: send_timeout: invalid time "60 seconds"; hint: e.g. 30s (units s, m, h, d; plain = seconds, e.g. 0.5)',
      'fluent.conf:3: compress: invalid value "zstd"; hint: valid options are text, gzip',
      'fluent.conf:12: @type: invalid value "s3"; hint: valid options are memory, file',
    ])
    expect(warnings).toEqual([
      'fluent.conf:4: warning: phi_threshold: invalid integer "high"; read as 0 like Fluentd (String#to_i); hint: e.g. 24224; <system> strict_config_value true (or --strict) makes this an error',
      'fluent.conf:7: warning: port: invalid integer "24224/tcp"; read as 24224 like Fluentd (String#to_i); hint: e.g. 24224; <system> strict_config_value true (or --strict) makes this an error',
      'fluent.conf:10: warning: chunk_limit_size: invalid size "lots"; read as 0 like Fluentd (to_i of text without digits); hint: e.g. 8m (powers of 1024: k, m, g, t; plain = bytes); <system> strict_config_value true (or --strict) makes this an error',
      'fluent.conf:11: warning: retry_forever: invalid bool "maybe"; read as false like Fluentd (an unknown bool is nil, which is false); hint: write true, false, yes or no (lowercase); <system> strict_config_value true (or --strict) makes this an error',
    ])
    expect(config.server[0].port).toBe(24224)
    expect(config.buffer?.retry_forever).toBe(false)
  })

  it('reports a repeated single section', () => {
    const { errors } = validate(
      '<match a>\n  <server>\n    host h\n  </server>\n  <security>\n    self_hostname a\n    shared_key k\n  </security>\n  <security>\n    self_hostname b\n    shared_key k\n  </security>\n</match>\n',
    )
    expect(errors).toEqual(['fluent.conf:9: only one <security> is allowed in <match>; hint: the first one is at line 5; merge them'])
  })

  it('keeps additional params as strings when the schema allows them', () => {
    const record = { params: [], additionalParams: true } as const satisfies PluginSchema
    const result = parseConfig('<record>\n  service ${tag}\n  host "#{hostname}"\n</record>\n', 'f.conf', { hostname: 'h' })
    expect(validateElement(result.config.root.elements[0], record, result.locs)).toMatchObject({
      config: { service: '${tag}', host: 'h' },
      errors: [],
    })
  })

  it('validates a model without locations (from JSON) with a placeholder position', () => {
    const element = { name: 'server', arg: '', params: { prot: '1' }, elements: [] }
    const { errors, warnings } = validateElement(element, outForwardSchema.sections[0].schema)
    expect([...errors, ...warnings].map(String)).toEqual([
      '(model):0: missing required param host in <server>; hint: add a line: host VALUE',
      "(model):0: warning: parameter 'prot' in <server> is not used; hint: did you mean port?",
    ])
  })
})

describe('checkSchema', () => {
  it('accepts a well-formed schema', () => {
    expect(checkSchema(outForwardSchema)).toEqual([])
  })

  it('reports duplicate names, enums without values, bad enum defaults', () => {
    const bad: PluginSchema = {
      params: [
        { name: 'a', type: 'string', description: '' },
        { name: 'a', type: 'string', description: '' },
        { name: 'mode', type: 'enum', description: '' },
        { name: 'level', type: 'enum', values: ['x'], default: 'y', description: '' },
      ],
      sections: [
        { name: 's', description: '', schema: { params: [{ name: 'k', type: 'integer', required: true, default: 1, description: '' }] } },
      ],
    }
    expect(checkSchema(bad)).toEqual([
      'schema: param a is declared twice',
      'schema: enum mode has no values',
      'schema: default "y" of level is not one of its values',
      'schema <s>: k is required and has a default',
    ])
  })
})
