/**
 * @module Authentication and TLS of out_nats and in_nats against real nats-servers configured for
 * each (user/password, token, NKey; TLS with a CA, mutual TLS, an unverified self-signed server),
 * with certificates made at test time by openssl: a round trip out_nats → JetStream → in_nats
 * when the credentials are right, and a "Cannot connect to NATS" line with the server's reason
 * when they are not.
 */

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createUser } from '@nats-io/nkeys'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { streamFromEvents } from '../../engine/event-stream.ts'
import { EventTime } from '../../engine/event-time.ts'
import { waitUntil } from '../../engine/output/testing.ts'
import { startAgent, type TestAgent } from '../../test/helpers/agent.ts'
import { captures } from '../../test/helpers/capture-output.ts'
import { NatsSandbox } from '../../test/helpers/nats-server.ts'
import { makeCertificates, type TestCertificates } from '../tls/testing.ts'
import { inNats } from '../plugins/in_nats/index.ts'
import { outNats } from '../plugins/out_nats/index.ts'

let sandbox: NatsSandbox
let certs: TestCertificates
beforeAll(() => {
  sandbox = new NatsSandbox()
  certs = makeCertificates()
})
afterAll(async () => {
  await sandbox?.remove()
  certs?.remove()
})

const running: TestAgent[] = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop()
})

let n = 0
/** out_nats and in_nats with the same connection lines; resolves once one event made the round trip. */
async function roundTrip(url: string, connection: string): Promise<void> {
  n++
  const id = `secure${n}`
  const a = await startAgent(
    `<source>
  @type nats
  @label @OUT
  servers ${url}
  stream SECURE${n}
  consumer c
  fetch_expires 1
  reconnect_wait 0.1
${connection}
</source>
<match app.**>
  @type nats
  servers ${url}
  subject secure${n}.\${tag}
  stream SECURE${n}
  create_stream true
  reconnect_wait 0.1
${connection}
  <buffer tag>
    flush_mode immediate
    retry_wait 0.1
  </buffer>
</match>
<label @OUT>
  <match **>
    @type capture
    @id ${id}
  </match>
</label>`,
    [inNats, outNats],
  )
  running.push(a)
  a.agent.root.emit(streamFromEvents('app.secure', [{ time: new EventTime(1, 0), record: { n } }]))
  const [event] = await captures.get(id)!.waitFor(1, 15_000)
  expect(event).toMatchObject({ tag: 'app.secure', record: { n } })
  expect(a.logs.filter((l) => l.message === 'Connected to NATS.')).toHaveLength(2)
}

/** An out_nats that must not connect: resolves with the reason of its "Cannot connect" line. */
async function refused(url: string, connection: string): Promise<string> {
  const a = await startAgent(
    `<match app.**>\n  @type nats\n  servers ${url}\n  subject refused.\${tag}\n  reconnect_wait 0.1\n${connection}\n</match>`,
    [outNats],
  )
  running.push(a)
  await waitUntil(() => a.logs.some((l) => l.message === 'Cannot connect to NATS; trying again.'), 'the refusal', 10_000)
  expect(a.logs.some((l) => l.message === 'Connected to NATS.')).toBe(false)
  return String(a.logs.find((l) => l.message === 'Cannot connect to NATS; trying again.')!.fields.error)
}

describe('authentication', () => {
  it('user and password', async () => {
    const server = await sandbox.server({ extra: 'authorization { user: sluice, password: "s3cret pass" }' })
    await roundTrip(server.url, '  user sluice\n  password s3cret pass')
    expect(await refused(server.url, '  user sluice\n  password wrong')).toMatch(/Authorization Violation/i)
    expect(await refused(server.url, '')).toMatch(/Authorization Violation/i)
  })

  it('token', async () => {
    const server = await sandbox.server({ extra: 'authorization { token: "t0ken-xyz" }' })
    await roundTrip(server.url, '  token t0ken-xyz')
    expect(await refused(server.url, '  token nope')).toMatch(/Authorization Violation/i)
  })

  it('NKey seed, written or in a file', async () => {
    const user = createUser()
    const other = createUser()
    const seed = new TextDecoder().decode(user.getSeed())
    const server = await sandbox.server({ extra: `authorization { users: [ { nkey: ${user.getPublicKey()} } ] }` })
    await roundTrip(server.url, `  nkey_seed ${seed}`)
    const file = join(certs.dir, 'user.nk')
    writeFileSync(file, `${seed}\n`, { mode: 0o600 })
    await roundTrip(server.url, `  nkey_seed_path ${file}`)
    expect(await refused(server.url, `  nkey_seed ${new TextDecoder().decode(other.getSeed())}`)).toMatch(/Authorization Violation/i)
  })
})

describe('TLS', () => {
  const tls = (verify: boolean, cert = certs.serverCert, key = certs.serverKey) =>
    `tls { cert_file: ${JSON.stringify(cert)}, key_file: ${JSON.stringify(key)}, ca_file: ${JSON.stringify(certs.ca)}, verify: ${verify}, timeout: 5 }`

  it('verifies the server with the CA', async () => {
    const server = await sandbox.server({ extra: tls(false) })
    await roundTrip(server.url, `  tls_ca_cert_path ${certs.ca}`)
    expect(await refused(server.url, `  tls_ca_cert_path ${certs.otherCa}`)).toMatch(/certificate/i)
    expect(await refused(server.url, '')).toMatch(/certificate/i)
  })

  it('presents a client certificate to a server that verifies clients (mutual TLS)', async () => {
    const server = await sandbox.server({ extra: tls(true) })
    await roundTrip(
      server.url,
      `  tls_ca_cert_path ${certs.ca}\n  tls_client_cert_path ${certs.clientCert}\n  tls_client_private_key_path ${certs.clientKey}`,
    )
    // The server drops the handshake; the client gives up at connect_timeout.
    expect(await refused(server.url, `  tls_ca_cert_path ${certs.ca}\n  connect_timeout 1`)).toBeTruthy()
  })

  it('tls_verify false encrypts without verifying (a self-signed server), and says it is insecure', async () => {
    const server = await sandbox.server({ extra: tls(false, certs.selfSignedCert, certs.selfSignedKey) })
    expect(await refused(server.url, '  tls true')).toMatch(/certificate/i)
    await roundTrip(server.url, '  tls true\n  tls_verify false')
    expect(running.at(-1)!.logs.some((l) => /tls_verify false: the NATS server certificate is not verified/.test(l.message))).toBe(true)
  })
})
