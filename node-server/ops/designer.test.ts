/**
 * @module The designer's endpoints on the running daemon's API: validate without a token; with
 * --api-token, read the config and apply a new one (validated, file replaced with a .prev copy,
 * reloaded); an invalid one changes nothing; the live tap streams events of the running agent,
 * also after a reload.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
    expect((await fetch(`${base}/api/config`)).status).toBe(401)
    expect(await (await fetch(`${base}/api/config`, { headers: auth })).text()).toBe(readFileSync(path, 'utf8'))

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
