/**
 * @module in_forward `<transport tls>` over real TLS with certificates made by `openssl` at test
 * time: a server certificate verified by its CA, a plaintext client refused with its first bytes
 * logged, mutual TLS (no certificate or another CA's: refused; the CA's: accepted), the minimum
 * version enforced, an encrypted key, certificates generated at start, and TLS together with
 * `<security>`.
 */

import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { message, options, record } from '../../../test/helpers/forward-build.ts'
import { cat, hex, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { sharedKeyDigest } from '../../forward/testing.ts'
import { encodePing, encodePongFailure, readHelo } from '../../../engine/forward/messages.ts'
import { readObject } from '../../../engine/forward/msgpack.ts'
import { makeCertificates, type TestCertificates } from '../../tls/testing.ts'
import { startForward, waitUntil, type ForwardHarness } from './testing.ts'

const T = 1441588984
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))

let certs: TestCertificates
beforeAll(() => {
  certs = makeCertificates()
})
afterAll(() => certs.remove())

let h: ForwardHarness | null = null
const sockets: TLSSocket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await h?.stop()
  h = null
})

const transport = (extra = '') =>
  `  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKey}\n${extra}  </transport>`

interface TlsClient {
  socket: TLSSocket
  received: Buffer
  closed: boolean
  error: Error | null
  write(bytes: Uint8Array): void
  waitForBytes(n: number): Promise<void>
  waitForClose(): Promise<void>
}

/** A TLS client to the harness; resolves after its TLS handshake, rejects when it fails. */
function tlsClient(options: ConnectionOptions = {}): Promise<TlsClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: h!.port, ca: certs.read(certs.ca), ...options })
    sockets.push(socket)
    const c: TlsClient = {
      socket,
      received: Buffer.alloc(0),
      closed: false,
      error: null,
      write: (bytes) => socket.write(bytes),
      waitForBytes: (n) => waitUntil(() => c.received.length >= n, `${n} bytes`),
      waitForClose: () => waitUntil(() => c.closed, 'the server to close'),
    }
    socket.on('data', (d) => {
      c.received = Buffer.concat([c.received, d])
    })
    socket.on('close', () => {
      c.closed = true
    })
    socket.once('error', (err) => {
      c.error = err
      reject(err)
    })
    socket.once('secureConnect', () => resolve(c))
  })
}

async function sendAndAck(c: TlsClient, chunk: string, from = 0): Promise<void> {
  c.write(message('test.tls', uint(T), record({ chunk }), options({ chunk })))
  await c.waitForBytes(from + ack(chunk).length)
  expect(c.received.subarray(from)).toEqual(ack(chunk))
}

