/**
 * @module The Ruby subset against Ruby's own answers (results written down from Ruby 3.x irb):
 * truthiness and `||`, ternaries, string methods, Integer vs Float arithmetic, Time and strftime,
 * File.join / expand_path, IPAddr and the k8s IPv6 idiom, rescue, and the compile-time refusals.
 */

import { describe, expect, it } from 'vitest'
import { compileRuby, CONFIG_DIALECT, evaluate, RECORD_DIALECT, RTime, RubyError, toRecord, toS, type RubyEnv } from './index.ts'
import { rubyStrftime } from './strftime.ts'
import { inspect, type RValue } from './values.ts'

const TIME = new RTime(1441588984, 123456789, true) // 2015-09-07 01:23:04.123456789 UTC

const locals: Record<string, RValue> = {
  record: { log: 'Hello World', n: 2.5, i: 7, nested: { a: { b: 'deep' } }, list: [1, 'two', null], empty: '', flag: false },
  tag: 'kube.var.log.containers.app',
  tag_parts: ['kube', 'var', 'log', 'containers', 'app'],
  tag_prefix: ['kube', 'kube.var', 'kube.var.log', 'kube.var.log.containers', 'kube.var.log.containers.app'],
  tag_suffix: ['kube.var.log.containers.app', 'var.log.containers.app', 'log.containers.app', 'containers.app', 'app'],
  time: TIME,
  hostname: 'node-1',
}
const env: RubyEnv = {
  local: (name) => locals[name],
  env: { HOME: '/root', EMPTY: '', PORT: '24224', H6: 'fd00:10:96::1', H4: '10.96.0.1' },
  hostname: 'node-1',
  cwd: '/srv',
  home: '/root',
  now: () => 1_700_000_000_500,
}

function run(code: string, dialect = RECORD_DIALECT): RValue {
  const compiled = compileRuby(code, dialect)
  if (!compiled.ok) throw new Error(compiled.reason)
  return evaluate(compiled.node, env)
}
const show = (code: string, dialect = RECORD_DIALECT) => inspect(run(code, dialect))

describe('values and operators', () => {
  it.each([
    ['nil || "d"', '"d"'],
    ['false || 0', '0'],
    ['"" || "d"', '""'], // "" is truthy in Ruby
    ['0 || 1', '0'],
    ['nil && 1', 'nil'],
    ['1 && 2', '2'],
    ['!nil', 'true'],
    ['!""', 'false'],
    ['not true', 'false'],
    ['1 == 1.0', 'true'],
    ['"a" != "b"', 'true'],
    ['1 < 2 && "a" < "b"', 'true'],
    ['7 / 2', '3'],
    ['-7 / 2', '-4'],
    ['7 % -3', '-2'],
    ['7.0 / 2', '3.5'],
    ['1 + 2.0', '3.0'],
    ['2 * 3 + 1', '7'],
    ['(1 + 2) * 3', '9'],
    ['9007199254740993 + 1', '9007199254740994'],
    ['"ab" * 3', '"ababab"'],
    ['"a" + "b" + "c"', '"abc"'],
    ['[1, 2] + [3]', '[1, 2, 3]'],
    ['true ? "y" : "n"', '"y"'],
    ['nil ? "y" : "n"', '"n"'],
    ['1 > 2 ? "a" : 2 > 1 ? "b" : "c"', '"b"'],
    ['"x#{1 + 1}y"', '"x2y"'],
    ["'no #{interp}'", '"no \\#{interp}"'],
    ['"tab\\tq\\""', '"tab\\tq\\""'],
    ['-1.5', '-1.5'],
    ['1_000', '1000'],
    ['1e3', '1000.0'],
    ['"abc" =~ /b/', '1'],
    ['"abc" =~ /z/', 'nil'],
    ['"abc" !~ /z/', 'true'],
  ])('%s → %s', (code, expected) => {
    expect(show(code)).toBe(expected)
  })

  it('raises Ruby errors for type mistakes, and rescue catches them', () => {
    expect(() => run('"a" + 1')).toThrow(new RubyError('no implicit conversion of Integer into String', 'TypeError'))
    expect(() => run('nil + 1')).toThrow("undefined method '+' for nil")
    expect(() => run('1 / 0')).toThrow('divided by 0')
    expect(() => run('record["nope"]["x"]')).toThrow("undefined method '[]' for nil")
    expect(() => run('1.upcase')).toThrow("undefined method 'upcase' for an instance of Integer")
    expect(show('record["nope"]["x"] rescue "fallback"')).toBe('"fallback"')
    expect(show('(1 / 0 rescue 0) + 1')).toBe('1')
  })
})

