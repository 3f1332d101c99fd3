/**
 * @module out_forward's session on real sockets against sluice's in_forward: the shared-key
 * handshake (per-server keys, user auth; a wrong key, the same hostname, a server without
 * <security>, a server that drops or stalls mid-handshake — never a hang), TLS (CA-verified,
 * hostname checked via `<server> name`, self-signed, insecure, mutual TLS, versions), TLS and
 * <security> together, heartbeats through the session, and the same through fluent.conf agents.
 */

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import { startAgent } from '../../../test/helpers/agent.ts'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { encodeHelo } from '../../../engine/forward/messages.ts'
import { makeCertificates, type TestCertificates } from '../../tls/testing.ts'
import { startForward, waitUntil, type ForwardHarness } from '../in_forward/testing.ts'
import type { ForwardOutputOptions } from './options.ts'
import { outForward, type ForwardOutput } from './index.ts'
import type { TlsClientConfig } from '../../../engine/schemas/sections/forward-security-client.ts'
import { settleSessions } from './session.ts'
import { server, T, testChunk, writerOptions } from './testing.ts'
import { ForwardWriter } from './writer.ts'

let core: Core
let certs: TestCertificates
beforeAll(async () => {
  core = await loadCore()
  certs = makeCertificates()
})
afterAll(() => certs.remove())

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const TLS_DEFAULTS: TlsClientConfig = {
  transport: 'tcp',
  tls_version: null,
  tls_ciphers: null,
  tls_insecure_mode: false,
  tls_allow_self_signed_cert: false,
  tls_verify_hostname: true,
  tls_ca_cert_path: null,
  tls_cert_path: null,
  tls_client_cert_path: null,
  tls_client_private_key_path: null,
  tls_client_private_key_passphrase: null,
  tls_cert_thumbprint: null,
  tls_cert_logical_store_name: null,
}

interface Setup {
  tls?: Partial<TlsClientConfig>
  security?: { self_hostname: string; shared_key: string }
  server?: { name?: string; shared_key?: string; username?: string; password?: string }
  options?: Partial<ForwardOutputOptions>
}

/** A writer to `port` with the session a config would give it. */
function writer(port: number, setup: Setup): { w: ForwardWriter; logs: LogRecord[] } {
  const [session] = settleSessions({ ...TLS_DEFAULTS, ...setup.tls, ...(setup.security ? { security: setup.security } : {}) }, [
    {
      host: '127.0.0.1',
      name: setup.server?.name ?? null,
      shared_key: setup.server?.shared_key ?? null,
      username: setup.server?.username ?? '',
      password: setup.server?.password ?? '',
    },
  ])
  const logs: LogRecord[] = []
  const w = new ForwardWriter(
    core,
    writerOptions([server(port, session ? { session } : {})], { requireAckResponse: true, ...setup.options }),
    createLogger((r) => logs.push(r), 'debug'),
  )
  cleanups.push(() => w.stop())
  return { w, logs }
}

async function receiver(extra: string): Promise<ForwardHarness> {
  const h = await startForward(extra)
  cleanups.push(() => h.stop())
  return h
}

const security = (body = '') => `  <security>\n    self_hostname server.local\n    shared_key secret\n${body}  </security>`
const tlsServer = (extra = '') =>
  `  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKey}\n${extra}  </transport>`
const client = { self_hostname: 'client.local', shared_key: 'secret' }
const trustCa = () => ({ transport: 'tls' as const, tls_ca_cert_path: [certs.ca] })

