/**
 * @module `<system> workers N` with the real `sluice` executable: a supervisor and its worker
 * processes, in_forward on one port shared by the workers (port 0: the same port in each),
 * driven by signals and read through the supervisor's HTTP API. Events from many connections
 * reach both workers and all arrive; `<worker 1>` pins a source; a plugin that is not
 * multi-worker ready is refused outside `<worker N>`; SIGUSR1 flushes and SIGHUP reloads every
 * worker (an invalid config changes nothing); a SIGKILLed worker is started again while the
 * other one keeps serving the port, and its file buffer's acknowledged events are delivered;
 * SIGTERM stops every worker and the supervisor exits 0. in_tcp, in_udp, in_syslog (UDP and TCP),
 * in_http and in_prometheus share their ports too; monitor_agent serves each worker on its own. A
 * start that fails (the API port, or a port one worker needs, in use) is one line and exit 1, as for
 * one process; the designer's apply reloads every worker, and keeps the running config when it cannot.
 */

import { createSocket } from 'node:dgram'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runSluice, startSluice, waitUntil, type SluiceProcess } from '../cli/testing/sluice-process.ts'
import { ForwardClient } from './testing/forward-client.ts'

const PLUGINS = new URL('./testing/plugins.ts', import.meta.url).pathname

let dir: string
const procs: SluiceProcess[] = []
const pids: number[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-workers-'))
})

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill()))
  // Workers stop by themselves once their supervisor is gone; wait for that before removing the dir.
  await waitUntil(() => pids.every((pid) => !alive(pid)), 'the worker processes to exit', 30_000).catch(() => {})
  pids.splice(0)
  rmSync(dir, { recursive: true, force: true })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function start(conf: string, args: string[] = []): SluiceProcess {
  const path = join(dir, 'fluent.conf')
  writeFileSync(path, conf)
  const p = startSluice(['-c', path, '-p', PLUGINS, '--api-port', '0', ...args])
  procs.push(p)
  return p
}