describe('String methods', () => {
  it.each([
    ['record["log"].downcase', '"hello world"'],
    ['record["log"].upcase', '"HELLO WORLD"'],
    ['"  x \\n".strip', '"x"'],
    ['"line\\n".chomp', '"line"'],
    ['"abc".capitalize', '"Abc"'],
    ['record["log"].length', '11'],
    ['"héllo".size', '5'],
    ['record["log"].include?("World")', 'true'],
    ['record["log"].start_with?("x", "Hell")', 'true'],
    ['record["log"].end_with?("d")', 'true'],
    ['record["log"].gsub(/o/, "0")', '"Hell0 W0rld"'],
    ['record["log"].gsub("l", "L")', '"HeLLo WorLd"'],
    ['record["log"].sub(/o/, "0")', '"Hell0 World"'],
    ['record["log"].sub(/(\\w+) (\\w+)/, \'\\2 \\1\')', '"World Hello"'],
    ['record["log"].gsub(/(?<w>o)/, \'<\\k<w>>\')', '"Hell<o> W<o>rld"'],
    ['record["log"].split(" ")[1]', '"World"'],
    ['"a,b,,c,,".split(",")', '["a", "b", "", "c"]'],
    ['"  a  b ".split', '["a", "b"]'],
    ['"a.b.c".split(".", 2)', '["a", "b.c"]'],
    ['"a1b22c".split(/\\d+/)', '["a", "b", "c"]'],
    ['tag.split(".")[-1]', '"app"'],
    ['"a.b".tr(".", "_")', '"a_b"'],
    ['"hello".tr("a-y", "b-z")', '"ifmmp"'],
    ['"hello"[1]', '"e"'],
    ['"hello"[1, 3]', '"ell"'],
    ['"hello"[-1]', '"o"'],
    ['"12abc".to_i', '12'],
    ['"abc".to_i', '0'],
    ['" -3_000x".to_i', '-3000'],
    ['"1.5e2kg".to_f', '150.0'],
    ['"x".to_f', '0.0'],
    ['"ab".empty?', 'false'],
    ['record["empty"].empty?', 'true'],
    ['"abc".reverse', '"cba"'],
    ['"ERROR: x".match(/(?<lvl>\\w+): (.*)/)[1]', '"ERROR"'],
    ['"ERROR: x".match(/(?<lvl>\\w+):/)["lvl"]', '"ERROR"'],
    ['"a1b2".scan(/\\d/)', '["1", "2"]'],
    ['"abc".match?(/B/i)', 'true'],
    ['"a\\"b".to_json', '"\\"a\\\\\\"b\\""'],
    ['"x".nil?', 'false'],
    ['nil.to_s', '""'],
    ['nil.to_i', '0'],
  ])('%s → %s', (code, expected) => {
    expect(show(code)).toBe(expected)
  })
})

