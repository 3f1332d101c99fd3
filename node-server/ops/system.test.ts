/**
 * @module `<system>`: applied params, Fluentd params accepted with a warning, errors with file:line.
 */

import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../engine/config/parse.ts'
import { readSystem } from './system.ts'

function read(text: string) {
  const parsed = parseConfig(text, 'fluent.conf')
  expect(parsed.errors).toEqual([])
  return readSystem(parsed.config, parsed.locs)
}

describe('<system>', () => {
  it('applies log_level, <log> format, without_source and process_name', () => {
    const r = read(
      '<system>\n  log_level debug\n  without_source true\n  process_name sluice-test\n  <log>\n    format json\n  </log>\n</system>\n',
    )
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.system).toEqual({
      logLevel: 'debug',
      logFormat: 'json',
      withoutSource: true,
      processName: 'sluice-test',
      workers: 1,
      rootDir: undefined,
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

  it('accepts other Fluentd params with one warning each', () => {
    const r = read('<system>\n  rpc_endpoint 127.0.0.1:24444\n  workers 4\n</system>\n')
    expect(r.errors).toEqual([])
    expect(r.warnings.map((w) => w.message)).toEqual([
      'fluent.conf:3: warning: workers 4: sluice runs a single worker; hint: the directives for worker 0 run; run several sluice processes to use more cores',
      'fluent.conf:2: warning: rpc_endpoint in <system> has no effect in sluice; hint: remove it, or keep it for Fluentd',
    ])
  })

  it('reports bad values and unknown params with file:line', () => {
    const r = read('<system>\n  log_level loud\n  log_levle info\n</system>\n<system>\n</system>\n')
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^fluent\.conf:5: <system> appears twice; hint: the first one is at line 1; merge them$/),
      expect.stringMatching(/^fluent\.conf:2: log_level: /),
      'fluent.conf:3: unknown param log_levle in <system>; hint: did you mean log_level?',
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
