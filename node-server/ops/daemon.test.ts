/**
 * @module The daemon as operators see it: the real `sluice` process (in_forward on port 0, a test
 * output loaded with -p that holds events until shutdown like a memory buffer), driven by signals
 * and the HTTP API. SIGTERM flushes and exits 0; a second signal exits at once; SIGUSR1 flushes;
 * SIGHUP reloads without a refused connection or a lost acknowledged event, and keeps the running
 * config when the new one is invalid; a port in use is one line naming the option.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { createServer, connect, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runSluice, startSluice, waitUntil, type SluiceProcess } from '../cli/testing/sluice-process.ts'
import { REPEATED_SIGNAL_WINDOW_MS } from './signals.ts'
import { ForwardClient } from './testing/forward-client.ts'

const PLUGINS = new URL('./testing/plugins.ts', import.meta.url).pathname

let dir: string
const procs: SluiceProcess[] = []
const clients: ForwardClient[] = []
const servers: Server[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-daemon-'))
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await Promise.all(procs.splice(0).map((p) => p.kill()))
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
  rmSync(dir, { recursive: true, force: true })
})

function config(opts: { port?: number; out: string; hold?: boolean; shutdownDelay?: number; extra?: string }): string {
  return `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${opts.port ?? 0}
</source>

<match **>
  @type test_sink
  @id sink
  path ${opts.out}
  hold ${opts.hold ?? true}
  shutdown_delay ${opts.shutdownDelay ?? 0}
  password hunter2
</match>
${opts.extra ?? ''}`
}

function start(conf: string, args: string[] = []): SluiceProcess {
  const path = join(dir, 'fluent.conf')
  writeFileSync(path, conf)
  const p = startSluice(['-c', path, '-p', PLUGINS, '--api-port', '0', ...args])
  procs.push(p)
  return p
}

async function client(port: number): Promise<ForwardClient> {
  const c = await ForwardClient.connect(port)
  clients.push(c)
  return c
}

/** Events written by test_sink: the sum of the counts in its file. */
function delivered(path: string): number {
  if (!existsSync(path)) return 0
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .reduce((n, line) => n + Number(line.split('\t')[1]), 0)
}

