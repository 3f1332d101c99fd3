/**
 * @module The regexps of Fluentd's built-in parsers, as Fluentd v1.18 writes them (Ruby source;
 * compiled with Ruby's line semantics by `rubyRegexp`): the expression defaults of apache_error,
 * nginx and apache, apache2's fixed one, the syslog parts, and the cri line. Plain data the
 * descriptors (defaults) and the implementations share.
 */

import { parseRegexp, type RegexpValue } from '../config/types.ts'
import { compileRubyRegexp } from '../ruby/regexp.ts'

/** A `/source/flags` constant as a RegexpValue (throws on a bad constant: a bug, caught by the tests). */
function constant(text: string): RegexpValue {
  const parsed = parseRegexp(text)
  if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.hint}`)
  return parsed.value
}

/** A regexp param compiled for parsing: lines end only at \n, as in Ruby. */
export function rubyRegexp(value: RegexpValue): RegExp {
  return compileRubyRegexp(value.source, value.flags, '', true)
}

export const APACHE_ERROR_EXPRESSION = constant(
  String.raw`/^\[[^ ]* (?<time>[^\]]*)\] \[(?<level>[^\]]*)\](?: \[pid (?<pid>[^\]]*)\])?( \[client (?<client>[^\]]*)\])? (?<message>.*)$/`,
)

export const NGINX_EXPRESSION = constant(
  String.raw`/^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>[^\"]*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)"(?:\s+\"?(?<http_x_forwarded_for>[^\"]*)\"?)?)?$/`,
)

export const APACHE_EXPRESSION = constant(
  String.raw`/^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>[^ ]*) +\S*)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)")?$/`,
)

export const APACHE2_REGEXP = rubyRegexp(
  constant(
    String.raw`/^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>(?:[^\"]|\\")*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>(?:[^\"]|\\")*)" "(?<agent>(?:[^\"]|\\")*)")?$/`,
  ),
)

/** The `time_format` of apache2, nginx and apache. */
export const APACHE_TIME_FORMAT = '%d/%b/%Y:%H:%M:%S %z'

/** syslog (parser_engine regexp): the parts read after the PRI and the time field. */
export const RFC3164_PRI = rubyRegexp(constant('/^<(?<pri>[0-9]{1,3})>/'))
export const RFC3164_BODY = rubyRegexp(
  constant(String.raw`/(?<host>[^ ]*) (?<ident>[^ :\[]*)(?:\[(?<pid>[0-9]+)\])?(?:[^\:]*\:)? *(?<message>.*)$/`),
)
export const RFC5424_PRI = rubyRegexp(constant(String.raw`/^<(?<pri>\d{1,3})>\d\d{0,2}\s/`))
export const RFC5424_BODY = rubyRegexp(
  constant(
    String.raw`/(?<host>[!-~]{1,255}) (?<ident>[!-~]{1,48}) (?<pid>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) (?<extradata>(?:\-|(?:\[.*?(?<!\\)\])+))(?: (?<message>.+))?\z/m`,
  ),
)
export const DETECT_RFC5424 = rubyRegexp(constant(String.raw`/^\<[0-9]{1,3}\>[1-9]\d{0,2}/`))

/** The names of a regexp's named groups, in the order they are written (Ruby's `names`). */
export function groupNames(regexp: RegExp): string[] {
  const names: string[] = []
  for (const m of regexp.source.matchAll(/\\.|\[(?:\\.|[^\]\\])*\]|\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)) {
    if (m[1] !== undefined && !names.includes(m[1])) names.push(m[1])
  }
  return names
}