describe('numbers, arrays, hashes', () => {
  it.each([
    ['record["n"] * 2', '5.0'],
    ['record["i"].to_s', '"7"'],
    ['record["i"].to_f', '7.0'],
    ['record["n"].to_i', '2'],
    ['2.5.round', '3'],
    ['-2.5.round', '-3'],
    ['3.14159.round(2)', '3.14'],
    ['2.7.floor', '2'],
    ['record["n"].to_s', '"2.5"'],
    ['10.0.to_s', '"10.0"'],
    ['1e20.to_s', '"1.0e+20"'],
    ['record["list"].length', '3'],
    ['record["list"].first', '1'],
    ['record["list"].last', 'nil'],
    ['record["list"].compact.join("-")', '"1-two"'],
    ['record["list"][1]', '"two"'],
    ['record["list"].include?("two")', 'true'],
    ['record.keys.first(2)', '["log", "n"]'],
    ['record["nested"]["a"]["b"]', '"deep"'],
    ['record.dig("nested", "a", "b")', '"deep"'],
    ['record.dig("nope", "a")', 'nil'],
    ['record.fetch("nope", "d")', '"d"'],
    ['record.key?("log")', 'true'],
    ['record["flag"] || "was false"', '"was false"'],
    ['record.slice("i", "n")', '{"i" => 7, "n" => 2.5}'],
    ['record["nested"].to_json', '"{\\"a\\":{\\"b\\":\\"deep\\"}}"'],
    ['record.slice("i", "n", "list").to_json', '"{\\"i\\":7,\\"n\\":2.5,\\"list\\":[1,\\"two\\",null]}"'],
    ['[1, 2, 3].sum', '6'],
    ['[3, 1, 2].sort.reverse', '[3, 2, 1]'],
    ['[1, [2, [3]]].flatten', '[1, 2, 3]'],
    ['[1, 1, 2].uniq', '[1, 2]'],
  ])('%s → %s', (code, expected) => {
    expect(show(code)).toBe(expected)
  })

  it('keeps Floats apart from Integers when stored back into a record', () => {
    expect(toRecord(run('record["n"] * 2'))).toBe(5)
    expect(toRecord(run('record.slice("n")'))).toEqual({ n: 2.5 })
    expect(toRecord(run('time'))).toBe('2015-09-07 01:23:04 UTC')
  })
})

describe('record_transformer names', () => {
  it.each([
    ['tag', '"kube.var.log.containers.app"'],
    ['tag_parts[0]', '"kube"'],
    ['tag_parts[-1]', '"app"'],
    ['tag_parts[9]', 'nil'],
    ['tag_prefix[1]', '"kube.var"'],
    ['tag_suffix[-2]', '"containers.app"'],
    ['hostname', '"node-1"'],
    ['Socket.gethostname', '"node-1"'],
    ['time.to_i', '1441588984'],
    ['time.to_f', '1441588984.1234567'],
    ['time.usec', '123456'],
    ["time.strftime('%Y-%m-%dT%H:%M:%S.%3N%z')", '"2015-09-07T01:23:04.123+0000"'],
    ['Time.at(time).utc.iso8601', '"2015-09-07T01:23:04Z"'],
    ['Time.at(time).utc.iso8601(3)', '"2015-09-07T01:23:04.123Z"'],
    ['time.utc.to_s', '"2015-09-07 01:23:04 UTC"'],
    ['Time.at(1441588984).utc.year', '2015'],
    ['Time.at(1441588984.5).utc.strftime("%s.%L")', '"1441588984.500"'],
    ['(time + 60).utc.strftime("%H:%M")', '"01:24"'],
    ['Time.now.to_i', '1700000000'],
    ['Time.now.utc.to_i - time.to_i > 0', 'true'],
  ])('%s → %s', (code, expected) => {
    expect(show(code)).toBe(expected)
  })
})

describe('strftime', () => {
  it.each([
    ['%Y-%m-%d %H:%M:%S', '2015-09-07 01:23:04'],
    ['%F %T', '2015-09-07 01:23:04'],
    ['%L %N %6N %3N', '123 123456789 123456 123'],
    ['%z %:z %Z', '+0000 +00:00 UTC'],
    ['%a %A %b %B %e %j', 'Mon Monday Sep September  7 250'],
    ['%-d/%-m %I%p %l%P', '7/9 01AM  1am'],
    ['%^a %10A|', 'MON     Monday|'],
    ['%s %% %q', '1441588984 % %q'],
  ])('%s', (format, expected) => {
    expect(rubyStrftime(TIME, format)).toBe(expected)
  })
})

