/**
 * @module Secure forward with real peers: the npm Fluentd clients' own handshake code
 * (fluent-logger 3.4.1 `security`, @fluent-org/logger 1.0.10 `security` + `tls`) against sluice's
 * in_forward with `<security>` (shared key, user auth) and `<transport tls>`; a wrong key is
 * refused with Fluentd's reason; and the real `sluice` process relaying over TLS with a shared key
 * and a user to an in_forward (client → sluice process → TLS + handshake → receiver).
 */

import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FluentClient } from '@fluent-org/logger'
import { startSluice, type SluiceProcess } from '../../node-server/cli/testing/sluice-process.ts'
import { makeCertificates, type TestCertificates } from '../../node-server/tls/testing.ts'
import { startForward, waitUntil, type ForwardHarness } from '../../node-server/plugins/in_forward/testing.ts'

const require = createRequire(import.meta.url)
const fluentLogger = require('fluent-logger') as {
  createFluentSender(tag: string, options: Record<string, unknown>): LegacySender
}

interface LegacySender {
  emit(label: string, data: object, timestamp?: number, callback?: (err?: Error) => void): void
  end(label?: string, data?: object, callback?: () => void): void
  on(event: string, listener: (...args: unknown[]) => void): void
}

const T = 1441588984
const quiet = { info: () => undefined, error: () => undefined }
let certs: TestCertificates
beforeAll(() => {
  certs = makeCertificates()
})
afterAll(() => certs.remove())

let h: ForwardHarness | null = null
const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await h?.stop()
  h = null
})

const security = (body = '') => `  <security>\n    self_hostname server.local\n    shared_key s3cret\n${body}  </security>`
const users = '    user_auth true\n    <user>\n      username alice\n      password pw\n    </user>\n'
const tls = () => `  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKey}\n  </transport>`

function legacy(options: Record<string, unknown>): { sender: LegacySender; errors: Error[] } {
  const errors: Error[] = []
  const sender = fluentLogger.createFluentSender('legacy', {
    host: '127.0.0.1',
    port: h!.port,
    reconnectInterval: 600_000,
    internalLogger: quiet,
    ...options,
  })
  sender.on('error', (err) => errors.push(err as Error))
  cleanups.push(() => new Promise<void>((resolve) => sender.end(undefined, undefined, resolve)))
  return { sender, errors }
}

describe('npm clients with security against in_forward', () => {
  it('fluent-logger: shared key and user auth', async () => {
    h = await startForward(security(users))
    const { sender } = legacy({ security: { clientHostname: 'client.local', sharedKey: 's3cret', username: 'alice', password: 'pw' } })
    sender.emit('sec', { n: 1 }, T)
    sender.emit('sec', { n: 2 }, T)
    expect((await h.capture.waitFor(2)).map((e) => [e.tag, e.record.n])).toEqual([
      ['legacy.sec', 1],
      ['legacy.sec', 2],
    ])
  })

  it("fluent-logger: a wrong key is refused with Fluentd's reason and nothing arrives", async () => {
    h = await startForward(security())
    const { sender, errors } = legacy({ security: { clientHostname: 'client.local', sharedKey: 'wrong' } })
    sender.emit('sec', { n: 1 }, T)
    await waitUntil(() => errors.length > 0, 'the client to report the refusal')
    expect(errors[0].message).toContain('shared_key mismatch')
    expect(h.capture.events).toHaveLength(0)
  })

  it('@fluent-org/logger: TLS, shared key and user auth, with acks', async () => {
    h = await startForward(`${tls()}\n${security(users)}`)
    const c = new FluentClient('org', {
      socket: { host: '127.0.0.1', port: h.port, disableReconnect: true, tls: { ca: certs.read(certs.ca), servername: 'localhost' } },
      security: { clientHostname: 'client.local', sharedKey: 's3cret', username: 'alice', password: 'pw' },
      ack: { ackTimeout: 5_000 },
    })
    cleanups.push(() => c.shutdown().catch(() => undefined))
    await c.connect()
    await Promise.all([c.emit('tls', { n: 1 }, T * 1000), c.emit('tls', { n: 2 }, T * 1000)])
    expect((await h.capture.waitFor(2)).map((e) => [e.tag, e.record.n])).toEqual([
      ['org.tls', 1],
      ['org.tls', 2],
    ])
  })
})

describe('the sluice process relaying over TLS with a shared key', () => {
  it('client → sluice (in_forward → out_forward transport tls + <security> + user) → in_forward', async () => {
    h = await startForward(`${tls()}\n${security(users)}`)
    const conf = join(certs.dir, 'relay.conf')
    writeFileSync(
      conf,
      `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
<match **>
  @type forward
  @id out
  transport tls
  tls_ca_cert_path ${certs.ca}
  require_ack_response true
  heartbeat_interval 0.2
  <security>
    self_hostname relay.local
    shared_key s3cret
  </security>
  <server>
    host 127.0.0.1
    name localhost
    port ${h.port}
    username alice
    password pw
  </server>
  <buffer>
    flush_interval 0.1
  </buffer>
</match>
`,
    )
    const relay: SluiceProcess = startSluice(['-c', conf])
    cleanups.push(() => relay.kill())
    const port = await relay.port('in')
    const sender = fluentLogger.createFluentSender('relay', { host: '127.0.0.1', port, reconnectInterval: 600_000, internalLogger: quiet })
    sender.on('error', () => undefined)
    cleanups.push(() => new Promise<void>((resolve) => sender.end(undefined, undefined, resolve)))
    for (let n = 0; n < 3; n++) sender.emit('sec', { n }, T + n)
    const got = await h.capture.waitFor(3, 15_000)
    expect(got.map((e) => [e.tag, e.time.sec, e.record.n])).toEqual([0, 1, 2].map((n) => ['relay.sec', T + n, n]))
    expect(h.logged('warn', 'Handshake refused')).toBe(false)
    expect(relay.stderr).not.toMatch(/\[(warn|error)\]/)
  })
})
