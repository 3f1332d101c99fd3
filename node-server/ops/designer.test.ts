/**
 * @module The designer's endpoints on the running daemon's API: validate without a token; the
 * running config read with secrets masked without the token, as written with it; with --api-token,
 * apply a new one (validated, file replaced with a .prev copy, reloaded); an invalid one changes
 * nothing, nor does one holding the masked placeholder; a reload that fails to start keeps the old
 * config and its file and says why; the designer's URL is logged and monitor_agent serves /ui/; the
 * live tap streams events of the running agent, also after a reload.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSluice, type SluiceProcess } from '../cli/testing/sluice-process.ts'
import { ForwardClient } from './testing/forward-client.ts'

const PLUGINS = new URL('./testing/plugins.ts', import.meta.url).pathname

let dir: string
const procs: SluiceProcess[] = []
const clients: ForwardClient[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-designer-'))
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await Promise.all(procs.splice(0).map((p) => p.kill()))
  rmSync(dir, { recursive: true, force: true })
})

const conf = (out: string, port = 0) => `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${port}
</source>

<match **>
  @type test_sink
  @id sink
  path ${out}
  hold false
  password hunter2 # the sink's secret
</match>
`

async function daemon(args: string[]): Promise<{ p: SluiceProcess; base: string; path: string; port: number }> {
  const path = join(dir, 'fluent.conf')
  writeFileSync(path, conf(join(dir, 'a.txt')))
  const p = startSluice(['-c', path, '-p', PLUGINS, '--api-port', '0', ...args])
  procs.push(p)
  return { p, base: `http://127.0.0.1:${await p.port('api')}`, path, port: await p.port('in') }
}

describe('designer endpoints on the daemon', () => {
  it('validates without a token, refuses apply without one', async () => {
    const { base } = await daemon([])
    const ok = await fetch(`${base}/api/config/validate`, { method: 'POST', body: conf('/tmp/x') })
    expect(await ok.json()).toMatchObject({ ok: true, errors: [] })
    const bad = (await (
      await fetch(`${base}/api/config/validate`, { method: 'POST', body: '<match **>\n  @type nul\n</match>\n' })
    ).json()) as { ok: boolean; errors: { message: string }[] }
    expect(bad.ok).toBe(false)
    expect(bad.errors[0].message).toMatch(/unknown output plugin 'nul'; hint: did you mean 'null'\?/)
    expect((await fetch(`${base}/api/config/apply`, { method: 'POST', body: conf('/tmp/x') })).status).toBe(403)
  })

  it('with --api-token reads the config and applies a new one through a reload', async () => {
    const { p, base, path, port } = await daemon(['--api-token', 's3cret'])
    const auth = { Authorization: 'Bearer s3cret' }
    // Without the token: the config as written, secrets hidden (the designer opens on it); a wrong token: 401.
    const masked = await fetch(`${base}/api/config`)
    expect(masked.headers.get('x-sluice-secrets')).toBe('masked')
    expect(await masked.text()).toBe(readFileSync(path, 'utf8').replace("password hunter2 # the sink's secret", 'password xxxxxx'))
    expect((await fetch(`${base}/api/config`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
    const full = await fetch(`${base}/api/config`, { headers: auth })
    expect(full.headers.get('x-sluice-secrets')).toBe('shown')
    expect(await full.text()).toBe(readFileSync(path, 'utf8'))
    // …and its host name, which the designer previews `${hostname}` as (os.hostname(), as the agent's plugins see it).
    expect(await (await fetch(`${base}/api/designer`)).json()).toMatchObject({ apply: true, tap: false, hostname: hostname() })

    // The masked text applied as is would write the placeholder over the secret: refused, with the line.
    const placeholder = await fetch(`${base}/api/config/apply`, {
      method: 'POST',
      headers: auth,
      body: await (await fetch(`${base}/api/config`)).text(),
    })
    expect(placeholder.status).toBe(422)
    expect(((await placeholder.json()) as { errors: string[] }).errors).toEqual([
      `${path}:13: password is the placeholder xxxxxx; hint: secrets were hidden because the config was read without the API token — load the running config with the token, or write the secret again`,
    ])

    const invalid = await fetch(`${base}/api/config/apply`, {
      method: 'POST',
      headers: auth,
      body: conf(join(dir, 'b.txt')).replace('path ', 'pth '),
    })
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { errors: string[] }).errors.join('\n')).toMatch(/missing required param path in <match>/)
    expect(readFileSync(path, 'utf8')).toContain('a.txt')

    const next = conf(join(dir, 'b.txt'), port)
    const applied = await fetch(`${base}/api/config/apply`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config: next }),
    })
    expect(await applied.json()).toEqual({ ok: true, errors: [] })
    expect(readFileSync(path, 'utf8')).toBe(next)
    expect(readFileSync(`${path}.prev`, 'utf8')).toContain('a.txt')
    expect(p.stderr).toMatch(/reloaded .*generation=2/)
    const c = await ForwardClient.connect(port)
    clients.push(c)
    await c.send('after.apply', 3)
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('after.apply\t3\n')
    expect(existsSync(join(dir, 'a.txt'))).toBe(false)
  })

  it('a reload that fails (a port another process holds) keeps the old config running, puts its file back and says why', async () => {
    const { p, base, path, port } = await daemon(['--api-token', 's3cret'])
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const taken = (holder.address() as AddressInfo).port
    try {
      const before = readFileSync(path, 'utf8')
      const next = `${conf(join(dir, 'b.txt'), port)}\n<source>\n  @type forward\n  @id second\n  bind 127.0.0.1\n  port ${taken}\n</source>\n`
      const res = await fetch(`${base}/api/config/apply`, { method: 'POST', headers: { Authorization: 'Bearer s3cret' }, body: next })
      expect(res.status).toBe(422)
      const body = (await res.json()) as { ok: boolean; errors: string[] }
      expect(body.ok).toBe(false)
      expect(body.errors.join('\n')).toMatch(new RegExp(`the new config did not start: .*${taken}`))
      expect(readFileSync(path, 'utf8')).toBe(before)
      // the old config still runs: events reach a.txt
      const c = await ForwardClient.connect(port)
      clients.push(c)
      await c.send('still.old', 2)
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toContain('still.old\t2\n')
      expect(p.running).toBe(true)
    } finally {
      holder.close()
    }
  })

  it('logs the designer URL at start; <source @type monitor_agent> serves /ui/ too and lists only what it serves', async () => {
    const ui = join(dir, 'ui-dist')
    mkdirSync(ui)
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>designer</title>')
    const path = join(dir, 'fluent.conf')
    writeFileSync(
      path,
      `<source>\n  @type monitor_agent\n  @id monitor\n  bind 127.0.0.1\n  port 0\n</source>\n${conf(join(dir, 'a.txt'))}`,
    )
    const p = startSluice(['-c', path, '-p', PLUGINS, '--ui-dist', ui, '--api-port', '0'])
    procs.push(p)
    const port = await p.port('monitor')
    const api = await p.port('api')
    await p.waitForLine(new RegExp(`route designer: http://127\\.0\\.0\\.1:${api}/ui/ apply="off \\(no --api-token\\)"`))
    await p.waitForLine(new RegExp(`route designer: http://127\\.0\\.0\\.1:${port}/ui/`))
    const page = await fetch(`http://127.0.0.1:${port}/ui/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>designer</title>')
    const missing = await fetch(`http://127.0.0.1:${port}/nowhere`)
    const listed = ((await missing.json()) as { paths: string[] }).paths
    expect(listed).toContain('/ui/')
    for (const at of listed.filter((x) => !x.includes('apply') && !x.includes('validate') && !x.includes('tap')))
      expect((await fetch(`http://127.0.0.1:${port}${at}`)).status, at).not.toBe(404)
  })

  it('taps the events entering the running agent with --api-tap', async () => {
    const { p, base, port } = await daemon(['--api-tap'])
    const res = await fetch(`${base}/api/tap?limit=2&seconds=20`)
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    let text = ''
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        text += new TextDecoder().decode(value)
      }
    })()
    const c = await ForwardClient.connect(port)
    clients.push(c)
    // Keep sending until the tap has subscribed and seen two events.
    for (let seq = 0; !text.includes('event: end') && seq < 200; seq++) {
      await c.send('tapped', 1, seq)
      await new Promise((r) => setTimeout(r, 20))
    }
    await read
    const taps = text.split('\n').filter((l) => l.startsWith('data: {"tag"'))
    expect(taps).toHaveLength(2)
    expect(JSON.parse(taps[0].slice(6))).toMatchObject({ tag: 'tapped', record: { msg: 'hello' } })
    expect(p.running).toBe(true)
  })
})
