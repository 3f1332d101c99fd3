/**
 * @module Settling the NATS connection params: server URLs, one way to authenticate, files read at
 * config time with the param named in the error, TLS turned on by a tls:// URL or a tls_* path.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUser } from '@nats-io/nkeys'
import { afterAll, describe, expect, it } from 'vitest'
import { validateElement } from '../../engine/config/schema.ts'
import { createElement } from '../../engine/config/model.ts'
import { natsConnectionParams } from '../../engine/schemas/sections/nats-connection.ts'
import { type NatsConnectionConfig, settleNatsClient } from './options.ts'

const dir = mkdtempSync(join(tmpdir(), 'sluice-nats-options-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function config(params: Record<string, string>): NatsConnectionConfig {
  const result = validateElement(createElement('source', '', params), { params: natsConnectionParams })
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join('\n'))
  return result.config as NatsConnectionConfig
}

describe('settleNatsClient', () => {
  it('defaults: the local server, reconnecting forever, no auth, no TLS', () => {
    const o = settleNatsClient(config({}), 'sluice x')
    expect(o.connect.servers).toEqual(['nats://127.0.0.1:4222'])
    expect(o.connect.maxReconnectAttempts).toBe(-1)
    expect(o.connect.name).toBe('sluice x')
    expect(o.auth).toBe('none')
    expect(o.tls).toBe(false)
    expect(o.connect.tls).toBeUndefined()
  })

  it('takes several servers and hides URL credentials in what it logs', () => {
    const o = settleNatsClient(config({ servers: 'nats://a:4222, tls://u:p@b:4223,c' }), 'x')
    expect(o.connect.servers).toEqual(['nats://a:4222', 'tls://u:p@b:4223', 'c'])
    expect(o.servers).toEqual(['nats://a:4222', 'tls://b:4223', 'c'])
    expect(o.tls).toBe(true)
  })

  it('refuses what is not a NATS URL', () => {
    expect(() => settleNatsClient(config({ servers: 'http://a:80/path' }), 'x')).toThrow(/is not a NATS URL/)
    expect(() => settleNatsClient(config({ servers: 'ws://a:80' }), 'x')).toThrow(/websocket/)
    expect(() => settleNatsClient(config({ servers: 'nats://a:99999' }), 'x')).toThrow(/port out of range/)
  })

  it('takes exactly one way to authenticate', () => {
    expect(settleNatsClient(config({ user: 'u', password: 'p' }), 'x').auth).toBe('user')
    expect(settleNatsClient(config({ token: 't' }), 'x').auth).toBe('token')
    expect(() => settleNatsClient(config({ user: 'u', password: 'p', token: 't' }), 'x')).toThrow(/authenticate one way: user and token/)
    expect(() => settleNatsClient(config({ user: 'u' }), 'x')).toThrow(/user and password go together/)
  })

  it('reads an NKey seed from the param or a file, and checks it is a user seed', () => {
    const seed = new TextDecoder().decode(createUser().getSeed())
    expect(settleNatsClient(config({ nkey_seed: seed }), 'x').connect.authenticator).toBeTypeOf('function')
    writeFileSync(join(dir, 'user.nk'), `${seed}\n`)
    expect(settleNatsClient(config({ nkey_seed_path: join(dir, 'user.nk') }), 'x').auth).toBe('nkey')
    expect(() => settleNatsClient(config({ nkey_seed: 'SAxyz' }), 'x')).toThrow(/not a user seed/)
    expect(() => settleNatsClient(config({ nkey_seed_path: join(dir, 'missing.nk') }), 'x')).toThrow(
      /nkey_seed_path: cannot read .*missing\.nk: ENOENT/,
    )
  })

  it('reads a creds file and refuses a file that is not one', () => {
    writeFileSync(join(dir, 'bad.creds'), 'hello')
    expect(() => settleNatsClient(config({ creds_file: join(dir, 'bad.creds') }), 'x')).toThrow(/is not a NATS \.creds file/)
  })

  it('turns TLS on with a CA path and reads the files now', () => {
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n')
    const o = settleNatsClient(config({ tls_ca_cert_path: join(dir, 'ca.pem') }), 'x')
    expect(o.tls).toBe(true)
    expect(o.connect.tls).toMatchObject({ rejectUnauthorized: true, ca: '-----BEGIN CERTIFICATE-----\n' })
    expect(settleNatsClient(config({ tls: 'true', tls_verify: 'false' }), 'x').connect.tls).toEqual({ rejectUnauthorized: false })
    expect(() => settleNatsClient(config({ tls_client_cert_path: join(dir, 'ca.pem') }), 'x')).toThrow(/go together/)
    expect(() => settleNatsClient(config({ tls_ca_cert_path: join(dir, 'nope.pem') }), 'x')).toThrow(/tls_ca_cert_path: cannot read/)
  })
})
