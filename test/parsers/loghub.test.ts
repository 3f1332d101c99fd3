/**
 * @module Real logs through the parsers: the loghub samples (read in place from
 * ../shared/data/loghub when present — all 2000 lines of each — else the 200-line slices in
 * test/fixtures/loghub, with loghub's LICENSE). apache_error on the Apache error log, syslog
 * (RFC 3164, both engines) on the Linux and OpenSSH logs, regexp on HDFS and Zookeeper: every line
 * parses, specific lines give the fields and times Fluentd gives, and the lines where the two
 * syslog engines disagree are exactly the ones Fluentd's engines disagree on, for the known reasons.
 * The files have CRLF line ends: lines are cut at \n as in_tail cuts them, so each keeps its \r,
 * which Fluentd's regexps capture (`.*` matches it) and the syslog parser chomps — as here.
 * SLUICE_LOGHUB_SLICES=1 forces the slices.
 */

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../engine/event-time.ts'
import { buildParser, type Outcome, run, utc } from '../../engine/parser/testing.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const FULL = join(ROOT, '..', 'shared', 'data', 'loghub')
const SLICES = join(ROOT, 'test', 'fixtures', 'loghub')
const full = process.env.SLUICE_LOGHUB_SLICES !== '1' && existsSync(join(FULL, 'Linux_2k.log'))

/** The lines of a loghub log (cut at \n, keeping the \r): the whole file when present, else its first 200 lines. */
function lines(name: string): string[] {
  const path = full ? join(FULL, `${name}_2k.log`) : join(SLICES, `${name}_2k.head200.log`)
  const all = readFileSync(path, 'utf8').split('\n')
  if (all[all.length - 1] === '') all.pop()
  return all
}

// "now" is inside 2023, so lines without a year (syslog) are dated in 2023; local time is UTC.
const NOW = new EventTime(utc(2023, 12, 31), 0)
const zone = process.env.TZ
beforeAll(() => {
  process.env.TZ = 'UTC'
})
afterAll(() => {
  if (zone === undefined) delete process.env.TZ
  else process.env.TZ = zone
})

/** Parses every line; returns the outcomes and the 1-based numbers of lines that gave no record. */
function parseAll(conf: string, text: string[]): { outcomes: Outcome[]; failed: number[] } {
  const parser = buildParser(conf)
  const outcomes = text.map((l) => run(parser, l, NOW))
  return { outcomes, failed: outcomes.flatMap((o, i) => (o.returned === 1 && o.lastFailure === null ? [] : [i + 1])) }
}

