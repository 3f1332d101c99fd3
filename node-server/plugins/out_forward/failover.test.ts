/**
 * @module out_forward failover on real sockets: a chunk that one receiver does not confirm (it
 * stops acking, or drops the connection) is rolled back and delivered by the OTHER receiver with
 * no retry step; the buffer's abort stops a send at once without blaming the server;
 * connect_timeout against a listener that never accepts; host names and expire_dns_cache /
 * dns_round_robin; ignore_network_errors_at_startup.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import { RollbackError } from '../../../engine/output/errors.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { waitUntil } from '../in_forward/testing.ts'
import { outForward, type ForwardOutput } from './index.ts'
import { HostResolver } from './resolver.ts'
import { FakeReceiver, server, T, testChunk, writerOptions } from './testing.ts'
import { ForwardWriter } from './writer.ts'
import type { ForwardOutputOptions } from './options.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function receiver(): Promise<FakeReceiver> {
  const r = new FakeReceiver()
  await r.listen()
  cleanups.push(() => r.close())
  return r
}

function writer(options: ForwardOutputOptions): { w: ForwardWriter; logs: LogRecord[] } {
  const logs: LogRecord[] = []
  const w = new ForwardWriter(
    core,
    options,
    createLogger((r) => logs.push(r), 'debug'),
  )
  cleanups.push(() => w.stop())
  return { w, logs }
}

async function sender(body: string): Promise<{ a: TestAgent; out: ForwardOutput }> {
  const a = await startAgent(`<match **>\n  @type forward\n  @id out\n${body}\n</match>`, [outForward])
  cleanups.push(() => a.stop())
  return { a, out: a.agent.plugins.find((p) => p.id === 'out')!.plugin as ForwardOutput }
}

const events = (n: number, first = 0) =>
  Array.from({ length: n }, (_, k) => ({ time: new EventTime(T + first + k, 0), record: { n: first + k } }))
const sizes = (r: FakeReceiver) => r.messages.reduce((n, m) => n + (m.message[2] as { size: number }).size, 0)

function twoServers(a: FakeReceiver, b: FakeReceiver, extra = ''): string {
  return `  require_ack_response true
  ack_response_timeout 1
${extra}
  <server>
    host 127.0.0.1
    port ${a.port}
  </server>
  <server>
    host 127.0.0.1
    port ${b.port}
  </server>
  <buffer>
    flush_mode immediate
    flush_thread_interval 0.02
    retry_wait 30
  </buffer>`
}

describe('out_forward failover: a chunk not confirmed goes to ANOTHER server, with no retry step', () => {
  for (const [name, heartbeat] of [
    ['heartbeat_type none', 'none'],
    ['transport heartbeats', 'transport'],
  ] as const) {
    it(`one receiver stops acking (${name}): every chunk ends at the other`, async () => {
      const silent = await receiver()
      const good = await receiver()
      silent.answer = 'silent'
      const { a, out } = await sender(
        twoServers(silent, good, `  heartbeat_type ${heartbeat}\n  heartbeat_interval 0.2\n  recover_wait 60`),
      )
      for (let i = 0; i < 6; i++) a.agent.root.emit(streamFromEvents(`app.${i}`, events(2, i * 2)))
      await waitUntil(() => sizes(good) === 12, 'all 12 events acked by the good receiver', 15_000)
      await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, 'an empty buffer')
      const status = out.status()
      expect(status.retry_count).toBe(0)
      expect(status.rollback_count as number).toBeGreaterThanOrEqual(1)
      expect(silent.messages.length).toBeGreaterThanOrEqual(1)
      expect(a.logs.some((l) => l.message.startsWith('Rolled back a chunk'))).toBe(true)
      if (heartbeat === 'transport') {
        expect(out.writer.nodes[0].available).toBe(false)
        expect(a.logs.some((l) => l.message === 'Disabled forwarding server.')).toBe(true)
      }
    })
  }

  it('one receiver drops the connection before acking: the chunk goes to the other', async () => {
    const closing = await receiver()
    const good = await receiver()
    closing.answer = 'close'
    const { a, out } = await sender(twoServers(closing, good, '  heartbeat_type none'))
    for (let i = 0; i < 4; i++) a.agent.root.emit(streamFromEvents(`app.${i}`, events(1, i)))
    await waitUntil(() => sizes(good) === 4, 'all 4 events at the good receiver', 10_000)
    expect(out.status().retry_count).toBe(0)
  })
})

describe('out_forward writer: rollback and abort', () => {
  it('rejects with a RollbackError naming the server that did not confirm, then tries the other one first', async () => {
    const silent = await receiver()
    const good = await receiver()
    silent.answer = 'silent'
    const { w } = writer(writerOptions([server(silent.port), server(good.port)], { requireAckResponse: true, ackResponseTimeoutMs: 300 }))
    const chunk = testChunk('x', 1)
    // Whichever server the balancer picks first, at most one rollback happens before the good one acks.
    let rollbacks = 0
    for (;;) {
      try {
        await w.write(chunk)
        break
      } catch (err) {
        expect(err).toBeInstanceOf(RollbackError)
        rollbacks++
        expect(rollbacks).toBe(1)
      }
    }
    expect(good.messages).toHaveLength(1)
  })

  it('an aborted write destroys its connection at once and does not disable the server', async () => {
    const silent = await receiver()
    silent.answer = 'silent'
    const { w } = writer(
      writerOptions([server(silent.port)], {
        requireAckResponse: true,
        ackResponseTimeoutMs: 60_000,
        heartbeatType: 'transport',
        heartbeatIntervalMs: 60_000,
      }),
    )
    const controller = new AbortController()
    const writing = w.write(testChunk('x', 1), { signal: controller.signal })
    await waitUntil(() => silent.messages.length === 1, 'the message')
    const started = Date.now()
    controller.abort(new Error('delayed_commit_timeout'))
    await expect(writing).rejects.toThrow('delayed_commit_timeout')
    expect(Date.now() - started).toBeLessThan(1_000)
    await waitUntil(() => silent.sockets.size === 0, 'the connection to close')
    expect(w.nodes[0].available).toBe(true)
  })
})

describe('out_forward connect_timeout', () => {
  const python = '/usr/bin/python3'
  it.skipIf(!existsSync(python))('gives up on a listener that never accepts and moves on to the next server', async () => {
    // listen(0) and never accept: after the first connection the kernel drops further SYNs.
    const child: ChildProcess = spawn(
      python,
      [
        '-c',
        'import socket,sys,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    )
    cleanups.push(() => {
      child.kill('SIGKILL')
    })
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))))
    const good = await receiver()
    const { w } = writer(writerOptions([server(port), server(good.port)], { connectTimeoutMs: 300 }))
    // Fill the accept queue, then every write must still be delivered through the other server.
    const { connect } = await import('node:net')
    const filler = connect(port, '127.0.0.1')
    filler.on('error', () => undefined)
    cleanups.push(() => {
      filler.destroy()
    })
    const started = Date.now()
    for (let i = 0; i < 3; i++) await w.write(testChunk('c', 1, i))
    await waitUntil(() => good.messages.length === 3, 'three chunks at the other server')
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('out_forward host names', () => {
  const lookupOf = (answers: string[][]) => {
    let calls = 0
    const lookup = async () => answers[Math.min(calls++, answers.length - 1)].map((address) => ({ address, family: 4 }))
    return { lookup, calls: () => calls }
  }

  it('expire_dns_cache unset: resolves once until cleared (detached); 0: every time; N: for N seconds', async () => {
    let now = 0
    const once = lookupOf([['10.0.0.1'], ['10.0.0.2']])
    const keep = new HostResolver('svc.example', null, false, () => now, once.lookup)
    expect((await keep.resolve()).address).toBe('10.0.0.1')
    now += 3_600_000
    expect((await keep.resolve()).address).toBe('10.0.0.1')
    keep.clear()
    expect((await keep.resolve()).address).toBe('10.0.0.2')
    expect(once.calls()).toBe(2)

    const every = lookupOf([['10.0.0.1'], ['10.0.0.2'], ['10.0.0.3']])
    const zero = new HostResolver('svc.example', 0, false, () => now, every.lookup)
    await zero.resolve()
    await zero.resolve()
    expect(every.calls()).toBe(2)

    const ttl = lookupOf([['10.0.0.1'], ['10.0.0.2']])
    const five = new HostResolver('svc.example', 5_000, false, () => now, ttl.lookup)
    await five.resolve()
    now += 4_000
    expect((await five.resolve()).address).toBe('10.0.0.1')
    now += 2_000
    expect((await five.resolve()).address).toBe('10.0.0.2')
  })

  it('dns_round_robin picks among every address; IP literals are not looked up', async () => {
    const all = lookupOf([['10.0.0.1', '10.0.0.2', '10.0.0.3']])
    const picks = [0.1, 0.5, 0.9]
    const rr = new HostResolver('svc.example', 0, true, Date.now, all.lookup, () => picks.shift()!)
    expect([(await rr.resolve()).address, (await rr.resolve()).address, (await rr.resolve()).address]).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
    ])
    const literal = lookupOf([['never']])
    expect((await new HostResolver('127.0.0.1', 0, false, Date.now, literal.lookup).resolve()).address).toBe('127.0.0.1')
    expect(literal.calls()).toBe(0)
  })

  it('connects by host name (localhost), and start fails on a name that does not resolve unless ignore_network_errors_at_startup', async () => {
    const r = await receiver()
    const { w } = writer(writerOptions([server(r.port, { host: 'localhost' })]))
    await w.start()
    await w.write(testChunk('h', 1))
    await waitUntil(() => r.messages.length === 1, 'the chunk')

    const bad = writer(writerOptions([server(24224, { host: 'nonexistent.invalid' })]))
    await expect(bad.w.start()).rejects.toThrow(/cannot resolve the host of server .*ignore_network_errors_at_startup/)
    const tolerant = writer(writerOptions([server(24224, { host: 'nonexistent.invalid' })], { ignoreNetworkErrorsAtStartup: true }))
    await tolerant.w.start()
    expect(tolerant.logs.some((l) => l.level === 'warn' && l.message.includes('starting anyway'))).toBe(true)
    await expect(tolerant.w.write(testChunk('h', 1))).rejects.toThrow(/cannot resolve nonexistent\.invalid/)
  })

  it('dns_round_robin with heartbeat_type udp is a config error', async () => {
    await expect(
      startAgent(
        '<match **>\n  @type forward\n  dns_round_robin true\n  heartbeat_type udp\n  <server>\n    host 127.0.0.1\n  </server>\n</match>',
        [outForward],
      ),
    ).rejects.toThrow(/dns_round_robin cannot be used with heartbeat_type udp/)
  })
})

describe('out_forward and <buffer> delivery', () => {
  const one = (r: FakeReceiver, buffer: string, extra = '') => `${extra}
  heartbeat_type none
  <server>
    host 127.0.0.1
    port ${r.port}
  </server>
  <buffer>
    flush_mode immediate
    flush_thread_interval 0.02
${buffer}
  </buffer>`

  it('none refuses require_ack_response true and sends without a chunk id', async () => {
    const r = await receiver()
    await expect(
      startAgent(`<match **>\n  @type forward\n${one(r, '    delivery none', '  require_ack_response true')}\n</match>`, [outForward]),
    ).rejects.toThrow(/delivery none does not wait for acks/)
    const { a } = await sender(one(r, '    delivery none'))
    a.agent.root.emit(streamFromEvents('app', events(1)))
    await waitUntil(() => r.messages.length === 1, 'the chunk')
    expect(r.messages[0].message[2]).toEqual({ size: 1 })
  })

  it('a chunk leaves the buffer only once the server acked it', async () => {
    const r = await receiver()
    r.answer = 'silent'
    const { a, out } = await sender(one(r, '', '  require_ack_response true\n  ack_response_timeout 30'))
    a.agent.root.emit(streamFromEvents('app', events(3)))
    await waitUntil(() => r.messages.length === 1, 'the chunk')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(out.status().buffer_total_queued_size as number).toBeGreaterThan(0)
    r.ackMessage(0)
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, 'the acked chunk to leave the buffer')
    expect(out.status()).toMatchObject({ write_count: 1, rollback_count: 0 })
  })

  it('durable asks for acks unless require_ack_response is written', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'sluice-durable-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const r = await receiver()
    const { a, out } = await sender(one(r, `    @type file\n    path ${dir}\n    delivery durable`))
    a.agent.root.emit(streamFromEvents('app', events(2)))
    await waitUntil(() => r.messages.length === 1, 'the chunk')
    expect(r.messages[0].message[2]).toMatchObject({ size: 2, chunk: expect.any(String) })
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, 'the acked chunk to leave the buffer')
  })
})