async function api(p: SluiceProcess, path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${await p.port('api')}${path}`)
}

describe('sluice daemon', () => {
  it('serves the API, flushes on SIGUSR1, and on SIGTERM stops inputs, flushes outputs and exits 0', async () => {
    const out = join(dir, 'out.txt')
    const p = start(config({ out }))
    const c = await client(await p.port('in'))
    await c.send('app.a', 10)

    const health = await api(p, '/healthz')
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'running', generation: 1 })
    const { plugins } = (await (await api(p, '/api/plugins.json')).json()) as { plugins: Record<string, unknown>[] }
    expect(plugins.map((x) => [x.plugin_id, x.plugin_category, x.type, x.output_plugin])).toEqual([
      ['in', 'input', 'forward', false],
      ['sink', 'output', 'test_sink', true],
    ])
    expect(plugins[0].emit_records).toBe(10)
    // An input counts what it passed on (emitted successfully) as events_out.
    expect(plugins[0].events_out).toBe(10)
    expect(plugins[1]).toMatchObject({ emit_records: 10, emit_count: 1, retry_count: 0, buffer_queue_length: 1 })
    expect((plugins[1].config as Record<string, string>).password).toBe('xxxxxx')
    const metrics = await (await api(p, '/metrics')).text()
    expect(metrics).toContain('sluice_events_in_total{plugin_id="in",type="forward",kind="input"} 10')
    expect(metrics).toContain('sluice_events_out_total{plugin_id="in",type="forward",kind="input"} 10')
    expect(metrics).toContain('sluice_output_buffer_queue_length{plugin_id="sink",type="test_sink"} 1')
    expect(metrics).toContain('sluice_up 1')
    expect((await api(p, '/nope')).status).toBe(404)

    // SIGUSR1: the held events are written now.
    expect(delivered(out)).toBe(0)
    p.signal('SIGUSR1')
    await waitUntil(() => delivered(out) === 10, 'the flush on SIGUSR1')

    await c.send('app.b', 5)
    p.signal('SIGTERM')
    expect(await p.exited).toEqual({ code: 0, signal: null })
    expect(delivered(out)).toBe(15)
    expect(p.stderr).toMatch(/\[info\] stopping reason=SIGTERM/)
    expect(p.stderr).toMatch(/\[info\] stopped elapsed_ms=\d+/)
  })

  it('answers /healthz 503 while stopping, and exits at once on a second signal', async () => {
    const p = start(config({ out: join(dir, 'out.txt'), shutdownDelay: 60 }))
    await p.port('in')
    p.signal('SIGTERM')
    await p.waitForLine(/stopping reason=SIGTERM/)
    // The daemon's own clock started before this line was written (the signal may arrive while it
    // is still finishing its start): count the window from here, never from before the signal.
    const stopAt = Date.now()
    const health = await api(p, '/healthz')
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ status: 'stopping' })
    // The same signal again at once is the same request (a terminal and npm both send Ctrl-C)…
    p.signal('SIGTERM')
    // …a second one after that window is the operator insisting.
    await waitUntil(() => Date.now() - stopAt > REPEATED_SIGNAL_WINDOW_MS, 'the repeated-signal window to pass')
    expect(p.running).toBe(true)
    const t0 = Date.now()
    p.signal('SIGINT')
    expect((await p.exited).code).toBe(1)
    expect(Date.now() - t0).toBeLessThan(5_000)
    expect(p.stderr).toMatch(/second signal: exiting now/)
  })

  it('reloads on SIGHUP without refusing a connection or losing an acknowledged event', async () => {
    const out1 = join(dir, 'out1.txt')
    const out2 = join(dir, 'out2.txt')
    const p = start(config({ out: out1 }))
    const port = await p.port('in')
    // The next config keeps the port the first one was given, and writes elsewhere.
    writeFileSync(join(dir, 'fluent.conf'), config({ port, out: out2 }))

    const before = await client(port)
    await before.send('app.before', 100)

    // During the reload: one client keeps connecting, another keeps sending (reconnecting when
    // the old agent closes its connection, resending what was not acknowledged).
    let refused = 0
    let connects = 0
    let stop = false
    const hammer = (async () => {
      while (!stop) {
        await new Promise<void>((resolve) => {
          const s = connect(port, '127.0.0.1', () => {
            connects++
            s.destroy()
            resolve()
          })
          s.on('error', (e: NodeJS.ErrnoException) => {
            if (e.code === 'ECONNREFUSED') refused++
            resolve()
          })
        })
      }
    })()
    let acked = 0
    let sent = 0
    const sender = (async () => {
      let c = await client(port)
      while (!stop) {
        sent += 10
        try {
          await c.send('app.during', 10)
          acked += 10
        } catch {
          c = await client(port)
        }
      }
    })()
    const mark = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(/\[info\] reloaded .*generation=2/, mark)
    await waitUntil(() => acked >= 200, 'events acknowledged by the new agent')
    stop = true
    await Promise.all([hammer, sender])

    expect(p.stderr.slice(mark)).toMatch(/listening plugin_id=in type=forward address=127.0.0.1 port=\d+ handed_over=true/)
    expect(refused).toBe(0)
    expect(connects).toBeGreaterThan(0)
    // The connection made before the reload was closed by the old agent: clients reconnect.
    await waitUntil(() => before.closed, 'the old connection to close')
    const after = await client(port)
    await after.send('app.after', 7)

    // The old agent flushed what it held when it stopped; the new one flushes at SIGTERM.
    expect(delivered(out1)).toBeGreaterThanOrEqual(100)
    p.signal('SIGTERM')
    expect((await p.exited).code).toBe(0)
    const total = delivered(out1) + delivered(out2)
    expect(total).toBeGreaterThanOrEqual(100 + acked + 7)
    expect(total).toBeLessThanOrEqual(100 + sent + 7)
    expect(delivered(out2)).toBeGreaterThanOrEqual(7)
  })

  it('hands file-buffered chunks to the reloaded agent (out_file with <buffer @type file>)', async () => {
    const fileConf = (port: number, flush: string) => `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port ${port}
</source>

<match **>
  @type file
  @id out
  path ${join(dir, 'out')}
  append true
  <buffer []>
    @type file
    path ${join(dir, 'buf')}
    flush_mode interval
    flush_interval ${flush}
  </buffer>
</match>
`
    const lines = () =>
      existsSync(join(dir, 'out.log')) ? readFileSync(join(dir, 'out.log'), 'utf8').split('\n').filter(Boolean).length : 0
    const p = start(fileConf(0, '1h'))
    const port = await p.port('in')
    const c = await client(port)
    await c.send('file.before', 20)
    expect(lines()).toBe(0)
    // The next config flushes every second; the chunks on disk are the new agent's to send.
    writeFileSync(join(dir, 'fluent.conf'), fileConf(port, '1s'))
    const mark = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(/\[info\] reloaded /, mark)
    await waitUntil(() => lines() === 20, 'the resumed chunk written by the new agent')
    const after = await client(port)
    await after.send('file.after', 5)
    await waitUntil(() => lines() === 25, 'the events sent after the reload')
    p.signal('SIGTERM')
    expect((await p.exited).code).toBe(0)
    expect(readFileSync(join(dir, 'out.log'), 'utf8')).toMatch(/\tfile\.before\t\{"seq":0,"msg":"hello"\}/)
  })

  it('starts the previous config again when the reloaded one cannot start', async () => {
    const taken = createServer()
    servers.push(taken)
    const takenPort = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as AddressInfo).port)),
    )
    const out = join(dir, 'out.txt')
    const p = start(config({ out }))
    const port = await p.port('in')
    writeFileSync(
      join(dir, 'fluent.conf'),
      config({ port, out, extra: `<source>\n  @type forward\n  @id in2\n  bind 127.0.0.1\n  port ${takenPort}\n</source>\n` }),
    )
    const mark = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(
      /the new config did not start; starting the previous config again error="sluice: port \d+ is in use \(in_forward 'port' in <source> at \S+:\d+\); set another port"/,
      mark,
    )
    await p.waitForLine(
      /listening plugin_id=in type=forward address=127\.0\.0\.1 port=\d+ handed_over=true\n(.|\n)*listening plugin_id=in .*handed_over=true/,
      mark,
    )
    const c = await client(port)
    await c.send('after.failed.reload', 2)
    const health = (await (await api(p, '/healthz')).json()) as { status: string }
    expect(health.status).toBe('running')
    p.signal('SIGTERM')
    expect((await p.exited).code).toBe(0)
    expect(delivered(out)).toBe(2)
  })

  it('keeps the running config when the reloaded one is invalid', async () => {
    const out = join(dir, 'out.txt')
    const p = start(config({ out }))
    const port = await p.port('in')
    writeFileSync(join(dir, 'fluent.conf'), config({ port, out, extra: '<match x>\n  @type test_sink\n  pathh /tmp/x\n</match>\n' }))
    const mark = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(/reload failed; the running config is kept/, mark)
    expect(p.stderr.slice(mark)).toMatch(
      /\[warn\] \S+fluent\.conf:\d+: warning: parameter 'pathh' in <match x> is not used; hint: did you mean path\?/,
    )
    expect(p.stderr.slice(mark)).toMatch(/\[error\] \S+fluent\.conf:\d+: missing required param path in <match>/)
    const c = await client(port)
    await c.send('still.running', 3)
    const health = (await (await api(p, '/healthz')).json()) as { generation: number; status: string }
    expect(health).toMatchObject({ status: 'running', generation: 1 })
    const metrics = await (await api(p, '/metrics')).text()
    expect(metrics).toContain('sluice_reloads_total{result="failed"} 1')
    p.signal('SIGTERM')
    expect((await p.exited).code).toBe(0)
    expect(delivered(out)).toBe(3)
  })

  it('stops gracefully and exits 70 when a plugin throws an uncaught exception', async () => {
    const out = join(dir, 'out.txt')
    const p = start(config({ out }).replace('password hunter2', 'crash_tag boom'))
    const c = await client(await p.port('in'))
    await c.send('app.ok', 4)
    await c.send('boom', 1)
    expect((await p.exited).code).toBe(70)
    expect(p.stderr).toMatch(/\[error\] uncaught exception; stopping error="Error: test_sink bug/)
    expect(delivered(out)).toBe(4)
  })

  it('says in one line which port is in use and which option sets it', async () => {
    const taken = createServer()
    servers.push(taken)
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as AddressInfo).port)))
    const path = join(dir, 'fluent.conf')
    writeFileSync(path, config({ port, out: join(dir, 'out.txt') }))
    const r = await runSluice(['-c', path, '-p', PLUGINS, '--no-api'])
    expect(r.code).toBe(1)
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `sluice: port ${port} is in use (in_forward 'port' in <source> at ${path}:5); set another port`,
    ])
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('serves the API from <source @type monitor_agent> instead, and emits plugin metrics with tag', async () => {
    const metricsOut = join(dir, 'metrics.txt')
    const path = join(dir, 'fluent.conf')
    writeFileSync(
      path,
      `<source>
  @type monitor_agent
  @id monitor
  bind 127.0.0.1
  port 0
  tag monitor.metrics
  emit_interval 1s
</source>

<match monitor.**>
  @type test_sink
  @id metrics_sink
  path ${metricsOut}
  hold false
</match>
` + config({ out: join(dir, 'out.txt') }),
    )
    const p = startSluice(['-c', path, '-p', PLUGINS])
    procs.push(p)
    const port = await p.port('monitor')
    expect(p.stderr).toMatch(/the HTTP API is served by <source @type monitor_agent> at=\S+fluent\.conf:1/)
    expect(p.stderr).not.toMatch(/plugin_id=api/)
    const { plugins } = (await (await fetch(`http://127.0.0.1:${port}/api/plugins.json`)).json()) as { plugins: { plugin_id: string }[] }
    expect(plugins.map((x) => x.plugin_id).sort()).toEqual(['in', 'metrics_sink', 'monitor', 'sink'])
    // One event per plugin every second.
    await waitUntil(() => delivered(metricsOut) >= 4, 'monitor_agent events')
    expect(readFileSync(metricsOut, 'utf8').split('\n')[0]).toBe('monitor.metrics\t4')
  })

  it('switches to JSON log lines with <system><log> format json (--log-level beats log_level)', async () => {
    const p = start(`<system>\n  log_level warn\n  <log>\n    format json\n  </log>\n</system>\n` + config({ out: join(dir, 'out.txt') }), [
      '--log-level',
      'info',
    ])
    await p.port('in')
    await p.waitForLine(/"message":"started"/)
    const lines = p.stderr.trim().split('\n')
    // The first lines come before the config is read: text; then JSON.
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(json.find((j) => j.message === 'listening' && j.plugin_id === 'in')).toMatchObject({
      level: 'info',
      type: 'forward',
      address: '127.0.0.1',
    })
    expect(json.every((j) => typeof j.time === 'string')).toBe(true)
  })

  it('with --strict, prints every warning as a file:line error and starts nothing', async () => {
    const path = join(dir, 'fluent.conf')
    writeFileSync(path, config({ out: join(dir, 'out.txt') }).replace('bind 127.0.0.1', 'bind 127.0.0.1\n  prot 1'))
    const r = await runSluice(['-c', path, '-p', PLUGINS, '--no-api', '--strict'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `${path}:5: parameter 'prot' in <source> is not used; hint: did you mean port? (an error because of --strict)`,
    )
    expect(r.stderr).toContain('sluice: 1 config error in')
  })
})
