/**
 * @module The log sink: text and JSON lines, format switched at run time, a log file reopened
 * after logrotate moved it.
 */

import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileWriter, LogSink } from './sink.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function memory() {
  const lines: string[] = []
  return {
    lines,
    writer: {
      write: (l: string) => {
        lines.push(l)
      },
    },
  }
}

describe('LogSink', () => {
  it('writes text lines with fields, then JSON lines once the format changes', () => {
    const m = memory()
    const sink = new LogSink({ writer: m.writer })
    const log = sink.logger('info', { plugin_id: 'in' })
    log.debug('hidden')
    log.info('listening', { port: 24224, address: '127.0.0.1' })
    sink.format = 'json'
    log.warn('no patterns matched', { tag: 'a b', count: 4n, message: 'field named message' })
    expect(m.lines).toHaveLength(2)
    expect(m.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[info\] listening plugin_id=in port=24224 address=127\.0\.0\.1\n$/)
    const json = JSON.parse(m.lines[1])
    expect(json).toMatchObject({
      level: 'warn',
      message: 'no patterns matched',
      plugin_id: 'in',
      tag: 'a b',
      count: '4',
      _message: 'field named message',
    })
    expect(json.time).toMatch(/Z$/)
  })

  it('appends to a file and reopens it after a rotation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-log-'))
    dirs.push(dir)
    const path = join(dir, 'sluice.log')
    const writer = new FileWriter(path)
    const sink = new LogSink({ writer })
    sink.logger('info').info('one')
    renameSync(path, `${path}.1`)
    sink.logger('info').info('two')
    sink.reopen()
    sink.logger('info').info('three')
    writer.close()
    expect(readFileSync(`${path}.1`, 'utf8')).toMatch(/one\n.*two\n$/)
    expect(readFileSync(path, 'utf8')).toMatch(/\[info\] three\n$/)
  })
})