async function api<T>(p: SluiceProcess, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${await p.port('api')}${path}`)
  return (await res.json()) as T
}

type Plugin = { plugin_id: string; worker_id: number; emit_records: number; buffer_total_queued_size?: number }

/** The `emit_records` of plugin `id` in each worker. */
async function perWorker(p: SluiceProcess, id: string): Promise<number[]> {
  const { plugins } = await api<{ plugins: Plugin[] }>(p, `/api/plugins.json?@id=${id}`)
  const out: number[] = []
  for (const plugin of plugins) out[plugin.worker_id] = plugin.emit_records
  return out
}

async function workerPids(p: SluiceProcess): Promise<number[]> {
  const info = await api<{ worker_pids: number[] }>(p, '/api/config.json')
  pids.push(...info.worker_pids.filter((pid) => !pids.includes(pid)))
  return info.worker_pids
}

/** Sends one batch on a new connection and waits for its ack. */
async function batch(port: number, tag: string, count: number, first = 0): Promise<void> {
  const c = await ForwardClient.connect(port)
  try {
    await c.send(tag, count, first)
  } finally {
    await c.close()
  }
}

/** Events written by test_sink files matching `prefix` (the sum of the counts). */
function sunk(prefix: string): number[] {
  const counts: number[] = []
  for (const name of readdirSync(dir).filter((n) => n.startsWith(prefix))) {
    const worker = Number(name.slice(prefix.length))
    counts[worker] = readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .reduce((n, line) => n + Number(line.split('\t')[1]), 0)
  }
  return counts
}

/** Events written by test_sink files matching `prefix`, per tag (all workers). */
function sunkByTag(prefix: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const name of readdirSync(dir).filter((n) => n.startsWith(prefix))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)) {
      const [tag, count] = line.split('\t')
      out.set(tag, (out.get(tag) ?? 0) + Number(count))
    }
  }
  return out
}

/** Writes `text` on a new TCP connection and waits until it is closed. */
function tcpSend(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text))
    socket.on('error', reject).on('close', () => resolve())
    socket.resume()
  })
}

/** Sends each message as one datagram. */
async function udpSend(port: number, messages: string[]): Promise<void> {
  const socket = createSocket('udp4')
  try {
    for (const m of messages)
      await new Promise<void>((resolve, reject) => socket.send(m, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())))
  } finally {
    socket.close()
  }
}

/** POSTs a JSON array on a connection of its own (agent: false), so the kernel may pick either worker. */
function httpPost(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port, host: '127.0.0.1', path, method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject).end(body)
  })
}

/**
 * A port P with P and P + 1 free a moment ago (for a plugin that listens on `port + worker id`),
 * taken below the kernel's ephemeral range: a port the kernel hands out a moment ago for `port 0`
 * can be handed out again to the daemon's own `port 0` listeners, which then clash with P.
 */
async function twoFreePorts(): Promise<number> {
  const listen = (port: number) =>
    new Promise<ReturnType<typeof createServer> | null>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(null))
      server.listen(port, '127.0.0.1', () => resolve(server))
    })
  let ephemeralLow = 32768
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralLow
  } catch {}
  const low = 10000
  const high = Math.max(low + 2, ephemeralLow - 2)
  for (;;) {
    const base = low + Math.floor(Math.random() * (high - low))
    const first = await listen(base)
    if (first === null) continue
    const second = await listen(base + 1)
    await new Promise((r) => first.close(r))
    if (second !== null) {
      await new Promise((r) => second.close(r))
      return base
    }
  }
}

const sum = (list: readonly (number | undefined)[]) => list.reduce<number>((n, v) => n + (v ?? 0), 0)

const workers = (n: number, extra = '') => `<system>\n  workers ${n}\n${extra}</system>\n`

/** Two workers: in_forward (`@id in`, port 0, shared) to test_sink files `<prefix><worker id>` (`hold`: until a flush). */
const forwardToSink = (prefix: string, hold = false) => `${workers(2)}
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
<match **>
  @type test_sink
  @id sink
  path "${dir}/${prefix}#{worker_id}"
  hold ${hold}
</match>
`

describe('<system> workers 2', () => {
  it('shares the in_forward port: many connections reach both workers, every event arrives; the API, /metrics and /healthz cover both; SIGUSR1, SIGHUP and SIGTERM reach every worker', async () => {
    const p = start(forwardToSink('a-', true))
    const port = await p.port('in')
    await p.waitForLine(/\[info\] started config=\S+ workers=2 /)
    expect(p.stderr.match(/listening plugin_id=in type=forward address=127\.0\.0\.1 port=(\d+) worker=(\d)/g)?.length).toBe(2)
    const [w0, w1] = await workerPids(p)
    expect(w0).not.toBe(w1)

    // Connections until both workers have taken some (the kernel spreads accepts over the workers).
    let sent = 0
    for (let i = 0; i < 400; i++) {
      await batch(port, 'spread', 25, sent)
      sent += 25
      if (i >= 20 && (await perWorker(p, 'in')).filter((n) => n > 0).length === 2) break
    }
    const received = await perWorker(p, 'in')
    expect(received.filter((n) => n > 0)).toHaveLength(2)
    expect(sum(received)).toBe(sent)

    // /metrics: every series of a worker labelled worker_id; /healthz: every worker.
    const metrics = await (await fetch(`http://127.0.0.1:${await p.port('api')}/metrics`)).text()
    expect(metrics).toContain(`sluice_events_in_total{plugin_id="in",type="forward",kind="input",worker_id="0"} ${received[0]}`)
    expect(metrics).toContain(`sluice_events_in_total{plugin_id="in",type="forward",kind="input",worker_id="1"} ${received[1]}`)
    expect(metrics).toMatch(/sluice_output_buffer_queue_length\{plugin_id="sink",type="test_sink",worker_id="1"\} \d+/)
    expect(metrics).toContain('sluice_worker_up{worker_id="0"} 1')
    expect(metrics).toContain('sluice_worker_up{worker_id="1"} 1')
    expect(metrics).toMatch(/process_resident_memory_bytes\{worker_id="supervisor"\} \d+/)
    const health = await fetch(`http://127.0.0.1:${await p.port('api')}/healthz`)
    expect(health.status).toBe(200)
    expect(((await health.json()) as { workers: { worker_id: number; state: string; pid: number }[] }).workers).toMatchObject([
      { worker_id: 0, state: 'running', pid: w0 },
      { worker_id: 1, state: 'running', pid: w1 },
    ])

    // SIGUSR1: every worker flushes what test_sink holds.
    expect(sum(sunk('a-'))).toBe(0)
    p.signal('SIGUSR1')
    await waitUntil(() => sum(sunk('a-')) === sent, 'both workers to flush on SIGUSR1')
    expect(sunk('a-').filter((n) => n > 0)).toHaveLength(2)

    // SIGHUP: the new config runs in every worker (validated once, by the supervisor).
    writeFileSync(join(dir, 'fluent.conf'), forwardToSink('b-'))
    let from = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(/\[info\] reloaded config=\S+ workers=2 generation=2\n/, from)
    expect(p.stderr.slice(from).match(/\[info\] reloaded config=\S+ plugins=2 generation=2 worker=\d/g)).toHaveLength(2)
    const port2 = await p.port('in', from)
    expect(port2).toBe(port) // port 0 keeps its port across reloads (the supervisor holds the socket)
    let more = 0
    for (let i = 0; i < 400 && sunk('b-').filter((n) => n > 0).length < 2; i++) {
      await batch(port, 'after', 10)
      more += 10
    }
    expect(sunk('b-').filter((n) => n > 0)).toHaveLength(2)
    expect(sum(sunk('b-'))).toBe(more)

    // An invalid config: nothing changes in any worker.
    writeFileSync(join(dir, 'fluent.conf'), `${forwardToSink('c-')}<match x>\n  @type nope\n</match>\n`)
    from = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(/reload failed; the running config is kept reason="1 config error"/, from)
    expect(p.stderr.slice(from)).toContain("unknown output plugin 'nope'")
    expect(p.stderr.slice(from)).not.toMatch(/reloading config=\S+ worker=/)
    await batch(port, 'kept', 5)
    await waitUntil(() => sum(sunk('b-')) === more + 5, 'the old config to take the events')
    expect(existsSync(join(dir, 'c-0'))).toBe(false)

    // SIGTERM: every worker stops gracefully, the supervisor exits 0.
    from = p.stderr.length
    p.signal('SIGTERM')
    expect(await p.exited).toEqual({ code: 0, signal: null })
    expect(p.stderr.slice(from).match(/\[info\] stopped elapsed_ms=\d+ worker=\d/g)).toHaveLength(2)
    await waitUntil(() => !alive(w0) && !alive(w1), 'the workers to be gone')
  }, 180_000)

  it('pins a <worker 1> source to worker 1 and runs a plugin that is not multi-worker ready in <worker 0>', async () => {
    const p = start(`${workers(2)}
<source>
  @type forward
  @id everywhere
  bind 127.0.0.1
  port 0
</source>
<worker 1>
  <source>
    @type forward
    @id pinned
    bind 127.0.0.1
    port 0
  </source>
</worker>
<worker 0>
  <source>
    @type test_single
    @id single
  </source>
</worker>
<match **>
  @type test_sink
  path "${dir}/out-#{worker_id}"
</match>
`)
    const pinned = await p.port('pinned')
    await p.waitForLine(/\[info\] started config=\S+ workers=2 /)
    expect(p.stderr).toMatch(/listening plugin_id=pinned type=forward address=127\.0\.0\.1 port=\d+ worker=1\n/)
    expect(p.stderr).not.toMatch(/listening plugin_id=pinned .* worker=0\n/)
    for (let i = 0; i < 10; i++) await batch(pinned, 'pinned', 10, i * 10)
    await waitUntil(() => sum(sunk('out-')) === 100, 'the pinned events')
    expect(sunk('out-')).toEqual([undefined, 100])
    const { plugins } = await api<{ plugins: Plugin[] }>(p, '/api/plugins.json?with_config=false')
    const where = (id: string) => plugins.filter((x) => x.plugin_id === id).map((x) => x.worker_id)
    expect(where('pinned')).toEqual([1])
    expect(where('single')).toEqual([0])
    expect(where('everywhere')).toEqual([0, 1])

    // A config that validates but cannot start in every worker (its new port is taken by another
    // process): the workers that took it go back, so every worker keeps the running config.
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const taken = (busy.address() as AddressInfo).port
    const conf = readFileSync(join(dir, 'fluent.conf'), 'utf8')
    writeFileSync(
      join(dir, 'fluent.conf'),
      `${conf}<worker 1>\n  <source>\n    @type forward\n    @id clash\n    bind 127.0.0.1\n    port ${taken}\n  </source>\n</worker>\n`,
    )
    const from = p.stderr.length
    p.signal('SIGHUP')
    await p.waitForLine(
      /reload failed; the running config is kept reason="worker 1 could not start the new config; every worker runs the previous one"/,
      from,
      60_000,
    )
    expect(p.stderr.slice(from)).toContain(`port ${taken} is in use`)
    busy.close()
    await batch(pinned, 'pinned', 10, 100)
    await waitUntil(() => sum(sunk('out-')) === 110, 'the pinned source to serve after the failed reload')
    const after = await api<{ plugins: Plugin[] }>(p, '/api/plugins.json?with_config=false')
    expect(after.plugins.map((x) => x.plugin_id)).not.toContain('clash')
  }, 120_000)

  it('refuses a plugin that is not multi-worker ready outside <worker N>, naming it and the fix', async () => {
    writeFileSync(join(dir, 'fluent.conf'), `${workers(2)}<source>\n  @type test_single\n</source>\n<match **>\n  @type null\n</match>\n`)
    const r = await runSluice(['-c', join(dir, 'fluent.conf'), '-p', PLUGINS])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `${join(dir, 'fluent.conf')}:5: input plugin 'test_single' does not support multi workers configuration (it would run in 2 workers); hint: run it in one worker: put the <source> in a <worker 0> … </worker> block (or <worker N> for another worker)`,
    )
    expect(r.stderr).toContain('nothing started')
  }, 60_000)

  it('starts a SIGKILLed worker again: the port stays served and its file buffer delivers every acknowledged event', async () => {
    const p = start(`${workers(2, `  root_dir ${dir}/root\n`)}
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
<match **>
  @type file
  @id out
  path "${dir}/out/events-#{worker_id}"
  <buffer>
    @type file
    flush_mode interval
    flush_interval 3s
  </buffer>
</match>
`)
    const port = await p.port('in')
    await p.waitForLine(/\[info\] started config=\S+ workers=2 /)
    const [, victim] = await workerPids(p)
    // Fluentd's layout: <root_dir>/worker<N>/<plugin_id>/buffer.
    expect(statSync(join(dir, 'root', 'worker0', 'out', 'buffer')).isDirectory()).toBe(true)
    expect(statSync(join(dir, 'root', 'worker1', 'out', 'buffer')).isDirectory()).toBe(true)

    let sent = 0
    const queued = async () => {
      const { plugins } = await api<{ plugins: Plugin[] }>(p, '/api/plugins.json?@id=out')
      return plugins.find((x) => x.worker_id === 1)?.buffer_total_queued_size ?? 0
    }
    for (let i = 0; i < 400 && (await queued()) === 0; i++) {
      await batch(port, 'before', 20, sent)
      sent += 20
    }
    expect(await queued()).toBeGreaterThan(0)
    const from = p.stderr.length
    process.kill(victim, 'SIGKILL')
    await p.waitForLine(/\[error\] worker exited; starting it again worker=1 pid=\d+ signal=SIGKILL/, from)
    // The port is served meanwhile (worker 0 accepts; the supervisor keeps the socket open).
    for (let i = 0; i < 5; i++) {
      await batch(port, 'during', 20, sent)
      sent += 20
    }
    await p.waitForLine(/\[info\] worker restarted worker=1 pid=\d+ restarts=1/, from, 30_000)
    const [, again] = await workerPids(p)
    expect(again).not.toBe(victim)
    expect(p.stderr.slice(from)).toMatch(/Resumed \d+ staged and \d+ queued buffer chunks\..* worker=1/)
    const lines = () =>
      existsSync(join(dir, 'out'))
        ? readdirSync(join(dir, 'out'))
            .filter((n) => n.endsWith('.log'))
            .reduce(
              (n, f) =>
                n +
                readFileSync(join(dir, 'out', f), 'utf8')
                  .split('\n')
                  .filter(Boolean).length,
              0,
            )
        : 0
    await waitUntil(() => lines() === sent, `all ${sent} acknowledged events written`, 30_000)
    const health = await fetch(`http://127.0.0.1:${await p.port('api')}/healthz`)
    expect(health.status).toBe(200)
    const metrics = await (await fetch(`http://127.0.0.1:${await p.port('api')}/metrics`)).text()
    expect(metrics).toContain('sluice_worker_restarts_total{worker_id="1"} 1')
  }, 180_000)

  it('shares the ports of in_tcp, in_udp, in_syslog (UDP and TCP), in_http and in_prometheus (port + worker id, /aggregated_metrics); monitor_agent serves each worker on a port of its own', async () => {
    const base = await twoFreePorts()
    const p = start(`${workers(2)}
<source>
  @type tcp
  @id tcp
  tag tcp
  bind 127.0.0.1
  port 0
  <parse>
    @type none
  </parse>
</source>
<source>
  @type udp
  @id udp
  tag udp
  bind 127.0.0.1
  port 0
  <parse>
    @type none
  </parse>
</source>
<source>
  @type syslog
  @id syslog_udp
  tag sysu
  bind 127.0.0.1
  port 0
</source>
<source>
  @type syslog
  @id syslog_tcp
  tag syst
  bind 127.0.0.1
  port 0
  <transport tcp>
  </transport>
</source>
<source>
  @type http
  @id http
  bind 127.0.0.1
  port 0
</source>
<source>
  @type prometheus
  @id prom
  bind 127.0.0.1
  port 0
</source>
<source>
  @type prometheus
  @id prom_fixed
  bind 127.0.0.1
  port ${base}
</source>
<source>
  @type monitor_agent
  @id monitor
  bind 127.0.0.1
  port 0
</source>
<filter tcp>
  @type prometheus
  <metric>
    name tcp_records_total
    type counter
    desc in_tcp records
    <labels>
      worker \${worker_id}
    </labels>
  </metric>
</filter>
<match **>
  @type test_sink
  path "${dir}/in-#{worker_id}"
</match>
`)
    await p.waitForLine(/\[info\] started config=\S+ workers=2 /)
    const ports = (id: string) =>
      [
        ...p.stderr.matchAll(
          new RegExp(`listening plugin_id=${id} type=\\S+ address=127\\.0\\.0\\.1 port=(\\d+)[^\\n]* worker=(\\d)\\n`, 'g'),
        ),
      ]
        .map((m) => [Number(m[2]), Number(m[1])])
        .sort((a, b) => a[0] - b[0])
    // A shared socket: both workers listen on one port.
    for (const id of ['tcp', 'udp', 'syslog_udp', 'syslog_tcp', 'http', 'prom']) {
      const both = ports(id)
      expect(
        both.map(([w]) => w),
        id,
      ).toEqual([0, 1])
      expect(both[0][1], id).toBe(both[1][1])
    }
    const port = (id: string) => ports(id)[0][1]

    // TCP inputs: new connections until each worker took some; every event arrives.
    const syslogLine = (i: number) => `<14>Jan  1 00:00:00 host app[1]: message ${i}\n`
    const senders: [string, string, (i: number) => Promise<void>][] = [
      ['tcp', 'tcp', (i) => tcpSend(port('tcp'), `a ${i}\nb ${i}\n`)],
      ['syslog_tcp', 'syst.user.info', (i) => tcpSend(port('syslog_tcp'), syslogLine(i) + syslogLine(i + 1))],
      [
        'http',
        'web.in',
        async (i) => {
          expect(await httpPost(port('http'), '/web.in', JSON.stringify([{ i }, { i: i + 1 }]))).toBe(200)
        },
      ],
    ]
    for (const [id, tag, send] of senders) {
      let sent = 0
      for (let i = 0; i < 300; i++) {
        await send(i)
        sent += 2
        if (i >= 4 && (await perWorker(p, id)).filter((n) => n > 0).length === 2) break
      }
      expect(
        (await perWorker(p, id)).filter((n) => n > 0),
        id,
      ).toHaveLength(2)
      await waitUntil(() => sunkByTag('in-').get(tag) === sent, `all ${sent} ${id} events`)
    }

    // UDP inputs: every datagram arrives (whichever worker reads it).
    await udpSend(
      port('udp'),
      Array.from({ length: 40 }, (_, i) => `u ${i}`),
    )
    await udpSend(
      port('syslog_udp'),
      Array.from({ length: 40 }, (_, i) => syslogLine(i)),
    )
    await waitUntil(() => sunkByTag('in-').get('udp') === 40 && sunkByTag('in-').get('sysu.user.info') === 40, 'the 80 datagrams')
    expect(sum(await perWorker(p, 'udp'))).toBe(40)

    // in_prometheus: on port 0 one shared port; on a fixed port, port + worker id, and
    // /aggregated_metrics merges every worker's; the supervisor's /metrics has them too.
    const perWorkerTcp = await perWorker(p, 'tcp')
    const scrape = await fetch(`http://127.0.0.1:${port('prom')}/metrics`)
    expect(scrape.status).toBe(200)
    expect(ports('prom_fixed')).toEqual([
      [0, base],
      [1, base + 1],
    ])
    const aggregated = await (await fetch(`http://127.0.0.1:${base + 1}/aggregated_metrics`)).text()
    expect(aggregated).toContain(`tcp_records_total{worker="0"} ${perWorkerTcp[0]}.0\n`)
    expect(aggregated).toContain(`tcp_records_total{worker="1"} ${perWorkerTcp[1]}.0\n`)
    expect(aggregated.match(/# TYPE tcp_records_total counter/g)).toHaveLength(1)
    const metrics = await (await fetch(`http://127.0.0.1:${await p.port('api')}/metrics`)).text()
    expect(metrics).toContain(`tcp_records_total{worker_id="0",worker="0"} ${perWorkerTcp[0]}.0\n`)
    expect(metrics).toContain(`tcp_records_total{worker_id="1",worker="1"} ${perWorkerTcp[1]}.0\n`)

    // monitor_agent: one port per worker, each with its own plugins.
    const monitors = ports('monitor')
    expect(monitors.map(([w]) => w)).toEqual([0, 1])
    expect(monitors[0][1]).not.toBe(monitors[1][1])
    for (const [worker, monitorPort] of monitors) {
      const { plugins } = (await (await fetch(`http://127.0.0.1:${monitorPort}/api/plugins.json?@id=tcp`)).json()) as { plugins: Plugin[] }
      expect(plugins.map((x) => x.emit_records)).toEqual([perWorkerTcp[worker]])
    }
  }, 180_000)
})

