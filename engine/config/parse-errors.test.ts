/**
 * @module Exact parser error messages (file:line[:column], reason, hint) for typical mistakes,
 * and error recovery: one broken file reports every mistake and still yields the good parts.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { memoryHost } from './memory-host.ts'
import { parseConfig, parseConfigFile, type ConfigHost } from './parse.ts'

function errors(text: string, host: ConfigHost = {}): string[] {
  return parseConfig(text, 'fluent.conf', host).errors.map(String)
}

describe('parseConfig errors', () => {
  it('reports a double quote left open until the end of the file', () => {
    expect(errors('<source>\n  bind "0.0.0.0\n</source>\n')).toEqual([
      'fluent.conf:2:8: unterminated double-quoted string in the value of bind; hint: add the closing " (a quoted value may span lines; there is no other " in the file)',
    ])
  })

  it('reports a double quote whose next quote is on a later line, and reads the lines between', () => {
    const result = parseConfig('<source>\n  bind "0.0.0.0\n  port 24224\n  tag "app"\n</source>\n', 'fluent.conf')
    expect(result.errors.map(String)).toEqual([
      'fluent.conf:2:8: unterminated double-quoted string in the value of bind; hint: add the closing " (a quoted value may span lines; the next " is on line 4)',
    ])
    expect(result.config.root.elements[0].params).toEqual({ port: '24224', tag: 'app' })
  })

  it('reports an unterminated single quote', () => {
    expect(errors("path '/var/log\n")).toEqual([
      "fluent.conf:1:6: unterminated single-quoted string in the value of path; hint: add the closing ' (a quoted value may span lines; there is no other ' in the file)",
    ])
  })

  it('reports an unknown escape with its column', () => {
    expect(errors('<match a>\n  label "a\\qb"\n</match>\n')).toEqual([
      'fluent.conf:2:11: unknown escape \\q in a double-quoted string; hint: the escapes are \\" \\\' \\\\ \\r \\n \\t \\f \\b \\0; write \\\\ for a backslash',
    ])
  })

  it('reports a section left open at the end of the file', () => {
    expect(errors('<match app.**>\n  @type stdout\n')).toEqual([
      'fluent.conf:1: unclosed section <match app.**> at end of file; hint: add </match>',
    ])
  })

  it('reports a mismatched end tag', () => {
    expect(errors('<filter app.**>\n  @type grep\n</match>\n')).toEqual([
      'fluent.conf:3: unmatched </match> (the open section is <filter>); hint: check the end tag names',
    ])
  })

  it('reports an inner section that an outer end tag closes', () => {
    expect(errors('<match a>\n  <buffer>\n    flush_interval 1s\n</match>\n')).toEqual([
      'fluent.conf:2: unclosed section <buffer> (the end tag </match> at line 4 closes an outer section); hint: add </buffer> before line 4',
    ])
  })

  it('reports an end tag without a start tag', () => {
    expect(errors('<source>\n  @type forward\n</source>\n</source>\n')).toEqual([
      'fluent.conf:4: end tag </source> without a start tag; hint: remove it, or add the missing <source> above it',
    ])
  })

  it('reports a section name with characters outside [a-zA-Z0-9_] once', () => {
    expect(errors('<filter-app **>\n  @type grep\n</filter-app>\n')).toEqual([
      'fluent.conf:1:1: invalid section name <filter-app>; hint: section names use only letters, digits and _ (e.g. <match>, <buffer>)',
    ])
  })

  it('reports a start tag without >', () => {
    expect(errors('<match app.**\n  @type null\n</match>\n')).toEqual([
      'fluent.conf:1:14: missing > at the end of the start tag <match app.**; hint: a start tag is written <name ARG> on one line',
    ])
  })

  it('reports text after a start tag and after an end tag', () => {
    expect(errors('<source> forward\n</source>\n<match a></match>\n')).toEqual([
      'fluent.conf:1:10: unexpected text after <source>; hint: a start tag must be alone on its line; params go on the lines below it',
      'fluent.conf:3:10: unexpected text after <match a>; hint: each tag goes on its own line',
    ])
  })

  it('reports text after a quoted value (a garbage line)', () => {
    expect(errors('tag "ok" trailing\n')).toEqual([
      'fluent.conf:1:10: unexpected text after the quoted value of tag; hint: a value must end its line; a comment needs whitespace then #',
    ])
  })

  it('reports an unsupported #{...} expression and says what is supported', () => {
    const found = parseConfig(
      'host "#{`hostname -f`}"\ncmd "#{File.read(\'/etc/x\')}"\nx "#{ENV[\'A\'].each { |c| c }}"\n',
      'fluent.conf',
    ).errors
    expect(found.map((e) => `${e.file}:${e.line}:${e.column}: ${e.reason}`)).toEqual([
      'fluent.conf:1:7: unsupported embedded Ruby #{`hostname -f`}: shell commands are not supported (column 1)',
      "fluent.conf:2:6: unsupported embedded Ruby #{File.read('/etc/x')}: File.read is not supported",
      "fluent.conf:3:4: unsupported embedded Ruby #{ENV['A'].each { |c| c }}: blocks and hash literals are not supported (column 15)",
    ])
    for (const e of found)
      expect(e.hint).toMatch(
        /^sluice evaluates a Ruby subset and runs no Ruby: hostname, worker_id, .*ENV\['X'\], ENV\.fetch, .*File\.join/,
      )
  })

  it('reports ENV.fetch of an unset variable, an unterminated #{ and an unknown hostname', () => {
    expect(errors('a "#{ENV.fetch(\'KEY\')}"\nb "#{ENV[\'X\']"\nc "#{hostname}"\nd "#{\'x\' + ENV[\'NOPE\']}"\n')).toEqual([
      "fluent.conf:1:4: #{ENV.fetch('KEY')} failed: the environment variable KEY is not set (KeyError); hint: set KEY, or give a default: ENV.fetch('KEY', 'default') or ENV['KEY'] || 'default'",
      'fluent.conf:2:4: unterminated #{...} in a double-quoted string; hint: close the embedded code with } on the same line',
      'fluent.conf:3:4: #{hostname}: the hostname is not known in this runtime; hint: the host must pass it in the parse options',
      "fluent.conf:4:4: #{'x' + ENV['NOPE']} failed: no implicit conversion of nil into String (TypeError); hint: Fluentd stops loading the config on this error too; give a fallback with || or rescue",
    ])
  })

  it('reports an invalid JSON value and says how to keep it a string', () => {
    const [error] = parseConfig('servers [{"host": "a"}, {"host": b}]\n', 'fluent.conf').errors
    expect(error.message).toMatch(
      /^fluent\.conf:1:9: invalid JSON array in the value of servers: .+; hint: a value that starts with \[ is read as JSON; quote the value \(e\.g\. "\[\.\.\."\) to keep it a plain string$/,
    )
  })

  it('reports an unterminated JSON value and resumes on the next line', () => {
    const result = parseConfig('<match a>\n  tags [warn, error\n  @type null\n</match>\n', 'fluent.conf')
    expect(result.errors.map(String)).toEqual([
      'fluent.conf:2:8: unterminated JSON array in the value of tags; hint: close it with ]; a value that starts with [ is read as JSON, quote the value (e.g. "[...") to keep it a plain string',
    ])
    expect(result.config.root.elements[0].params).toEqual({ '@type': 'null' })
  })

  it('reports an unknown reserved @ param in a directive', () => {
    expect(errors('<match a>\n  @typo null\n</match>\n@foo 1\n')).toEqual([
      'fluent.conf:2: unknown reserved param @typo; hint: names starting with @ are reserved for @type, @id, @label, @log_level (did you mean @type?)',
      'fluent.conf:4: unknown reserved param @foo; hint: names starting with @ are reserved for @type, @id, @label, @log_level',
    ])
  })

  describe('@include', () => {
    it('reports a missing file with the include chain', () => {
      const host = memoryHost({
        'fluent.conf': '<system>\n</system>\n@include conf.d/outputs.conf\n',
        'conf.d/outputs.conf': '<match **>\n  @include ../shared/missing.conf\n</match>\n',
      })
      expect(parseConfigFile('fluent.conf', host).errors.map(String)).toEqual([
        'conf.d/outputs.conf:2: cannot read @include file ../shared/missing.conf (resolved to shared/missing.conf): no such file (included from fluent.conf:3); hint: check the path; a relative path is resolved against the directory of conf.d/outputs.conf',
      ])
    })

    it('reports errors inside included files with their chain', () => {
      const host = memoryHost({ 'fluent.conf': '@include a.conf\n', 'a.conf': '<match x>\n' })
      expect(parseConfigFile('fluent.conf', host).errors.map(String)).toEqual([
        'a.conf:1: unclosed section <match x> at end of file (included from fluent.conf:1); hint: add </match>',
      ])
    })

    it('refuses http(s) URLs and says why', () => {
      expect(errors('@include https://config.example.com/fluent.conf\n', memoryHost({}))).toEqual([
        'fluent.conf:1: @include of a URL is not supported: https://config.example.com/fluent.conf; hint: sluice reads configuration only from local files, so that starting and checking a config never depends on the network; download the file and @include the local copy',
      ])
    })

    it('reports an include cycle', () => {
      const host = memoryHost({ 'a.conf': '@include b.conf\n', 'b.conf': 'k 1\n@include a.conf\n' })
      expect(parseConfigFile('a.conf', host).errors.map(String)).toEqual([
        'b.conf:2: @include cycle: a.conf is already being read (included from a.conf:1); hint: remove the @include that leads back to this file',
      ])
    })

    it('reports @include where the runtime has no files', () => {
      expect(errors('@include other.conf\n')).toEqual([
        'fluent.conf:1: @include is not available here: other.conf; hint: this runtime has no file access; inline the included file',
      ])
    })

    it('reports an end tag in an included file that closes the including section', () => {
      const host = memoryHost({ 'fluent.conf': '<match x>\n  @include part.conf\n</match>\n', 'part.conf': '@type null\n</match>\n' })
      expect(parseConfigFile('fluent.conf', host).errors.map(String)).toEqual([
        'part.conf:2: end tag </match> without a start tag (included from fluent.conf:2); hint: this file is included inside <match>; an included file must close the sections it opens and only those',
      ])
    })
  })

  it('collects every mistake of a broken file and keeps the good parts', () => {
    const text = readFileSync(new URL('../../test/fixtures/config/broken/mistakes.conf', import.meta.url), 'utf8')
    const result = parseConfig(text, 'mistakes.conf', { hostname: 'box' })
    expect(result.errors.map((e) => `${e.line}: ${e.reason}`.replace(/: Unexpected .*/, ''))).toEqual([
      '5: unterminated double-quoted string in the value of bind',
      '10: unknown escape \\q in a double-quoted string',
      '11: unclosed section <format> (the end tag </match> at line 13 closes an outer section)',
      '15: invalid section name <filter-app>',
      '21: unsupported embedded Ruby #{`hostname -f`}: shell commands are not supported (column 1)',
      '22: invalid JSON array in the value of servers',
      '23: unexpected text after the quoted value of tag',
      '26: end tag </filter> without a start tag',
      '28: unclosed section <match last.**> at end of file',
    ])
    expect(result.config.root.elements.map((e) => `<${e.name} ${e.arg}>`)).toEqual([
      '<source >',
      '<match app.**>',
      '<match other.**>',
      '<match last.**>',
    ])
    expect(result.config.root.elements[0].params).toEqual({ '@type': 'forward', port: '24224' })
  })
})
