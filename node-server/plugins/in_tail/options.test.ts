/**
 * @module in_tail's configure-time checks, reported at the directive's line: `<parse>` required,
 * at least one watcher, read_bytes_limit_per_second needs the timer (and is raised to 8192),
 * from_encoding needs encoding, unknown and UTF-16 encodings, reserved path delimiters,
 * glob_policy always with the default delimiter; and the warnings of a source without pos_file.
 */

import { describe, expect, it } from 'vitest'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import type { InTailConfig } from '../../../engine/schemas/in_tail.ts'
import { settleOptions } from './options.ts'
import { runTail } from './testing.ts'

const parse = '<parse>\n@type tail_test_lines\n</parse>'

async function configError(source: string): Promise<string> {
  try {
    const run = await runTail(source)
    await run.stop()
  } catch (error) {
    return String((error as Error).message)
  }
  return 'no error'
}

describe('in_tail configuration', () => {
  it('reports invalid configurations with their line', async () => {
    expect(await configError('path /x.log\ntag t')).toMatch(/test\.conf:1: missing required section <parse> in <source>/)
    expect(await configError(`path /x.log\ntag t\nenable_watch_timer false\nenable_stat_watcher false\n${parse}`)).toMatch(
      /test\.conf:1: cannot configure input plugin 'tail': either of enable_watch_timer or enable_stat_watcher must be true/,
    )
    expect(await configError(`path /x.log\ntag t\nenable_watch_timer false\nread_bytes_limit_per_second 10000\n${parse}`)).toMatch(
      /Need to enable watch timer when using log throttling feature/,
    )
    expect(await configError(`path /x.log\ntag t\nfrom_encoding Shift_JIS\n${parse}`)).toMatch(
      /'from_encoding' parameter must be specified with 'encoding' parameter/,
    )
    expect(await configError(`path /x.log\ntag t\nencoding no-such-thing\n${parse}`)).toMatch(/unknown encoding "no-such-thing"/)
    expect(await configError(`path /x.log\ntag t\nencoding UTF-16LE\n${parse}`)).toMatch(/encoding UTF-16LE is not supported/)
    expect(await configError(`path /x.log\ntag t\npath_delimiter *\n${parse}`)).toMatch(/\/, \*, % are reserved words: \*/)
    expect(await configError(`path /x.log\ntag t\nglob_policy always\n${parse}`)).toMatch(/cannot use glob_policy as always/)
    expect(await configError(`path /x.log\ntag t\npath_timezone Nowhere/City\n${parse}`)).toMatch(/invalid path_timezone/)
  })

  it('reads v0.12 flat parser params (format …) as <parse>', async () => {
    const { tempDir } = await import('./testing.ts')
    const { writeFileSync } = await import('node:fs')
    const tmp = tempDir()
    writeFileSync(`${tmp.dir}/a.log`, 'line\n')
    const run = await runTail(`path ${tmp.dir}/a.log\ntag t\nread_from_head true\nformat tail_test_lines`)
    await run.out.waitFor(1)
    expect(run.messages()).toEqual(['line'])
    await run.stop()
    tmp.remove()
  })

  it('warns without pos_file, raises read_bytes_limit_per_second to 8192, and splits path on the delimiter', () => {
    const logs: LogRecord[] = []
    const log = createLogger((r) => logs.push(r), 'debug')
    const config = {
      path: ' /a.log , /b.log,/a.log ',
      path_delimiter: ',',
      glob_policy: 'backward_compatible',
      tag: 't',
      exclude_path: [],
      rotate_wait: 5,
      pos_file: null,
      pos_file_compaction_interval: null,
      read_from_head: false,
      refresh_interval: 60,
      read_lines_limit: 1000,
      read_bytes_limit_per_second: 100,
      multiline_flush_interval: null,
      emit_unmatched_lines: false,
      enable_watch_timer: true,
      enable_stat_watcher: true,
      encoding: null,
      from_encoding: null,
      path_key: null,
      open_on_every_update: false,
      limit_recently_modified: null,
      skip_refresh_on_startup: false,
      ignore_repeated_permission_error: false,
      path_timezone: null,
      follow_inodes: false,
      max_line_size: null,
      parse: { '@type': 'none' },
    } as unknown as InTailConfig
    const options = settleOptions(config, log)
    expect(options.paths).toEqual(['/a.log', '/b.log'])
    expect(options.readBytesLimitPerSecond).toBe(8192)
    expect(options.maxLineSize).toBe(16 * 1024 * 1024)
    expect(logs.map((l) => l.message)).toEqual([
      "'pos_file PATH' parameter is not set to a 'tail' source.",
      'this parameter is highly recommended to save the position to resume tailing.',
      'Should specify greater equal than 8192. Use 8192 for read_bytes_limit_per_second',
    ])
  })
})
