/**
 * @module `<system>`: applied params, the Fluentd params sluice ignores (one info line), keys
 * Fluentd does not know either (ignored with an info line each), errors with file:line.
 */

import { describe, expect, it } from 'vitest'
import { parseConfig } from '../config/parse.ts'
import { readSystem } from './system.ts'

function read(text: string) {
  const parsed = parseConfig(text, 'fluent.conf')
  expect(parsed.errors).toEqual([])
  return readSystem(parsed.config, parsed.locs)
}

describe('<system>', () => {
  it('applies log_level, <log> format, without_source, process_name and strict_config_value', () => {
    const r = read(
      '<system>\n  log_level debug\n  without_source true\n  process_name sluice-test\n  strict_config_value true\n  <log>\n    format json\n  </log>\n</system>\n',
    )
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.notes).toEqual([])
    expect(r.system).toEqual({
      logLevel: 'debug',
      logFormat: 'json',
      withoutSource: true,
      processName: 'sluice-test',
      workers: 1,
      rootDir: undefined,
      strictConfigValue: true,
      httpServer: false,
      httpBind: '127.0.0.1',
      httpPort: 24220,
    })
  })

  it('reads http_server, http_bind and http_port (the HTTP API, off by default)', () => {
    const r = read('<system>\n  http_server true\n  http_bind 0.0.0.0\n  http_port 2020\n</system>\n')
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.system).toMatchObject({ httpServer: true, httpBind: '0.0.0.0', httpPort: 2020 })
    expect(read('<system>\n  http_port 70000\n</system>\n').errors.map((e) => e.message)).toEqual([
      'fluent.conf:2: http_port 70000 is not a port; hint: use 0 to 65535 (0 picks a free one)',
    ])
  })

  it('accepts every Fluentd system param, listing the ones with no effect in one info line', () => {
    const r = read(
      [
        '<system>',
        '  rpc_endpoint 127.0.0.1:24444',
        '  workers 4',
        '  suppress_repeated_stacktrace true',
        '  emit_error_log_interval 30s',
        '  ignore_repeated_log_interval 60s',
        '  ignore_same_log_interval 60s',
        '  log_event_verbose true',
        '  enable_get_dump true',
        '  file_permission 0644',
        '  dir_permission 0755',
        '  enable_msgpack_time_support true',
        '  disable_shared_socket true',
        '  enable_input_metrics true',
        '  enable_size_metrics true',
        '  enable_jit false',
        '  restart_worker_interval 10s',
        '  with_source_only false',
        '  config_include_dir /etc/fluent/conf.d',
        '  umask 0022',
        '  <log>',
        '    format json',
        '    time_format %Y',
        '    rotate_age 5',
        '  </log>',
        '  <counter_server>',
        '    scope s',
        '    backup_path /tmp/c',
        '  </counter_server>',
        '  <metrics>',
        '    @type local',
        '  </metrics>',
        '  <source_only_buffer>',
        '    flush_interval 10s',
        '  </source_only_buffer>',
        '</system>',
        '',
      ].join('\n'),
    )
    expect(r.errors).toEqual([])
    expect(r.warnings.map((w) => w.message)).toEqual([])
    expect(r.system.workers).toBe(4)
    expect(r.notes.map((n) => n.message)).toEqual([
      'fluent.conf:1: info: <system> settings with no effect in sluice: restart_worker_interval, suppress_repeated_stacktrace, ignore_repeated_log_interval, ignore_same_log_interval, emit_error_log_interval, log_event_verbose, with_source_only, rpc_endpoint, enable_get_dump, enable_msgpack_time_support, disable_shared_socket, enable_input_metrics, enable_size_metrics, enable_jit, file_permission, dir_permission, config_include_dir, umask, <log> time_format, <log> rotate_age, <counter_server>, <metrics>, <source_only_buffer>; hint: sluice accepts them so Fluentd configs load; sluice logs, serves metrics and handles workers its own way (see node-server/ops/README.md)',
    ])
  })

  it('ignores keys Fluentd does not know either (e.g. Fluent Bit names), with an info line each', () => {
    const r = read('<system>\n  Log_Level debug\n  Flush 5\n  log_levle info\n  <service>\n  </service>\n</system>\n')
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.notes.map((n) => n.message)).toEqual([
      "fluent.conf:2: info: unknown <system> param 'Log_Level' is ignored, as Fluentd ignores it; hint: did you mean log_level?",
      "fluent.conf:3: info: unknown <system> param 'Flush' is ignored, as Fluentd ignores it; hint: Fluentd system params: see docs/plugins.md and node-server/ops/README.md",
      "fluent.conf:4: info: unknown <system> param 'log_levle' is ignored, as Fluentd ignores it; hint: did you mean log_level?",
      'fluent.conf:5: info: unknown section <service> in <system> is ignored, as Fluentd ignores it; hint: remove it',
    ])
    expect(r.system.logLevel).toBeUndefined()
  })

  it('reports bad values with file:line', () => {
    const r = read('<system>\n  log_level loud\n</system>\n<system>\n</system>\n')
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^fluent\.conf:4: <system> appears twice; hint: the first one is at line 1; merge them$/),
      expect.stringMatching(/^fluent\.conf:2: log_level: invalid value "loud"/),
    ])
  })

  it('reads root_dir for file buffers and backups', () => {
    const r = read('<system>\n  root_dir /var/lib/sluice\n</system>\n')
    expect(r.warnings).toEqual([])
    expect(r.system.rootDir).toBe('/var/lib/sluice')
  })

  it('is optional', () => {
    expect(read('<source>\n  @type forward\n</source>\n').system.logLevel).toBeUndefined()
  })
})
