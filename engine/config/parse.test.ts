/**
 * @module Tests of the .conf parser's syntax: values, quoting, comments, JSON, embedded code,
 * sections, @include and locations (error messages are in parse-errors.test.ts).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { memoryHost } from './memory-host.ts'
import { createElement, type ConfigElement } from './model.ts'
import { parseConfig, parseConfigFile, type ConfigHost } from './parse.ts'
import { printConfig } from './print.ts'

/** Parses text that must have no errors and returns its root element. */
function root(text: string, host: ConfigHost = {}): ConfigElement {
  const result = parseConfig(text, 'fluent.conf', host)
  expect(result.errors.map(String)).toEqual([])
  return result.config.root
}

/** The value of `k` in a one-param config. */
function value(line: string, host: ConfigHost = {}): string | undefined {
  return root(line + '\n', host).params.k
}

describe('parseConfig', () => {
  describe('unquoted values', () => {
    it.each([
      ['k v', 'v'],
      ['  k     a    ', 'a'],
      ['k a  b  c', 'a  b  c'],
      ['k a #comment', 'a'],
      ['k a\t# comment', 'a'],
      ['k a#not_comment', 'a#not_comment'],
      ['k #not_comment', '#not_comment'], // Fluentd keeps a leading # (with a warning from us)
      ['k \\\\', '\\\\'],
      ['k \\[', '\\['],
      ['k C:\\path\\n', 'C:\\path\\n'],
      ['k /=~-~@`:?', '/=~-~@`:?'],
      ['k ()*{}.[]', '()*{}.[]'],
    ])('reads %j as %j', (line, expected) => {
      expect(value(line)).toBe(expected)
    })

    it('reads a key without value as the empty string', () => {
      expect(root('k1\nk2 v2\nk3').params).toEqual({ k1: '', k2: 'v2', k3: '' })
    })

    it('keeps params in written order and a repeated key at its first position', () => {
      const { params } = root('b 1\na 2\nb 3\n')
      expect(Object.entries(params)).toEqual([
        ['b', '3'],
        ['a', '2'],
      ])
    })

    it('accepts CRLF line ends', () => {
      expect(root('<source>\r\n  @type forward\r\n  port 24224\r\n</source>\r\n').elements[0].params).toEqual({
        '@type': 'forward',
        port: '24224',
      })
    })

    it('strips a UTF-8 byte order mark', () => {
      expect(root('\uFEFFk v').params).toEqual({ k: 'v' })
    })
  })

  describe('double-quoted values', () => {
    it.each([
      ['k "a#comment"', 'a#comment'],
      ['k "\\\\"', '\\'],
      ['k "\\""', '"'],
      ['k "\\\'"', "'"],
      ['k "\\r\\n\\t\\f\\b\\0"', '\r\n\t\f\b\0'],
      ['k "\\["', '['],
      ['k "\\#{x}"', '#{x}'],
      ['k "  padded  "', '  padded  '],
      ['k ""', ''],
      ['k "a" # comment', 'a'],
      ['k "a"#comment', 'a'],
    ])('reads %j as %j', (line, expected) => {
      expect(value(line)).toBe(expected)
    })

    it('keeps raw line breaks and joins lines after a backslash', () => {
      expect(value('k "line1\n   line2"')).toBe('line1\n   line2')
      expect(value('k "line1\\\n   line2"')).toBe('line1   line2')
    })

    it('reads a quoted key', () => {
      expect(root('"my key" v\n\'other key\' w').params).toEqual({ 'my key': 'v', 'other key': 'w' })
    })
  })

  describe('single-quoted values', () => {
    it.each([
      ["k 'a#comment'", 'a#comment'],
      ["k '\\\\'", '\\'],
      ["k '\\''", "'"],
      ["k '\\['", '\\['],
      ["k '\\n'", '\\n'],
      ['k \'#{ENV["X"]}\'', '#{ENV["X"]}'],
    ])('reads %j as %j', (line, expected) => {
      expect(value(line)).toBe(expected)
    })
  })

  describe('JSON values', () => {
    it('stores compact JSON text with numbers as written', () => {
      expect(value('k [1, 2.0, 12345678901234567890, "a b"]')).toBe('[1,2.0,12345678901234567890,"a b"]')
      expect(value('k {"a": {"b": [true, null]}}')).toBe('{"a":{"b":[true,null]}}')
    })

    it('reads JSON over several lines, with comments outside strings', () => {
      const text = ['k ["a", # first', '  "b#c",', '"d"] # done', 'next 1'].join('\n')
      expect(root(text).params).toEqual({ k: '["a","b#c","d"]', next: '1' })
    })

    it('evaluates #{...} inside JSON strings', () => {
      expect(value('k ["#{ENV[\'X\']}"]', { env: { X: 'say "hi"' } })).toBe('["say \\"hi\\""]')
    })

    it('does not read quoted brackets as JSON', () => {
      expect(value('k "[not json"')).toBe('[not json')
    })
  })

  describe('embedded code', () => {
    const host: ConfigHost = { env: { HOST: 'h1', EMPTY: '' }, hostname: 'box.local', workerId: 3 }
    it.each([
      ['k "#{ENV[\'HOST\']}"', 'h1'],
      ['k "#{ENV["HOST"]}:24224"', 'h1:24224'],
      ["k \"#{ENV.fetch('NOPE', 'fallback')}\"", 'fallback'],
      ["k \"#{ENV.fetch('HOST', 'fallback')}\"", 'h1'],
      ["k \"#{ENV['NOPE'] || ENV['HOST']}\"", 'h1'],
      ["k \"#{ENV['EMPTY'] || 'x'}\"", ''], // Ruby: "" is truthy
      ['k "#{ENV[\'NOPE\'] || 24224}"', '24224'],
      ['k "#{hostname}"', 'box.local'],
      ['k "#{Socket.gethostname}-#{worker_id}"', 'box.local-3'],
      ['k "a-#{ worker_id }-b"', 'a-3-b'],
    ])('evaluates %j as %j', (line, expected) => {
      expect(value(line, host)).toBe(expected)
    })

    it('interpolates nil as "" like Fluentd (warning for an unset ENV); use_nil and use_default unset the param', () => {
      const result = parseConfig(
        'a "#{ENV[\'NOPE\']}"\nb "#{ENV[\'NOPE\'] || use_default}"\nc "x#{use_nil}"\nd 1\ne "#{ENV[\'NOPE\'] || nil}/x"\n',
        'f.conf',
      )
      expect(result.config.root.params).toEqual({ a: '', d: '1', e: '/x' })
      expect(result.warnings.map((w) => w.reason)).toEqual([
        'environment variable NOPE is not set, so #{ENV[\'NOPE\']} is nil and gives "" (as in Fluentd)',
        'environment variable NOPE is not set, so #{ENV[\'NOPE\'] || nil} is nil and gives "" (as in Fluentd)',
      ])
    })

    const rich: ConfigHost = {
      env: { H6: 'fd00::1', H4: '10.96.0.1', HN: 'kubernetes.default.svc', P: '443', D: 'sub', EMPTY: '', VERIFY: 'false' },
      hostname: 'node-1',
      workerId: 0,
      cwd: '/srv/app',
      home: '/home/fluent',
    }
    it.each([
      ["k \"#{File.join('/var/log/', ENV.fetch('NOPE', ''), 'a.pos')}\"", '/var/log/a.pos'],
      ["k \"#{File.join('/var/log', ENV['D'], 'a.pos')}\"", '/var/log/sub/a.pos'],
      ["k \"#{ENV['NOPE'] || 'https://' + ENV.fetch('H4') + ':' + ENV.fetch('P') + '/api'}\"", 'https://10.96.0.1:443/api'],
      ["k \"#{IPAddr.new(ENV['H6']).ipv6? ? '[' + ENV['H6'] + ']' : ENV['H6'] rescue ENV['H6']}\"", '[fd00::1]'],
      ["k \"#{IPAddr.new(ENV['H4']).ipv6? ? '[' + ENV['H4'] + ']' : ENV['H4'] rescue ENV['H4']}\"", '10.96.0.1'],
      ["k \"#{IPAddr.new(ENV['HN']).ipv6? ? '[' + ENV['HN'] + ']' : ENV['HN'] rescue ENV['HN']}\"", 'kubernetes.default.svc'],
      ['k "#{ENV[\'NOPE\'] || true}"', 'true'],
      ['k "#{ENV[\'NOPE\'] || -1}"', '-1'],
      ["k \"#{ENV['VERIFY'] == 'false' ? false : true}\"", 'false'],
      ["k \"#{ENV['NOPE'].nil? ? 'unset' : 'set'}\"", 'unset'],
      ["k \"#{ENV['EMPTY'].empty? ? 'blank' : ENV['EMPTY']}\"", 'blank'],
      ['k "#{ENV.fetch(\'P\').to_i + 1}"', '444'],
      ['k "#{ENV[\'D\'].upcase}-#{hostname.downcase}"', 'SUB-node-1'],
      ['k "#{File.expand_path \'./buf\'}"', '/srv/app/buf'],
      ["k \"#{File.expand_path('../x', '/a/b')}\"", '/a/x'],
      ['k "#{Dir.pwd}/x"', '/srv/app/x'],
      ['k "#{Dir.home}/.sluice"', '/home/fluent/.sluice'],
      ['k "#{"inner #{ENV[\'D\']}"}"', 'inner sub'],
      ["k \"#{ENV['D'] != 'sub' ? 1 : 2}\"", '2'],
    ])('evaluates %s', (line, expected) => {
      const result = parseConfig(line, 'f.conf', rich)
      expect(result.errors.map(String)).toEqual([])
      expect(result.config.root.params.k).toBe(expected)
    })

    it('evaluates embedded code in section arguments', () => {
      expect(root('<match "#{ENV[\'T\']}.**">\n</match>', { env: { T: 'app' } }).elements[0].arg).toBe('app.**')
    })
  })

  describe('sections', () => {
    it('reads nested sections with arguments', () => {
      const text = '<match a.** b.*>\n  @type copy\n  <store ignore_error>\n    @type stdout\n  </store>\n</match>\n'
      expect(root(text).elements).toEqual([
        createElement('match', 'a.** b.*', { '@type': 'copy' }, [createElement('store', 'ignore_error', { '@type': 'stdout' })]),
      ])
    })

    it('trims spacing around the argument and reads an empty one as ""', () => {
      expect(root('<test    a    >\n</test>\n<t >\n</t>').elements.map((e) => e.arg)).toEqual(['a', ''])
    })

    it('reads a quoted argument that contains > and #', () => {
      expect(root('<match "a>#b">\n</match>').elements[0].arg).toBe('a>#b')
    })

    it('accepts @type, @id, @label and @log_level and warns about other @ params in nested sections', () => {
      const result = parseConfig('<match x>\n  @type null\n  <record>\n    @k v\n  </record>\n</match>\n', 'f.conf')
      expect(result.errors).toEqual([])
      expect(result.config.root.elements[0].elements[0].params).toEqual({ '@k': 'v' })
      expect(result.warnings.map((w) => w.reason)).toEqual(['param @k uses the reserved @ prefix'])
    })
  })

  describe('locations', () => {
    it('records file, line and column of elements and params', () => {
      const result = parseConfig('# c\n<source>\n  @type forward\n  port 1\n</source>\n', 'fluent.conf')
      const source = result.config.root.elements[0]
      const loc = result.locs.get(source)!
      expect({ file: loc.file, line: loc.line, column: loc.column, endLine: loc.endLine }).toEqual({
        file: 'fluent.conf',
        line: 2,
        column: 1,
        endLine: 5,
      })
      expect(loc.params.get('port')).toMatchObject({ file: 'fluent.conf', line: 4, column: 3 })
    })

    it('keeps locations out of the JSON form', () => {
      const result = parseConfig('<source>\n  @type forward\n</source>\n', 'fluent.conf')
      expect(JSON.parse(JSON.stringify(result.config))).toEqual(result.config)
      expect(Object.keys(result.config.root.elements[0])).toEqual(['name', 'arg', 'params', 'elements'])
    })
  })

  describe('@include', () => {
    const files = {
      '/etc/fluent/fluent.conf': [
        'k1 root',
        'include dir/two.conf',
        '@include /etc/fluent/abs.conf',
        '@include file:///etc/fluent/uri.conf',
        '@include config.d/*.conf',
        '<elem>',
        '  @include dir/in-section.conf',
        '</elem>',
      ].join('\n'),
      '/etc/fluent/dir/two.conf': 'k2 relative\n@include ../three.conf\n',
      '/etc/fluent/three.conf': 'k3 nested-relative\n',
      '/etc/fluent/abs.conf': 'k4 absolute\n',
      '/etc/fluent/uri.conf': 'k5 uri\n',
      '/etc/fluent/config.d/b.conf': 'k7 second\n',
      '/etc/fluent/config.d/a.conf': 'k6 first\n<source>\n  @type dummy\n</source>\n',
      '/etc/fluent/config.d/.hidden.conf': 'hidden 1\n',
      '/etc/fluent/dir/in-section.conf': 'shared 1\n<nested>\n</nested>\n',
    }

    it('inlines files relative to the including file, globs in sorted order, also inside sections', () => {
      const result = parseConfigFile('/etc/fluent/fluent.conf', memoryHost(files))
      expect(result.errors.map(String)).toEqual([])
      expect(result.config.root.params).toEqual({
        k1: 'root',
        k2: 'relative',
        k3: 'nested-relative',
        k4: 'absolute',
        k5: 'uri',
        k6: 'first',
        k7: 'second',
      })
      expect(result.config.root.elements.map((e) => e.name)).toEqual(['source', 'elem'])
      expect(result.config.root.elements[1]).toEqual(createElement('elem', '', { shared: '1' }, [createElement('nested')]))
      expect(result.warnings.map((w) => w.reason)).toEqual(["'include' is deprecated"])
      expect(result.files).toEqual([
        '/etc/fluent/fluent.conf',
        '/etc/fluent/dir/two.conf',
        '/etc/fluent/three.conf',
        '/etc/fluent/abs.conf',
        '/etc/fluent/uri.conf',
        '/etc/fluent/config.d/a.conf',
        '/etc/fluent/config.d/b.conf',
        '/etc/fluent/dir/in-section.conf',
      ])
    })

    it('records the file and include chain of included params', () => {
      const result = parseConfigFile('/etc/fluent/fluent.conf', memoryHost(files))
      expect(result.locs.get(result.config.root)!.params.get('k3')).toEqual({
        file: '/etc/fluent/three.conf',
        line: 1,
        column: 1,
        includedFrom: [
          { file: '/etc/fluent/fluent.conf', line: 2 },
          { file: '/etc/fluent/dir/two.conf', line: 2 },
        ],
      })
    })

    it('warns when a glob matches nothing, as Fluentd silently includes nothing', () => {
      const result = parseConfigFile('a.conf', memoryHost({ 'a.conf': '@include conf.d/*.conf\n' }))
      expect(result.errors).toEqual([])
      expect(result.warnings.map(String)).toEqual([
        'a.conf:1: warning: @include conf.d/*.conf matched no files; hint: nothing is included from conf.d/*.conf',
      ])
    })
  })
})

describe('parseConfig on arbitrary input', () => {
  it('never throws, and whatever model it returns prints and parses back to itself', () => {
    const piece = fc.constantFrom(
      '<',
      '</',
      '>',
      '<match a>',
      '</match>',
      '<source>',
      '</source>',
      '<bad-name>',
      '@include x.conf',
      '@type',
      '"',
      "'",
      '\\',
      '#',
      '#{',
      '}',
      '#{ENV["A"]}',
      '[',
      ']',
      '{',
      '}',
      '"a"',
      ' ',
      '\t',
      '\n',
      '\r\n',
      'k',
      'v',
      ',',
      ':',
    )
    const input = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(input, (text) => {
        const result = parseConfig(text, 'fuzz.conf', { env: { A: 'x' }, hostname: 'h' })
        const again = parseConfig(printConfig(result.config), 'printed.conf')
        expect(again.errors.map(String)).toEqual([])
        expect(again.config).toEqual(result.config)
      }),
      { numRuns: 1000 },
    )
  })
})