describe('out_forward <security>', () => {
  it('runs the handshake and delivers with acks', async () => {
    const h = await receiver(security())
    const { w } = writer(h.port, { security: client })
    await w.write(testChunk('sec.a', 3))
    expect((await h.capture.waitFor(3)).map((e) => e.record.n)).toEqual([0, 1, 2])
  })

  it('uses the <server> shared_key, username and password (user auth)', async () => {
    const h = await receiver(
      security(
        '    user_auth true\n    <user>\n      username alice\n      password pw\n    </user>\n    <client>\n      network 127.0.0.1\n      shared_key per-client\n    </client>\n',
      ),
    )
    const { w } = writer(h.port, { security: client, server: { shared_key: 'per-client', username: 'alice', password: 'pw' } })
    await w.write(testChunk('sec.u', 2))
    await h.capture.waitFor(2)
    const wrong = writer(h.port, { security: client, server: { shared_key: 'per-client', username: 'alice', password: 'bad' } })
    await expect(wrong.w.write(testChunk('sec.u', 1))).rejects.toThrow('authentication failed: username/password mismatch')
  })

  it("fails with the server's reason on a wrong key, and on the same hostname on both sides", async () => {
    const h = await receiver(security())
    await expect(writer(h.port, { security: { ...client, shared_key: 'wrong' } }).w.write(testChunk('sec.w', 1))).rejects.toThrow(
      'authentication failed: shared_key mismatch',
    )
    await expect(writer(h.port, { security: { ...client, self_hostname: 'server.local' } }).w.write(testChunk('sec.w', 1))).rejects.toThrow(
      'same hostname between input and output',
    )
    expect(h.capture.events).toHaveLength(0)
    expect(h.logged('warn', 'Handshake refused')).toBe(true)
  })

  it('never hangs: a server without <security> times out waiting for HELO; one that drops mid-handshake fails at once', async () => {
    const plain = await receiver('')
    const started = Date.now()
    await expect(
      writer(plain.port, { security: client, options: { connectTimeoutMs: 300 } }).w.write(testChunk('sec.t', 1)),
    ).rejects.toThrow('handshake timed out after')
    expect(Date.now() - started).toBeLessThan(2_000)
    // HELO, then the connection drops before PONG: rejected at once despite a long timeout.
    const sockets = new Set<Socket>()
    const dropper: Server = createServer((s) => {
      sockets.add(s)
      s.on('error', () => undefined)
      s.write(encodeHelo({ nonce: new Uint8Array(16), auth: new Uint8Array(0), keepalive: true }))
      s.once('data', () => s.destroy())
    })
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve))
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy()
          dropper.close(() => resolve())
        }),
    )
    const t0 = Date.now()
    await expect(
      writer((dropper.address() as AddressInfo).port, {
        security: client,
        options: { connectTimeoutMs: 30_000, hardTimeoutMs: 30_000 },
      }).w.write(testChunk('sec.d', 1)),
    ).rejects.toThrow('closed the connection during the handshake (waiting for PONG)')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })
})

