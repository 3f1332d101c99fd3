/**
 * @module out_forward as configured in fluent.conf: buffered delivery to sluice's in_forward, the
 * `tag` chunk key rule, what is not supported yet (with file:line), status, and retries through
 * the buffer when the server refuses.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { buildAgent } from '../../../engine/agent.ts'
import { parseConfig } from '../../../engine/config/parse.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { createLogger } from '../../../engine/log.ts'
import { PluginRegistry } from '../../../engine/plugin.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { startForward, waitUntil, type ForwardHarness } from '../in_forward/testing.ts'
import { outForward, type ForwardOutput } from './index.ts'
import { FakeReceiver, T } from './testing.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function sender(match: string): Promise<{ a: TestAgent; out: ForwardOutput }> {
  const a = await startAgent(`<match **>\n  @type forward\n  @id out\n${match}\n</match>`, [outForward])
  cleanups.push(() => a.stop())
  return { a, out: a.agent.plugins.find((p) => p.id === 'out')!.plugin as ForwardOutput }
}

const events = (n: number, first = 0) =>
  Array.from({ length: n }, (_, k) => ({ time: new EventTime(T + first + k, first + k), record: { n: first + k } }))

describe('out_forward (configured)', () => {
  it('buffers by tag and delivers to in_forward with acks, one message per chunk', async () => {
    const h: ForwardHarness = await startForward()
    cleanups.push(() => h.stop())
    const { a, out } = await sender(`  require_ack_response true
  heartbeat_type none
  <server>
    host 127.0.0.1
    port ${h.port}
  </server>
  <buffer>
    flush_interval 0.05
    flush_thread_interval 0.02
  </buffer>`)
    a.agent.root.emit(streamFromEvents('app.a', events(3)))
    a.agent.root.emit(streamFromEvents('app.b', events(2, 3)))
    const got = await h.capture.waitFor(5)
    expect(got.map((e) => [e.tag, e.time.sec, e.time.nsec, e.record.n]).sort()).toEqual([
      ['app.a', T, 0, 0],
      ['app.a', T + 1, 1, 1],
      ['app.a', T + 2, 2, 2],
      ['app.b', T + 3, 3, 3],
      ['app.b', T + 4, 4, 4],
    ])
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, 'an empty buffer')
    expect(out.status()).toMatchObject({ write_count: 2, servers: [{ name: `127.0.0.1:${h.port}`, available: true }] })
  })

  it('retries through the buffer while the server refuses, then delivers once it listens', async () => {
    const r = new FakeReceiver()
    const port = await r.listen()
    await r.close()
    const { a, out } = await sender(`  require_ack_response true
  heartbeat_type none
  connect_timeout 1
  <server>
    host 127.0.0.1
    port ${port}
  </server>
  <buffer>
    flush_mode immediate
    flush_thread_interval 0.02
    retry_wait 0.05
    retry_max_interval 0.1
    retry_forever true
  </buffer>`)
    a.agent.root.emit(streamFromEvents('app.r', events(4)))
    await waitUntil(() => a.agent.plugins.find((p) => p.id === 'out')!.metrics.rollbacks >= 2, 'two failed writes')
    await r.listen(port)
    cleanups.push(() => r.close())
    await waitUntil(() => r.messages.length === 1, 'the chunk at the server', 10_000)
    expect((r.messages[0].message[2] as { size: number }).size).toBe(4)
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, 'an empty buffer')
    expect(a.logs.some((l) => l.message.startsWith('Cannot forward a chunk'))).toBe(true)
  })
})

describe('out_forward config errors', () => {
  const build = async (body: string) => {
    const core = await loadCore()
    const parsed = parseConfig(`<match **>\n  @type forward\n${body}\n</match>\n`, 'fluent.conf')
    const built = buildAgent(parsed.config, parsed.locs, {
      core,
      registry: new PluginRegistry().register(outForward),
      log: createLogger(() => undefined),
      runtime: 'node',
    })
    return built.errors.map((e) => e.message).join('\n')
  }
  const server = '  <server>\n    host 127.0.0.1\n  </server>'

  it('needs a <server> (or <service_discovery>) and the tag chunk key', async () => {
    expect(await build('')).toContain('forward output plugin requires at least one node is required. Add <server> or <service_discovery>')
    expect(await build(`${server}\n  <buffer time>\n    timekey 60\n  </buffer>`)).toContain('out_forward needs the tag chunk key')
    expect(await build(`${server}\n  <buffer tag,time>\n    timekey 60\n  </buffer>`)).toBe('')
  })

  it("says what is wrong or not supported yet, at the directive's line", async () => {
    expect(await build(`${server}\n  <security>\n    self_hostname a\n    shared_key s\n  </security>`)).toBe('')
    const noKey = await build(`${server}\n  <security>\n    self_hostname a\n  </security>`)
    expect(noKey).toContain('fluent.conf:')
    expect(noKey).toContain('missing required param shared_key')
    expect(await build(`${server}\n  transport tls\n  tls_ca_cert_path /nonexistent/ca.pem`)).toContain(
      'tls_ca_cert_path: cannot read /nonexistent/ca.pem',
    )
    expect(await build(`${server}\n  transport tls\n  tls_cert_thumbprint ab`)).toContain('Windows certificate store only')
    expect(await build(`${server}\n  compress zstd`)).toContain('compress zstd is not supported yet')
    expect(await build('  <server>\n    host h\n    shared_key k\n  </server>')).toContain('need a <security> section')
    expect(await build(`${server}\n  ack_response_timeout 0.5`)).toContain('ack_response_timeout must be at least 1 second')
  })
})
