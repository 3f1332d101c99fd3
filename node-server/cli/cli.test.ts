/**
 * @module The `sluice` command line as a user runs it (a child process of the real executable):
 * check prints the normalized config and file:line errors with exit codes 0/1, --json, secrets
 * masked; convert round-trips conf ↔ JSON; usage mistakes exit 2 with a suggestion; --version,
 * --help; the embedded default config starts on the ports given by --default-ports.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ForwardClient } from '../ops/testing/forward-client.ts'
import { runSluice, startSluice, waitUntil, type SluiceProcess } from './testing/sluice-process.ts'

const PLUGINS = new URL('../ops/testing/plugins.ts', import.meta.url).pathname

let dir: string
const procs: SluiceProcess[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'))
})

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill()))
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const VALID = `<system>
  log_level warn
</system>

<source>
  @type forward
  port 0
</source>

<match app.**>
  @type test_sink
  path "/tmp/out file.txt"
  password hunter2
</match>
`

describe('sluice check', () => {
  it('prints the normalized config with secrets masked and exits 0', async () => {
    const path = file('fluent.conf', VALID)
    const r = await runSluice(['check', '-c', path, '-p', PLUGINS])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`<system>
  log_level warn
</system>

<source>
  @type forward
  port 0
</source>

<match app.**>
  @type test_sink
  path /tmp/out file.txt
  password xxxxxx
</match>
`)
    expect(r.stderr).toBe(`sluice check: ${path} is valid (2 plugins)\n`)
  })

  it('prints warnings then errors as file:line: message; hint and exits 1 on errors (--strict: warnings too)', async () => {
    file('outputs.conf', '<match app.**>\n  @type test_sink\n  pth /x\n</match>\n')
    const path = file(
      'fluent.conf',
      `<source>\n  @type forward\n  port nope\n</source>\n@include outputs.conf\n<system>\n  log_level loud\n</system>\n`,
    )
    const r = await runSluice(['check', '-c', path, '-p', PLUGINS])
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^${path}:3: warning: port: invalid integer "nope"; read as 0 like Fluentd .+; hint: .+`))
    expect(lines[1]).toBe(
      `${join(dir, 'outputs.conf')}:3: warning: parameter 'pth' in <match app.**> is not used (included from ${path}:5); hint: did you mean path?`,
    )
    expect(lines[2]).toMatch(new RegExp(`^${path}:7: log_level: .+; hint: .+`))
    expect(lines[3]).toBe(
      `${join(dir, 'outputs.conf')}:1: missing required param path in <match> (included from ${path}:5); hint: add a line: path VALUE`,
    )
    expect(lines.at(-1)).toBe(`sluice check: 2 errors, 2 warnings in ${path}`)

    const strict = await runSluice(['check', '-q', '--strict', '-c', path, '-p', PLUGINS])
    expect(strict.code).toBe(1)
    expect(strict.stderr.trim().split('\n').at(-1)).toBe(`sluice check: 4 errors in ${path}`)
    expect(strict.stderr).toContain("parameter 'pth' in <match app.**> is not used (included from")
    expect(strict.stderr).toContain('(an error because of --strict)')
  })

  it('exits 0 when there are only warnings, like Fluentd starts with them', async () => {
    const path = file('fluent.conf', '<source>\n  type forward\n  port 0\n  bogus 1\n</source>\n<match **>\n  @type null\n</match>\n')
    const r = await runSluice(['check', '-q', '-c', path])
    expect(r.stderr.trim().split('\n')).toEqual([
      `${path}:2: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type forward (v0.12 style; sluice reads it as @type, like Fluentd)`,
      `${path}:4: warning: parameter 'bogus' in <source> is not used; hint: known params: ${r.stderr.split('known params: ')[1]?.split('\n')[0]}`,
      `sluice check: ${path} is valid (2 plugins, 2 warnings)`,
    ])
    expect(r.code).toBe(0)
  })

  it('gives the result as JSON with --json', async () => {
    const path = file('fluent.conf', '<source>\n  @type forwardd\n</source>\n')
    const r = await runSluice(['check', path, '--json', '-p', PLUGINS])
    expect(r.code).toBe(1)
    const result = JSON.parse(r.stdout)
    expect(result.ok).toBe(false)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file: path, line: 2, severity: 'error' })
    expect(result.errors[0].reason).toBe("unknown input plugin 'forwardd'")
    expect(result.errors[0].hint).toMatch(/^did you mean 'forward'\?/)
    expect(result.config.root.elements[0].params['@type']).toBe('forwardd')
  })
})

describe('sluice convert', () => {
  it('turns fluent.conf into the JSON model and back', async () => {
    const conf = file('fluent.conf', VALID.replace('hunter2', 'secret'))
    const toJson = await runSluice(['convert', conf])
    expect(toJson.code).toBe(0)
    const model = JSON.parse(toJson.stdout)
    expect(model.version).toBe(1)
    expect(model.root.elements.map((e: { name: string }) => e.name)).toEqual(['system', 'source', 'match'])
    const json = file('fluent.json', toJson.stdout)
    const back = await runSluice(['convert', json, '--to', 'conf'])
    expect(back.code).toBe(0)
    // The printer quotes only when it must: the normalized text is the original without the quotes.
    expect(back.stdout).toBe(readFileSync(conf, 'utf8').replace('"/tmp/out file.txt"', '/tmp/out file.txt'))
  })

  it('names each problem of a bad JSON model and exits 1', async () => {
    const json = file('bad.json', '{"version": 1, "root": {"name": "ROOT", "arg": "", "params": {"a": 1}, "elements": []}}')
    const r = await runSluice(['convert', json])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^${json}: \\$\\.root\\.params\\.a: .+; hint: .+`, 'm'))
  })
})

describe('sluice usage', () => {
  it('exits 2 with a suggestion for a mistyped option or command', async () => {
    const [r, c] = await Promise.all([runSluice(['--conifg', 'x.conf']), runSluice(['chekc'])])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('sluice: unknown option --conifg; did you mean --config?\nRun sluice --help for the commands and options.\n')
    expect(c.code).toBe(2)
    expect(c.stderr).toMatch(/unknown command "chekc"; did you mean check\?/)
  })

  it('prints the version and the help', async () => {
    const [v, h] = await Promise.all([runSluice(['--version']), runSluice(['--help'])])
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^sluice \d+\.\d+\.\d+\n$/)
    expect(h.code).toBe(0)
    for (const word of ['sluice check', 'sluice convert', 'sluice bench', '--shutdown-timeout', '--api-port', 'SIGHUP'])
      expect(h.stdout).toContain(word)
    expect(h.stdout).toMatch(/-c, --config FILE +fluent\.conf to run /)
    // check's help words -c for check, not for run.
    const c = await runSluice(['check', '--help'])
    expect(c.code).toBe(0)
    expect(c.stdout).toMatch(/-c, --config FILE +fluent\.conf to check \(without it: the embedded default config\)/)
    expect(c.stdout).not.toContain('to run')
  })
})

describe('sluice with the embedded default config', () => {
  it('listens for forward, http and the API on the ports given by --default-ports and prints events on stdout', async () => {
    const p = startSluice(['--default-ports', '0'])
    procs.push(p)
    const forward = await p.port('in_forward')
    const http = await p.port('in_http')
    expect(forward).toBeGreaterThan(0)
    expect(http).toBeGreaterThan(0)
    // What `npm start` runs asks for the API in its <system> (http_server true): it is there.
    const api = await p.port('api')
    await p.waitForLine(/\[info\] started /)
    expect((await fetch(`http://127.0.0.1:${api}/healthz`)).status).toBe(200)
    const c = await ForwardClient.connect(forward)
    await c.send('default.test', 1)
    const res = await fetch(`http://127.0.0.1:${http}/default.http`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"k":"v"}',
    })
    expect(res.status).toBe(200)
    await p.waitFor(() => p.stdout.includes('default.test: ') && p.stdout.includes('default.http: {"k":"v"}'), 'events on stdout')
    // `sluice bench`'s default tag goes to null: counted, not printed.
    await c.send('bench.sluice', 3)
    const nullOut = async () => {
      const { plugins } = (await (await fetch(`http://127.0.0.1:${api}/api/plugins.json?@id=out_null_bench`)).json()) as {
        plugins: { emit_records: number }[]
      }
      return plugins[0].emit_records
    }
    await waitUntil(async () => (await nullOut()) === 3, 'bench events counted by out_null_bench')
    expect(p.stdout).not.toContain('bench.sluice')
    c.destroy()
    p.signal('SIGTERM')
    expect((await p.exited).code).toBe(0)
    // One `listening` line per listener (the daemon's), not a second one from the plugin.
    expect(p.stderr.match(/listening/gi)).toHaveLength(3)
  })

  it('names the port in use and how to change the embedded ports', async () => {
    const taken = createServer()
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as AddressInfo).port)))
    try {
      const r = await runSluice(['--default-ports', `${port},0`, '--no-api'])
      expect(r.code).toBe(1)
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([
        `sluice: port ${port} is in use (in_forward 'port' in <source> at (embedded default config):14); set another port; ` +
          'the embedded default config is used without -c: pass -c FILE, or --default-ports FORWARD,HTTP,API',
      ])
      const api = await runSluice(['--default-ports', `0,0,${port}`])
      expect(api.code).toBe(1)
      expect(api.stderr).toBe(
        `sluice: port ${port} is in use (the HTTP API, http_port of the embedded default config: --default-ports FORWARD,HTTP,API or --api-port); set another port, or --no-api\n`,
      )
    } finally {
      taken.close()
    }
  })
})

describe('the HTTP API is opened only when asked for', () => {
  const forwardOnly = (extra = '') =>
    `${extra}<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type null\n</match>\n`

  it('two daemons with different configs run side by side: neither opens an API port', async () => {
    const a = startSluice(['-c', file('a.conf', forwardOnly())])
    const b = startSluice(['-c', file('b.conf', forwardOnly())])
    procs.push(a, b)
    for (const p of [a, b]) {
      await p.port('in')
      await p.waitForLine(/\[info\] started /)
      expect(p.stderr).not.toMatch(/plugin_id=api/)
    }
    a.signal('SIGTERM')
    b.signal('SIGTERM')
    expect((await a.exited).code).toBe(0)
    expect((await b.exited).code).toBe(0)
  })

  it('<system> http_server true opens it on http_bind:http_port; --no-api wins; --api and --api-port ask for it', async () => {
    const system = '<system>\n  http_server true\n  http_port 0\n</system>\n'
    const withSystem = startSluice(['-c', file('system.conf', forwardOnly(system))])
    const flag = startSluice(['-c', file('flag.conf', forwardOnly()), '--api-port', '0'])
    const off = startSluice(['-c', file('off.conf', forwardOnly(system)), '--no-api'])
    procs.push(withSystem, flag, off)
    for (const p of [withSystem, flag]) {
      const api = await p.port('api')
      await p.waitForLine(/\[info\] started /)
      expect(await (await fetch(`http://127.0.0.1:${api}/healthz`)).json()).toMatchObject({ status: 'running' })
    }
    await off.waitForLine(/\[info\] started /)
    expect(off.stderr).not.toMatch(/plugin_id=api/)
    const both = await runSluice(['-c', file('both.conf', forwardOnly()), '--no-api', '--api-port', '0'])
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/^sluice: --no-api contradicts --api-port: drop one of them\n/)
  })

  it('names <system> http_port when its port is in use', async () => {
    const taken = createServer()
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as AddressInfo).port)))
    try {
      const path = file('busy.conf', forwardOnly(`<system>\n  http_server true\n  http_port ${port}\n</system>\n`))
      const r = await runSluice(['-c', path])
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        `sluice: port ${port} is in use (the HTTP API, http_port in <system> at ${path}:3); set another port, or --no-api\n`,
      )
    } finally {
      taken.close()
    }
  })
})
