/**
 * @module Command-line parsing and the shared option readers.
 */

import { describe, expect, it } from 'vitest'
import { parseArgs, UsageError } from './args.ts'
import { parseDefaultPorts } from './default-config.ts'
import { logLevelOption, RUN_OPTIONS, timeOptionMs } from './options.ts'

describe('parseArgs', () => {
  it('reads long, short, joined and repeated options, counts and negated flags', () => {
    const { options, positionals } = parseArgs(
      ['-c', 'a.conf', '--log-level=debug', '-pX', '-p', 'Y', '-vv', '--no-api', 'extra'],
      RUN_OPTIONS,
    )
    expect(options).toMatchObject({ config: 'a.conf', 'log-level': 'debug', plugin: ['X', 'Y'], verbose: 2, api: false })
    expect(positionals).toEqual(['extra'])
  })

  it('rejects unknown options with a suggestion and missing values', () => {
    expect(() => parseArgs(['--shutdown-timout', '1s'], RUN_OPTIONS)).toThrow(
      new UsageError('unknown option --shutdown-timout; did you mean --shutdown-timeout?'),
    )
    expect(() => parseArgs(['-c'], RUN_OPTIONS)).toThrow('-c needs a value (FILE)')
    expect(() => parseArgs(['--help=yes'], RUN_OPTIONS)).toThrow('--help takes no value')
    expect(() => parseArgs(['--config', '--log-level', 'info'], RUN_OPTIONS)).toThrow('--config needs a value (FILE)')
    expect(parseArgs(['--inline-config', '--not-an-option'], RUN_OPTIONS).options['inline-config']).toBe('--not-an-option')
  })

  it('keeps everything after -- as positionals', () => {
    expect(parseArgs(['--', '-c'], RUN_OPTIONS).positionals).toEqual(['-c'])
  })
})

describe('option readers', () => {
  it('picks the log level from --log-level, else -v / -q', () => {
    expect(logLevelOption(parseArgs(['-v'], RUN_OPTIONS).options)).toBe('debug')
    expect(logLevelOption(parseArgs(['-qq'], RUN_OPTIONS).options)).toBe('error')
    expect(logLevelOption(parseArgs(['-v', '--log-level', 'warn'], RUN_OPTIONS).options)).toBe('warn')
    expect(logLevelOption(parseArgs([], RUN_OPTIONS).options)).toBeUndefined()
    expect(() => logLevelOption(parseArgs(['--log-level', 'loud'], RUN_OPTIONS).options)).toThrow(/must be one of trace, debug/)
  })

  it('reads times as Fluentd does', () => {
    expect(timeOptionMs(parseArgs(['--shutdown-timeout', '2m'], RUN_OPTIONS).options, 'shutdown-timeout', 1)).toBe(120_000)
    expect(timeOptionMs(parseArgs(['--shutdown-timeout', '0.5'], RUN_OPTIONS).options, 'shutdown-timeout', 1)).toBe(500)
    expect(() => timeOptionMs(parseArgs(['--shutdown-timeout', '500ms'], RUN_OPTIONS).options, 'shutdown-timeout', 1)).toThrow(
      /fractions of a second/,
    )
  })

  it('reads --default-ports', () => {
    expect(parseDefaultPorts('0')).toEqual({ forward: 0, http: 0, api: 0 })
    expect(parseDefaultPorts('24225,9881')).toEqual({ forward: 24225, http: 9881, api: 24220 })
    expect(parseDefaultPorts('24225,9881,24221')).toEqual({ forward: 24225, http: 9881, api: 24221 })
    expect(parseDefaultPorts('1,2,3,4')).toBeNull()
    expect(parseDefaultPorts('70000')).toBeNull()
    expect(parseDefaultPorts('a,b')).toBeNull()
  })
})
