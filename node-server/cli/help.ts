/**
 * @module `sluice --help` / `sluice <command> --help` and `--version`.
 */

import { readFileSync } from 'node:fs'
import { repoPath } from '../paths.ts'
import { formatOptions } from './args.ts'
import { BENCH_OPTIONS } from './bench/options.ts'
import { CHECK_OPTIONS, CONVERT_OPTIONS, RUN_OPTIONS, TEST_OPTIONS } from './options.ts'

/** The version in package.json. */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

export const MAIN_HELP = `sluice ${version()} — a Fluentd-compatible log router

Usage:
  sluice [run] [-c FILE] [options]     run the daemon (no -c: the embedded default config:
                                       forward on 127.0.0.1:24224, http on 127.0.0.1:9880, events to
                                       stdout except bench.** (dropped), the HTTP API on 127.0.0.1:24220)
  sluice check -c FILE [--strict]      validate a config, print it normalized, its warnings and errors
  sluice test -c FILE CASES...         run test cases (JSON or YAML: event in, expected route and
                                       record) through the config; exit 1 naming each failing case
  sluice convert FILE [--to json|conf] convert a config between fluent.conf and the JSON model
  sluice bench [options]               load a Forward-protocol server (see sluice bench --help)
  sluice replay DIR [--host H --port P] send backup / buffer chunk files again, with acks
                                       (see sluice replay --help)

Run options:
${formatOptions(RUN_OPTIONS)}

Signals: SIGTERM/SIGINT stop gracefully (a second one exits at once), SIGHUP/SIGUSR2 reload
the config, SIGUSR1 flushes buffers and reopens the log file.
HTTP API (/api/plugins.json, /api/config.json, /metrics, /healthz, the designer at /ui/): off
unless asked for by --api (or --api-port, --api-bind …) or by the config's <system> http_server true
(http_bind, default 127.0.0.1; http_port, default 24220); <source @type monitor_agent> serves it too.
`

export const CHECK_HELP = `Usage: sluice check -c FILE [options]

Parses the config with its @include files, checks its structure and every plugin's params,
prints the normalized config on stdout and each problem on stderr as file:line: message; hint: ...
Like Fluentd, unknown params, v0.12 forms and values read leniently are warnings: exit code 0
when there is no error, 1 when there are errors (--strict: warnings count as errors).

${formatOptions(CHECK_OPTIONS)}
`

export const TEST_HELP = `Usage: sluice test -c FILE CASES.json [MORE.yaml ...] [--json]

Runs each case of the case files through the config with the designer's preview agent (the real
filters, copy and relabel; every other output is a sink: nothing is sent) and checks where the
event went and what it looked like: {"tests": [{"name", "tag", "record" (or "line" with "parser"
or a <source> with <parse>), "source"?, "expect": {"dropped": true} | {"unmatched": true} |
{"match": PATTERN_OR_ID, "label": "@ROOT", "record": {fields}, "absent": [fields]}}]}.
Exit code 0 when every case passes; 1 when one fails (each named, with what happened instead and
a field diff) or the config or a case file is invalid. See docs/sluice-test.md.

${formatOptions(TEST_OPTIONS)}
`

export const CONVERT_HELP = `Usage: sluice convert FILE [--to json|conf]

Converts fluent.conf (with @include expanded) to the JSON config model, or the JSON model back
to fluent.conf, on stdout. FILE may be - for stdin. The input format is read from the content.

${formatOptions(CONVERT_OPTIONS)}
`

export const BENCH_HELP = `Usage: sluice bench [options]

Sends Forward-protocol traffic to a server (Fluentd, Fluent Bit, sluice) and reports events/s,
MB/s and ack latency. Records are lines of the loghub samples (../shared/data/loghub) when present,
else generated text; each is a msgpack map trimmed or padded to --record-size bytes.

${formatOptions(BENCH_OPTIONS)}
`