describe('config dialect', () => {
  const cfg = (code: string) => toS(run(code, CONFIG_DIALECT))
  it.each([
    ["ENV['HOME']", '/root'],
    ["ENV['NOPE']", ''],
    ["ENV['NOPE'] || 'd'", 'd'],
    ["ENV['EMPTY'] || 'd'", ''],
    ["ENV['NOPE'] || true", 'true'],
    ["ENV['NOPE'] || nil", ''],
    ["ENV.fetch('NOPE', 'd')", 'd'],
    ["ENV.fetch('PORT').to_i + 1", '24225'],
    ["ENV.key?('PORT') ? 'set' : 'unset'", 'set'],
    ["File.join('/var/log/', ENV.fetch('NOPE', ''), 'a.pos')", '/var/log/a.pos'],
    ["File.join('a', ['b', 'c'])", 'a/b/c'],
    ["File.join('', 'a')", '/a'],
    ["File.expand_path './x'", '/srv/x'],
    ["File.expand_path('~/x')", '/root/x'],
    ["File.expand_path('../x/./y', '/a/b')", '/a/x/y'],
    ["File.basename('/var/log/app.log', '.log')", 'app'],
    ["File.dirname('/var/log/app.log')", '/var/log'],
    ['Dir.pwd', '/srv'],
    ['Dir.home', '/root'],
    ["IPAddr.new(ENV['H6']).ipv6? ? '[' + ENV['H6'] + ']' : ENV['H6'] rescue ENV['H6']", '[fd00:10:96::1]'],
    ["IPAddr.new(ENV['H4']).ipv6? ? '[' + ENV['H4'] + ']' : ENV['H4'] rescue ENV['H4']", '10.96.0.1'],
    ["IPAddr.new('kubernetes.default').ipv6? ? 'six' : 'four' rescue 'name'", 'name'],
    ["IPAddr.new('::ffff:10.0.0.1').ipv6?", 'true'],
    ["IPAddr.new('10.0.0.0/8').ipv4?", 'true'],
  ])('%s → %s', (code, expected) => {
    expect(cfg(code)).toBe(expected)
  })

  it('tells which ENV reads were unset', () => {
    const seen: string[] = []
    const compiled = compileRuby("ENV['A'] || ENV['B'] || 'x'", CONFIG_DIALECT)
    if (!compiled.ok) throw new Error(compiled.reason)
    evaluate(compiled.node, { ...env, env: {}, onUnsetEnv: (n) => seen.push(n) })
    expect(seen).toEqual(['A', 'B'])
  })
})

describe('compile-time refusals name the part and list what is supported', () => {
  it.each([
    ['`id`', CONFIG_DIALECT, 'shell commands are not supported (column 1)'],
    ["File.read('/etc/passwd')", CONFIG_DIALECT, 'File.read is not supported'],
    ['system("id")', CONFIG_DIALECT, 'the method system(...) is not supported'],
    ['Kernel.exit', CONFIG_DIALECT, 'the constant Kernel is not supported'],
    ['record["a"]', CONFIG_DIALECT, 'record is not supported here'],
    ['ENV', CONFIG_DIALECT, 'ENV can only be used as ENV.fetch'],
    ['x = 1', CONFIG_DIALECT, 'assignment is not supported (column 3)'],
    ['record.map { |k| k }', RECORD_DIALECT, 'blocks and hash literals are not supported (column 12)'],
    ['record.each_pair', RECORD_DIALECT, 'the method .each_pair is not supported'],
    ['record["a"].gsub(/x/)', RECORD_DIALECT, '.gsub takes 2 arguments, got 1'],
    ["ENV['HOME']", RECORD_DIALECT, 'the constant ENV is not supported'],
    ['record["a"', RECORD_DIALECT, 'expected ], found end of expression (column 11)'],
    ['"a" +', RECORD_DIALECT, 'the expression ends too early (column 6)'],
    ['/(?<x/', RECORD_DIALECT, 'the regexp /(?<x/ cannot be compiled'],
  ])('%s', (code, dialect, reason) => {
    const result = compileRuby(code, dialect)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.reason).toContain(reason)
    expect(result.hint).toMatch(/^sluice evaluates a Ruby subset and runs no Ruby: /)
  })

  it('compiles to plain data (JSON round trip gives the same result)', () => {
    const compiled = compileRuby('record["log"].gsub(/o/, "0") + tag_parts[-1]', RECORD_DIALECT)
    if (!compiled.ok) throw new Error(compiled.reason)
    const copy = JSON.parse(JSON.stringify(compiled.node))
    expect(copy).toEqual(compiled.node)
    expect(evaluate(copy, env)).toBe('Hell0 W0rldapp')
  })
})