describe('in_forward <transport tls>', () => {
  it('serves a certificate the client verifies with the CA (by name and by IP)', async () => {
    h = await startForward(transport())
    const byName = await tlsClient({ servername: 'localhost' })
    expect(byName.socket.authorized).toBe(true)
    await sendAndAck(byName, 'N')
    const byIp = await tlsClient()
    await sendAndAck(byIp, 'I')
    expect(h.capture.events.map((e) => e.record.chunk)).toEqual(['N', 'I'])
    // TLS sockets read the usual way (only a plain TCP socket can read into its own buffer).
    expect(h.input.connections().map((c) => c.reads)).toEqual(['node', 'node'])
  })

  it('refuses a plaintext client with one line carrying its first bytes; other connections go on', async () => {
    h = await startForward(transport())
    const good = await tlsClient()
    const plain = await h.client()
    await plain.write(message('test.plain', uint(T), record({ a: 1 }), options({ chunk: 'X' })))
    await plain.waitForEnd()
    const lines = h.running.logs.filter((l) => l.message.startsWith('TLS handshake failed'))
    expect(lines).toHaveLength(1)
    expect(Buffer.from(lines[0].fields.head as string, 'base64')[0]).toBe(0x94)
    expect(lines[0].fields.peer).toMatch(/^127\.0\.0\.1:\d+$/)
    await sendAndAck(good, 'G')
    expect(h.capture.events.map((e) => e.record.chunk)).toEqual(['G'])
  })

  it('requires a client certificate from the CA with client_cert_auth (mutual TLS)', async () => {
    h = await startForward(transport(`    ca_path ${certs.ca}\n    client_cert_auth true\n`))
    const anonymous = await tlsClient().catch((err: Error) => err)
    if (!(anonymous instanceof Error)) await anonymous.waitForClose()
    const rogue = await tlsClient({ cert: certs.read(certs.rogueClientCert), key: certs.read(certs.rogueClientKey) }).catch(
      (err: Error) => err,
    )
    if (!(rogue instanceof Error)) await rogue.waitForClose()
    const refused = h.running.logs.filter((l) => l.message.startsWith('TLS client certificate refused'))
    expect(refused.map((l) => l.fields.error)).toEqual(['no client certificate', expect.stringMatching(/ISSUER|SIGNATURE|SELF_SIGNED/)])
    const trusted = await tlsClient({ cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) })
    await sendAndAck(trusted, 'M')
    expect(h.capture.events).toHaveLength(1)
  })

  it('enforces min_version', async () => {
    h = await startForward(transport('    min_version TLSv1_3\n    max_version TLSv1_3\n'))
    const old = await tlsClient({ maxVersion: 'TLSv1.2' }).catch((err: Error) => err)
    expect(old).toBeInstanceOf(Error)
    await waitUntil(() => h!.logged('warn', 'TLS handshake failed'), 'the failure line')
    const current = await tlsClient()
    expect(current.socket.getProtocol()).toBe('TLSv1.3')
  })

  it('pins the version with `version` (Fluentd: TLSv1_2 alone) and allows 1.2–1.3 when unset', async () => {
    h = await startForward(transport('    version TLSv1_2\n'))
    expect((await tlsClient()).socket.getProtocol()).toBe('TLSv1.2')
    expect(await tlsClient({ minVersion: 'TLSv1.3' }).catch((err: Error) => err)).toBeInstanceOf(Error)
    await h.stop()
    h = await startForward(transport())
    expect((await tlsClient()).socket.getProtocol()).toBe('TLSv1.3')
    expect((await tlsClient({ maxVersion: 'TLSv1.2' })).socket.getProtocol()).toBe('TLSv1.2')
  })

  it('reads an encrypted key with private_key_passphrase; a wrong passphrase is a config error', async () => {
    const withKey = (passphrase: string) =>
      `  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKeyEncrypted}\n    private_key_passphrase ${passphrase}\n  </transport>`
    h = await startForward(withKey(certs.passphrase))
    await sendAndAck(await tlsClient(), 'K')
    await h.stop()
    h = null
    await expect(startForward(withKey('wrong'))).rejects.toThrow(/transport tls/)
  })

  it('generates a server certificate signed by ca_cert_path, or a self-signed one with insecure', async () => {
    h = await startForward(
      `  <transport tls>\n    ca_cert_path ${certs.ca}\n    ca_private_key_path ${certs.caKey}\n    generate_cert_common_name localhost\n  </transport>`,
    )
    await sendAndAck(await tlsClient({ servername: 'localhost' }), 'C')
    expect(h.logged('warn', 'signed by')).toBe(true)
    await h.stop()
    h = await startForward('  <transport tls>\n    insecure true\n    generate_cert_common_name localhost\n  </transport>')
    expect(await tlsClient({ servername: 'localhost' }).catch((err: Error) => err)).toBeInstanceOf(Error)
    await sendAndAck(await tlsClient({ rejectUnauthorized: false }), 'S')
  })

  it('runs the <security> handshake inside TLS', async () => {
    h = await startForward(`${transport()}\n  <security>\n    self_hostname server.local\n    shared_key secret\n  </security>`)
    const c = await tlsClient()
    await waitUntil(() => readObject(c.received, 0, 4096).status === 'ok', 'HELO')
    const r = readObject(c.received, 0, 4096)
    if (r.status !== 'ok') throw new Error('no HELO')
    const hello = readHelo(r.value)!
    const salt = '0123456789abcdef0123456789abcdef'
    c.write(
      encodePing({
        hostname: 'client.local',
        salt,
        digest: sharedKeyDigest(salt, 'client.local', hello.nonce, 'secret'),
        username: '',
        passwordDigest: '',
      }),
    )
    await c.waitForBytes(r.end + 7)
    expect(c.received[r.end + 6]).toBe(0xc3)
    const pongEnd = readObject(c.received, r.end, 4096)
    if (pongEnd.status !== 'ok') throw new Error('no PONG')
    await sendAndAck(c, 'B', pongEnd.end)
  })

  it('writes the whole failed PONG inside TLS before closing', async () => {
    h = await startForward(`${transport()}\n  <security>\n    self_hostname server.local\n    shared_key secret\n  </security>`)
    const c = await tlsClient()
    await waitUntil(() => readObject(c.received, 0, 4096).status === 'ok', 'HELO')
    const r = readObject(c.received, 0, 4096)
    if (r.status !== 'ok') throw new Error('no HELO')
    const salt = '0123456789abcdef0123456789abcdef'
    c.write(
      encodePing({
        hostname: 'client.local',
        salt,
        digest: sharedKeyDigest(salt, 'client.local', readHelo(r.value)!.nonce, 'wrong'),
        username: '',
        passwordDigest: '',
      }),
    )
    await c.waitForClose()
    expect(c.received.subarray(r.end)).toEqual(Buffer.from(encodePongFailure('shared_key mismatch')))
  })

  it('closes a TLS client that never finishes its handshake within handshake_timeout', async () => {
    h = await startForward(`  handshake_timeout 0.2\n${transport()}`)
    const silent = await h.client()
    await silent.waitForEnd()
    const line = h.running.logs.find((l) => l.message.includes('handshake_timeout'))!
    expect(line.fields).toMatchObject({ stage: 'tls', bytes: 0 })
  })
})