describe('out_forward transport tls', () => {
  it('verifies the server with tls_ca_cert_path and delivers', async () => {
    const h = await receiver(tlsServer())
    await writer(h.port, { tls: trustCa() }).w.write(testChunk('tls.a', 2))
    await h.capture.waitFor(2)
  })

  it('refuses an untrusted certificate, or one that does not match <server> name; tls_verify_hostname false skips the name', async () => {
    const h = await receiver(tlsServer())
    await expect(writer(h.port, { tls: { transport: 'tls' } }).w.write(testChunk('tls.n', 1))).rejects.toThrow('not trusted')
    await expect(writer(h.port, { tls: trustCa(), server: { name: 'wrong.example' } }).w.write(testChunk('tls.n', 1))).rejects.toThrow(
      'does not match wrong.example',
    )
    await writer(h.port, { tls: trustCa(), server: { name: 'localhost' } }).w.write(testChunk('tls.n', 1))
    await writer(h.port, { tls: { ...trustCa(), tls_verify_hostname: false }, server: { name: 'wrong.example' } }).w.write(
      testChunk('tls.n', 1),
    )
    expect(h.capture.events).toHaveLength(2)
  })

  it('accepts a self-signed server with tls_allow_self_signed_cert or tls_insecure_mode only', async () => {
    const h = await receiver(
      `  <transport tls>\n    cert_path ${certs.selfSignedCert}\n    private_key_path ${certs.selfSignedKey}\n  </transport>`,
    )
    await expect(writer(h.port, { tls: { transport: 'tls' } }).w.write(testChunk('tls.s', 1))).rejects.toThrow('tls_allow_self_signed_cert')
    await writer(h.port, { tls: { transport: 'tls', tls_allow_self_signed_cert: true } }).w.write(testChunk('tls.s', 1))
    await writer(h.port, { tls: { transport: 'tls', tls_insecure_mode: true }, server: { name: 'anything.example' } }).w.write(
      testChunk('tls.s', 1),
    )
    expect(h.capture.events).toHaveLength(2)
  })

  it('presents a client certificate for mutual TLS', async () => {
    const h = await receiver(tlsServer(`    ca_path ${certs.ca}\n    client_cert_auth true\n`))
    await expect(writer(h.port, { tls: trustCa() }).w.write(testChunk('tls.m', 1))).rejects.toThrow()
    await writer(h.port, {
      tls: { ...trustCa(), tls_client_cert_path: certs.clientCert, tls_client_private_key_path: certs.clientKey },
    }).w.write(testChunk('tls.m', 1))
    expect(h.capture.events).toHaveLength(1)
    expect(h.logged('warn', 'TLS client certificate refused')).toBe(true)
  })

  it('pins tls_version: TLSv1_2 against a TLS 1.3-only server fails', async () => {
    const h = await receiver(tlsServer('    min_version TLSv1_3\n'))
    await expect(writer(h.port, { tls: { ...trustCa(), tls_version: 'TLSv1_2' } }).w.write(testChunk('tls.v', 1))).rejects.toThrow(
      'TLS handshake failed',
    )
    await writer(h.port, { tls: trustCa() }).w.write(testChunk('tls.v', 1))
  })

  it('runs TLS and <security> together; transport heartbeats go through both', async () => {
    const h = await receiver(`${tlsServer()}\n${security()}`)
    const { w } = writer(h.port, { tls: trustCa(), security: client, options: { heartbeatType: 'transport', heartbeatIntervalMs: 50 } })
    await w.start()
    await w.write(testChunk('both', 2))
    await h.capture.waitFor(2)
    await waitUntil(() => w.nodes[0].heartbeats >= 2, 'heartbeats through TLS and the handshake')
    expect(h.logged('warn', 'Handshake refused')).toBe(false)
  })
})

describe('out_forward heartbeats through a refused session', () => {
  it('detaches a server whose handshake fails (heartbeats stop counting it)', async () => {
    const h = await receiver(security())
    const { w } = writer(h.port, {
      security: { ...client, shared_key: 'wrong' },
      options: { heartbeatType: 'transport', heartbeatIntervalMs: 50, hardTimeoutMs: 300 },
    })
    await w.start()
    await waitUntil(() => !w.nodes[0].available, 'the server to be detached')
    expect(w.nodes[0].heartbeats).toBe(0)
  })
})

describe('out_forward security in fluent.conf', () => {
  it('delivers sluice → sluice over TLS with shared_key and user auth, configured as a user would', async () => {
    const h = await receiver(
      `${tlsServer()}\n${security('    user_auth true\n    <user>\n      username alice\n      password pw\n    </user>\n')}`,
    )
    const a = await startAgent(
      `<match **>
  @type forward
  @id out
  transport tls
  tls_ca_cert_path ${certs.ca}
  require_ack_response true
  heartbeat_type none
  <security>
    self_hostname client.local
    shared_key secret
  </security>
  <server>
    host 127.0.0.1
    name localhost
    port ${h.port}
    username alice
    password pw
  </server>
  <buffer>
    flush_interval 0.05
    flush_thread_interval 0.02
  </buffer>
</match>`,
      [outForward],
    )
    cleanups.push(() => a.stop())
    const out = a.agent.plugins.find((p) => p.id === 'out')!.plugin as ForwardOutput
    a.agent.root.emit(streamFromEvents('conf.sec', [{ time: new EventTime(T, 5), record: { ok: true } }]))
    const [event] = await h.capture.waitFor(1)
    expect([event.tag, event.time.nsec, event.record]).toEqual(['conf.sec', 5, { ok: true }])
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, 'an empty buffer')
  })
})
