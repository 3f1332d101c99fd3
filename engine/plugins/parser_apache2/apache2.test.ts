/**
 * @module parser_apache2, apache_error, nginx and apache: cases derived from Fluentd's
 * test_parser_apache2.rb, test_parser_apache_error.rb, test_parser_nginx.rb, test_parser_apache.rb.
 */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { parseWith, utc } from '../../parser/testing.ts'

const T = new EventTime(utc(2013, 2, 28, 3))

describe('parser_apache2', () => {
  const expected = { host: '192.168.0.1', user: null, method: 'GET', path: '/', code: 200, size: 777, referer: null, agent: 'Opera/12.0' }

  it('reads a combined log line with integers and nulls, in Fluentd key order', () => {
    const out = parseWith('@type apache2', '192.168.0.1 - - [28/Feb/2013:12:00:00 +0900] "GET / HTTP/1.1" 200 777 "-" "Opera/12.0"')
    expect(out.records[0].time).toEqual(T)
    expect(out.records[0].record).toEqual(expected)
    expect(Object.keys(out.records[0].record)).toEqual(['host', 'user', 'method', 'path', 'code', 'size', 'referer', 'agent'])
  })

  it('reads a request without HTTP version and escaped quotes', () => {
    expect(
      parseWith('@type apache2', '192.168.0.1 - - [28/Feb/2013:12:00:00 +0900] "GET /" 200 777 "-" "Opera/12.0"').records[0].record,
    ).toEqual(expected)
    const r = parseWith(
      '@type apache2',
      String.raw`192.168.0.1 - - [28/Feb/2013:12:00:00 +0900] "GET /\" HTTP/1.1" 200 777 "referer \\\ \"" "user agent \\\ \""`,
    ).records[0].record
    expect(r).toMatchObject({ path: String.raw`/\"`, referer: String.raw`referer \\\ \"`, agent: String.raw`user agent \\\ \"` })
  })

  it('makes "-" size and 0 code null, keeps the time with keep_time_key, and marks a bad time invalid', () => {
    const r = parseWith('@type apache2\nkeep_time_key true', '::1 - frank [28/Feb/2013:12:00:00 +0900] "POST /x HTTP/1.0" - - ').records
    expect(r).toEqual([])
    const ok = parseWith('@type apache2\nkeep_time_key true', '::1 - frank [28/Feb/2013:12:00:00 +0900] "POST /x HTTP/1.0" - -').records[0]
      .record
    expect(ok).toEqual({
      host: '::1',
      user: 'frank',
      method: 'POST',
      path: '/x',
      code: null,
      size: null,
      referer: null,
      agent: null,
      time: '28/Feb/2013:12:00:00 +0900',
    })
    expect(parseWith('@type apache2', '::1 - - [yesterday] "GET / HTTP/1.0" 200 1').lastFailure).toBe('invalid')
  })
})

describe('parser_apache_error', () => {
  it('reads level, pid, client and message; the time is guessed (no time_format)', () => {
    const a = parseWith('@type apache_error', '[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration')
    expect(a.records[0].time).toEqual(new EventTime(utc(2000, 10, 11, 14, 32, 52)))
    expect(a.records[0].record).toEqual({ level: 'error', client: '127.0.0.1', message: 'client denied by server configuration' })
    const b = parseWith(
      '@type apache_error',
      '[Wed Oct 11 14:32:52 2000] [error] [pid 1000] [client 127.0.0.1] client denied by server configuration',
    )
    expect(b.records[0].record).toEqual({
      level: 'error',
      pid: '1000',
      client: '127.0.0.1',
      message: 'client denied by server configuration',
    })
    const c = parseWith(
      '@type apache_error',
      '[Wed Oct 11 14:32:52 2000] [notice] Apache/2.2.15 (Unix) DAV/2 configured -- resuming normal operations',
    )
    expect(c.records[0].record).toEqual({ level: 'notice', message: 'Apache/2.2.15 (Unix) DAV/2 configured -- resuming normal operations' })
  })

  it('reads Apache 2.4 lines (microseconds, module:level, pid:tid)', () => {
    const out = parseWith(
      '@type apache_error',
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist',
    )
    expect(out.records[0].time).toEqual(new EventTime(utc(2000, 10, 11, 14, 32, 52), 123456000))
    expect(out.records[0].record).toEqual({
      level: 'core:error',
      pid: '35708:tid 4328636416',
      client: '72.15.99.187',
      message: 'File does not exist',
    })
  })
})

describe('parser_nginx', () => {
  const expected = {
    remote: '127.0.0.1',
    host: '192.168.0.1',
    user: '-',
    method: 'GET',
    path: '/',
    code: '200',
    size: '777',
    referer: '-',
    agent: 'Opera/12.0',
  }
  const line = '127.0.0.1 192.168.0.1 - [28/Feb/2013:12:00:00 +0900] "GET / HTTP/1.1" 200 777 "-" "Opera/12.0"'

  it('reads every field as a string', () => {
    const out = parseWith('@type nginx', line)
    expect(out.records[0].time).toEqual(T)
    expect(out.records[0].record).toEqual(expected)
    expect(parseWith('@type nginx', line.replace('GET / ', 'GET /a[ ]b ')).records[0].record).toEqual({ ...expected, path: '/a[ ]b' })
    expect(parseWith('@type nginx', line.replace('"GET / HTTP/1.1"', '"GET /"')).records[0].record).toEqual(expected)
  })

  it('reads X-Forwarded-For when present', () => {
    expect(parseWith('@type nginx', `${line} -`).records[0].record).toEqual({ ...expected, http_x_forwarded_for: '-' })
    expect(parseWith('@type nginx', `${line} "127.0.0.1, 192.168.0.1"`).records[0].record).toEqual({
      ...expected,
      http_x_forwarded_for: '127.0.0.1, 192.168.0.1',
    })
  })
})

describe('parser_apache', () => {
  it('reads the common log format as strings', () => {
    const out = parseWith('@type apache', '192.168.0.1 - - [28/Feb/2013:12:00:00 +0900] "GET / HTTP/1.1" 200 777')
    expect(out.records[0]).toMatchObject({
      time: T,
      record: { user: '-', method: 'GET', code: '200', size: '777', host: '192.168.0.1', path: '/' },
    })
  })
})