describe(`loghub samples (${full ? 'full files from ../shared/data/loghub' : 'the 200-line slices in test/fixtures/loghub'})`, () => {
  it('Apache error log: apache_error reads every line (time guessed as Ruby Time.parse does)', () => {
    const text = lines('Apache')
    expect(text.length).toBe(full ? 2000 : 200)
    const { outcomes, failed } = parseAll('@type apache_error', text)
    expect(failed).toEqual([])
    expect(outcomes[0].records[0]).toMatchObject({
      time: new EventTime(utc(2005, 12, 4, 4, 47, 44)),
      record: { level: 'notice', message: 'workerEnv.init() ok /etc/httpd/conf/workers2.properties\r' },
    })
    // line 132: [Sun Dec 04 05:15:09 2005] [error] [client 222.166.160.184] Directory index forbidden by rule: /var/www/html/
    expect(outcomes[131].records[0]).toMatchObject({
      time: new EventTime(utc(2005, 12, 4, 5, 15, 9)),
      record: { level: 'error', client: '222.166.160.184', message: 'Directory index forbidden by rule: /var/www/html/\r' },
    })
    expect([...new Set(outcomes.map((o) => o.records[0].record.level))].sort()).toEqual(['error', 'notice'])
    // every time is one of this file's days (2005-12-04 … 2006-01-04), never "now"
    for (const o of outcomes) expect(o.records[0].time.sec).toBeGreaterThanOrEqual(utc(2005, 12, 4))
    for (const o of outcomes) expect(o.records[0].time.sec).toBeLessThan(utc(2006, 2, 1))
  })

  it('Linux syslog: syslog (RFC 3164, regexp engine) reads every line', () => {
    const { outcomes, failed } = parseAll('@type syslog', lines('Linux'))
    expect(failed).toEqual([])
    expect(outcomes[0].records[0]).toEqual({
      time: new EventTime(utc(2023, 6, 14, 15, 16, 1)),
      record: {
        host: 'combo',
        ident: 'sshd(pam_unix)',
        pid: '19939',
        message: 'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      },
      bytes: expect.any(Uint8Array),
    })
    // line 146: an ident followed by a version, then the colon
    expect(outcomes[145].records[0].record).toEqual({ host: 'combo', ident: 'syslogd', message: 'restart.' })
    // line 147: no pid
    expect(outcomes[146].records[0].record).toEqual({ host: 'combo', ident: 'logrotate', message: 'ALERT exited abnormally with [1]' })
    if (full) {
      // line 605: a one-digit day written with two spaces ("Jul  1")
      expect(outcomes[604].records[0].time).toEqual(new EventTime(utc(2023, 7, 1, 0, 21, 28)))
      expect(outcomes[604].records[0].record.pid).toBe('19630')
    }
  })

  it('Linux syslog: the string engine differs exactly where Fluentd says it does', () => {
    const text = lines('Linux')
    const regexp = parseAll('@type syslog', text).outcomes
    const string = parseAll('@type syslog\nparser_engine string', text)
    expect(string.failed).toEqual([])
    const differ = text.flatMap((line, i) =>
      JSON.stringify(regexp[i].records[0].record) === JSON.stringify(string.outcomes[i].records[0].record) ? [] : [line],
    )
    // The string engine keeps what follows the first space after the ident ("1.4.1: restart."), a
    // second space after "kernel:", and a line whose host is followed by two spaces.
    const known = /^\w{3} [ \d]\d [\d:]{8} combo (syslogd 1\.4\.1: restart\.|kernel: {2,}\S.*| -- root\[\d+\]: .*)\r?$/
    expect(differ.filter((l) => !known.test(l))).toEqual([])
    expect(differ.length).toBe(full ? text.filter((l) => known.test(l)).length : 1)
    expect(string.outcomes[145].records[0].record).toEqual({ host: 'combo', ident: 'syslogd', message: '1.4.1: restart.' })
  })

  it('OpenSSH: syslog reads every line, both engines agree', () => {
    const text = lines('OpenSSH')
    const regexp = parseAll('@type syslog', text)
    const string = parseAll('@type syslog\nparser_engine string', text)
    expect(regexp.failed).toEqual([])
    expect(string.failed).toEqual([])
    expect(regexp.outcomes.map((o) => o.records[0].record)).toEqual(string.outcomes.map((o) => o.records[0].record))
    // line 6: Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2
    expect(regexp.outcomes[5].records[0]).toMatchObject({
      time: new EventTime(utc(2023, 12, 10, 6, 55, 48)),
      record: {
        host: 'LabSZ',
        ident: 'sshd',
        pid: '24200',
        message: 'Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
      },
    })
  })

  it('HDFS: regexp with a two-digit year and packed time (%y%m%d %H%M%S), pid as an integer', () => {
    const conf = [
      '@type regexp',
      'expression /^(?<time>\\d{6} \\d{6}) (?<pid>\\d+) (?<level>[A-Z]+) (?<component>[^:]+): (?<message>.*)$/',
      'time_format %y%m%d %H%M%S',
      'types pid:integer',
    ].join('\n')
    const { outcomes, failed } = parseAll(conf, lines('HDFS'))
    expect(failed).toEqual([])
    // line 1: 081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating
    expect(outcomes[0].records[0]).toMatchObject({
      time: new EventTime(utc(2008, 11, 9, 20, 36, 15)),
      record: {
        pid: 148,
        level: 'INFO',
        component: 'dfs.DataNode$PacketResponder',
        message: 'PacketResponder 1 for block blk_38865049064139660 terminating\r',
      },
    })
  })

  it('Zookeeper: regexp with milliseconds after a comma (%L), a node name holding brackets', () => {
    const conf = [
      '@type regexp',
      'expression /^(?<time>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) - (?<level>[A-Z]+) +\\[(?<node>.*?)\\] - (?<message>.*)$/',
      'time_format %Y-%m-%d %H:%M:%S,%L',
    ].join('\n')
    const { outcomes, failed } = parseAll(conf, lines('Zookeeper'))
    expect(failed).toEqual([])
    // line 1: 2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200
    expect(outcomes[0].records[0]).toMatchObject({
      time: new EventTime(utc(2015, 7, 29, 17, 41, 44), 747_000_000),
      record: {
        level: 'INFO',
        node: 'QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774',
        message: 'Notification time out: 3200\r',
      },
    })
  })
})
