/**
 * @module `sluice test` as a user (and a CI job) runs it — a child process of the real executable:
 * passing cases exit 0; failing ones exit 1, each named with what happened instead (the grep
 * condition that dropped it) and a field diff; YAML case files; 64-bit integers exact; an invalid
 * config or case file fails with file:line / the case's place; usage mistakes exit 2.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runSluice } from './testing/sluice-process.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-test-cmd-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const CONFIG = `<source>
  @type forward
  @id in
  port 0
</source>

<filter app.**>
  @type grep
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>

<filter app.**>
  @type record_transformer
  <record>
    env prod
  </record>
  remove_keys secret
</filter>

<match app.audit.**>
  @type relabel
  @label @AUDIT
</match>

<match app.**>
  @id aggregator
  @type forward
  <server>
    host 127.0.0.1
  </server>
</match>

<label @AUDIT>
  <match **>
    @type file
    path ${'${dir}'}/audit
  </match>
</label>
`

const PASSING = {
  tests: [
    { name: 'debug lines are dropped', tag: 'app.web', record: { level: 'debug' }, expect: { dropped: true } },
    {
      name: 'errors reach the aggregator, env added, secret removed, 64-bit id exact',
      tag: 'app.web',
      time: 1735689600,
      record: { level: 'error', secret: 's3cr3t', id: '__ID__' },
      expect: { match: 'aggregator', label: '@ROOT', record: { env: 'prod', id: '__ID__' }, absent: ['secret'] },
    },
    {
      name: 'audit events go to the audit label',
      tag: 'app.audit.login',
      record: { user: 'ada' },
      expect: { match: '**', label: '@AUDIT' },
    },
    { name: 'other tags match nothing', tag: 'sys.kernel', record: { m: 1 }, expect: { unmatched: true } },
  ],
}

/** JSON with the 64-bit id written as an integer literal (JSON.stringify cannot). */
const json = (value: unknown) => JSON.stringify(value, null, 2).replaceAll('"__ID__"', '18446744073709551615')

describe('sluice test', () => {
  it('exits 0 when every case passes, one ✓ line per case', async () => {
    const conf = file('fluent.conf', CONFIG.replace('${dir}', dir))
    const cases = file('cases.json', json(PASSING))
    const r = await runSluice(['test', '-c', conf, cases])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(
      [
        '✓ debug lines are dropped',
        '✓ errors reach the aggregator, env added, secret removed, 64-bit id exact',
        '✓ audit events go to the audit label',
        '✓ other tags match nothing',
        '4 tests: 4 passed, 0 failed',
        '',
      ].join('\n'),
    )
    expect(r.code).toBe(0)
  })

  it('exits 1 naming each failing case, with what happened instead, why a filter dropped it, and a field diff', async () => {
    const conf = file('fluent.conf', CONFIG.replace('${dir}', dir))
    const cases = file(
      'cases.json',
      json({
        tests: [
          PASSING.tests[0],
          { name: 'debug reaches the aggregator', tag: 'app.web', record: { level: 'debug' }, expect: { match: 'app.**' } },
          { name: 'info is dropped', tag: 'app.web', record: { level: 'info' }, expect: { dropped: true } },
          {
            name: 'wrong fields',
            tag: 'app.web',
            record: { level: 'info', secret: 'x' },
            expect: { match: 'app.**', record: { env: 'dev', region: 'eu' }, absent: ['level'] },
          },
        ],
      }),
    )
    const r = await runSluice(['test', '-c', conf, cases])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe(
      [
        '✓ debug lines are dropped',
        '✗ debug reaches the aggregator',
        '    expected the event to reach <match app.**>; it was dropped by <filter app.**> @type grep — dropped: <exclude> level matched /^debug$/ (level = "debug")',
        '    input: tag app.web, record {"level":"debug"}',
        '    actual: dropped: dropped by <filter app.**> @type grep — dropped: <exclude> level matched /^debug$/ (level = "debug")',
        '✗ info is dropped',
        '    expected the event to be dropped by a filter; it was delivered to <match app.**> @type forward @id aggregator',
        '    input: tag app.web, record {"level":"info"}',
        '    actual: delivered: <match app.**> @type forward @id aggregator',
        '    record as delivered: {"level":"info","env":"prod"}',
        '✗ wrong fields',
        '    record.env: expected "dev", got "prod"',
        '    record.region: expected "eu", the field is missing',
        '    record.level: expected no such field, got "info"',
        '    input: tag app.web, record {"level":"info","secret":"x"}',
        '    actual: delivered: <match app.**> @type forward @id aggregator',
        '    record as delivered: {"level":"info","env":"prod"}',
        '4 tests: 1 passed, 3 failed',
        '',
      ].join('\n'),
    )
  })

  it('reads YAML case files, and --json gives the results as data', async () => {
    const conf = file('fluent.conf', CONFIG.replace('${dir}', dir))
    const cases = file(
      'cases.yaml',
      `tests:
  - name: debug lines are dropped
    tag: app.web
    record: {level: debug}
    expect: {dropped: true}
  - name: the id stays exact
    tag: app.web
    record:
      level: warn
      id: 18446744073709551615
    expect:
      match: aggregator
      record: {id: 18446744073709551615, env: prod}
`,
    )
    const r = await runSluice(['test', '-c', conf, cases, '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { ok: boolean; tests: { name: string; ok: boolean; events: { record: { id: string } | null }[] }[] }
    expect(out.ok).toBe(true)
    expect(out.tests.map((t) => [t.name, t.ok])).toEqual([
      ['debug lines are dropped', true],
      ['the id stays exact', true],
    ])
    expect(out.tests[1].events[0].record?.id).toBe('18446744073709551615')
  })

  it('refuses an invalid config (file:line, no case run) and an invalid case file (the case and field named)', async () => {
    const bad = file('bad.conf', '<source>\n  @type forward\n  port 342249\n</source>\n<match **>\n  @type stdout\n</match>\n')
    const cases = file('cases.json', json(PASSING))
    const r = await runSluice(['test', '-c', bad, cases])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(
      `${bad}:3: cannot configure input plugin 'forward': port 342249 is out of range 0..65535; hint: use a TCP port from 0 to 65535 (0 picks a free one)`,
    )
    expect(r.stderr).toContain('has 1 error; no case was run')

    const conf = file('fluent.conf', CONFIG.replace('${dir}', dir))
    const broken = file(
      'broken.json',
      JSON.stringify({ tests: [{ name: 'x', tag: 'a', record: { a: 1 }, line: 'both', expect: { dropped: true, match: 'a' } }] }),
    )
    const r2 = await runSluice(['test', '-c', conf, broken])
    expect(r2.code).toBe(1)
    expect(r2.stderr).toBe(
      `${broken}: tests[0] "x": give exactly one of "record" (an object) or "line" (text)\n` +
        `${broken}: tests[0] "x": "expect.dropped" stands alone (a dropped or unmatched event reaches no match)\n`,
    )
  })

  it('says how to call it when the config or the cases are missing (exit 2)', async () => {
    const r = await runSluice(['test', 'cases.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('sluice test needs the config: sluice test -c fluent.conf cases.json')
    const conf = file('fluent.conf', CONFIG.replace('${dir}', dir))
    const r2 = await runSluice(['test', '-c', conf])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toContain('at least one case file')
  })
})