/** A TCP port held by this test process (closed by the caller). */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) }
}

const pinnedForward = (id: string, port: number) =>
  `<worker 1>\n  <source>\n    @type forward\n    @id ${id}\n    bind 127.0.0.1\n    port ${port}\n  </source>\n</worker>\n`

describe('<system> workers 2: the same start and apply as a single process', () => {
  it('a start that fails ends in one line and exit 1: the API port or a worker port in use (the other worker is stopped)', async () => {
    const held = await holdPort()
    try {
      const path = join(dir, 'fluent.conf')
      writeFileSync(
        path,
        `${workers(2)}<source>\n  @type forward\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type null\n</match>\n`,
      )
      const api = await runSluice(['-c', path, '--api-port', String(held.port)])
      expect(api.code).toBe(1)
      expect(api.stderr.split('\n').filter(Boolean)).toEqual([
        `sluice: port ${held.port} is in use (the HTTP API, --api-port); set another port, or --no-api`,
      ])

      writeFileSync(path, `${workers(2)}${pinnedForward('clash', held.port)}<match **>\n  @type null\n</match>\n`)
      const worker = await runSluice(['-c', path, '--no-api'])
      expect(worker.code).toBe(1)
      const line = `sluice: port ${held.port} is in use (in_forward 'port' in <source> at ${path}:9); set another port`
      // The supervisor prints the reason, once, as the last line; the rest are worker 0's (it may have started, then stopped).
      const lines = worker.stderr.split('\n').filter(Boolean)
      expect(lines.at(-1)).toBe(line)
      expect(lines.slice(0, -1).filter((l) => !l.endsWith(' worker=0'))).toEqual([])
      expect(worker.stderr).not.toMatch(/\n\s+at /)
      expect(worker.stderr).not.toMatch(/\[info\] started config=\S+ workers=2/)
      expect(worker.stderr).not.toMatch(/\[info\] stopping reason=\S+ timeout_ms=\d+ workers=2/)
    } finally {
      await held.close()
    }
  }, 60_000)

  it("the designer's apply validates for every worker, replaces the file and reloads every worker; an invalid or unstartable config keeps the running one", async () => {
    const p = start(forwardToSink('a-'), ['--api-token', 's3cret'])
    const path = join(dir, 'fluent.conf')
    const port = await p.port('in')
    await p.waitForLine(/\[info\] started config=\S+ workers=2 /)
    const base = `http://127.0.0.1:${await p.port('api')}`
    const apply = async (body: string) => {
      const res = await fetch(`${base}/api/config/apply`, { method: 'POST', headers: { Authorization: 'Bearer s3cret' }, body })
      return { status: res.status, body: (await res.json()) as { ok: boolean; errors: string[] } }
    }
    expect(await (await fetch(`${base}/api/config`, { headers: { Authorization: 'Bearer s3cret' } })).text()).toBe(forwardToSink('a-'))

    const invalid = await apply(forwardToSink('b-').replace('path ', 'pth '))
    expect(invalid.status).toBe(422)
    expect(invalid.body.errors.join('\n')).toMatch(/missing required param path in <match>/)
    expect(readFileSync(path, 'utf8')).toBe(forwardToSink('a-'))

    let from = p.stderr.length
    expect(await apply(forwardToSink('b-'))).toEqual({ status: 200, body: { ok: true, errors: [] } })
    expect(readFileSync(path, 'utf8')).toBe(forwardToSink('b-'))
    expect(readFileSync(`${path}.prev`, 'utf8')).toBe(forwardToSink('a-'))
    expect(p.stderr.slice(from)).toMatch(/\[info\] config replaced through the API; reloading config=\S+ previous=\S+\.prev\n/)
    expect(p.stderr.slice(from)).toMatch(/\[info\] reloaded config=\S+ workers=2 generation=2\n/)
    let sent = 0
    for (let i = 0; i < 400 && sunk('b-').filter((n) => n > 0).length < 2; i++) {
      await batch(port, 'after', 10)
      sent += 10
    }
    expect(sum(sunk('b-'))).toBe(sent)

    const held = await holdPort()
    try {
      from = p.stderr.length
      const clash = await apply(`${forwardToSink('c-')}${pinnedForward('clash', held.port)}`)
      expect(clash).toEqual({
        status: 422,
        body: { ok: false, errors: ['worker 1 could not start the new config; every worker runs the previous one'] },
      })
      // As in a single process, the file is put back to what runs, so a later SIGHUP does not retry it.
      expect(readFileSync(path, 'utf8')).toBe(forwardToSink('b-'))
      expect(p.stderr.slice(from)).toMatch(/the applied config did not start; its file was put back to the running one/)
      expect(p.stderr.slice(from)).toMatch(
        /reload failed; the running config is kept reason="worker 1 could not start the new config; every worker runs the previous one"/,
      )
      await batch(port, 'kept', 5)
      await waitUntil(() => sum(sunk('b-')) === sent + 5, 'the running config to take the events')
      expect(existsSync(join(dir, 'c-0'))).toBe(false)
    } finally {
      await held.close()
    }
  }, 120_000)
})
