/**
 * @module The NATS connection params (engine/schemas/sections/nats-connection.ts) settled into the
 * client's connection options: server URLs checked, exactly one way to authenticate (files read
 * now, so a wrong path is a config error with its name), TLS material read and verification chosen,
 * times in milliseconds, reconnecting forever by default.
 */

import type { NodeConnectionOptions } from '@nats-io/transport-node'
import { nats } from './client.ts'

type Authenticator = Exclude<NonNullable<NodeConnectionOptions['authenticator']>, unknown[]>
import type { ConfigOf } from '../../engine/config/schema.ts'
import type { natsConnectionParams } from '../../engine/schemas/sections/nats-connection.ts'
import { readPem } from '../tls/pem.ts'

export type NatsConnectionConfig = ConfigOf<{ params: typeof natsConnectionParams }>

/** What the link needs: the client options plus what its log lines show. */
export interface NatsClientOptions {
  connect: NodeConnectionOptions
  /** The servers as written (for log lines; never with credentials). */
  servers: string[]
  /** How the client authenticates, for log lines: none, user, token, nkey, creds. */
  auth: string
  tls: boolean
  reconnectWaitMs: number
}

const URL_FORM = /^(?:(nats|tls|ws|wss):\/\/)?(?:[^@/\s]+@)?(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+)(?::(\d+))?\/?$/

/**
 * An authenticator built by the client package on its first call (the client calls it while
 * connecting, when the package is loaded: nats/client.ts), so settling a config loads no NATS code.
 */
function atConnect(build: (transport: ReturnType<typeof nats>['transport']) => Authenticator): Authenticator {
  let real: Authenticator | null = null
  return (nonce?: string) => {
    real ??= build(nats().transport)
    return real(nonce)
  }
}

function readFile(path: string, param: string): string {
  return readPem(param, path).toString('utf8')
}

/** Throws with the param's name when a server URL, the auth or the TLS settings are wrong. */
export function settleNatsClient(config: NatsConnectionConfig, defaultName: string): NatsClientOptions {
  const servers = (config.servers as unknown[]).map((s) => String(s).trim()).filter((s) => s !== '')
  if (servers.length === 0) throw new Error('servers is empty: give at least one NATS server URL (nats://host:4222)')
  let tlsUrl = false
  for (const server of servers) {
    const m = URL_FORM.exec(server)
    if (m === null) throw new Error(`servers: ${JSON.stringify(server)} is not a NATS URL (nats://host:4222, tls://host:4222 or host:port)`)
    if (m[1] === 'ws' || m[1] === 'wss') throw new Error(`servers: ${server}: websocket URLs are not supported (use nats:// or tls://)`)
    if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) throw new Error(`servers: ${server}: port out of range 1..65535`)
    if (m[1] === 'tls') tlsUrl = true
  }

  const ways = [
    config.user !== null || config.password !== null ? 'user' : null,
    config.token !== null ? 'token' : null,
    config.nkey_seed !== null || config.nkey_seed_path !== null ? 'nkey' : null,
    config.creds_file !== null ? 'creds' : null,
  ].filter((w): w is string => w !== null)
  if (ways.length > 1)
    throw new Error(`authenticate one way: ${ways.join(' and ')} are both set (user/password, token, nkey_seed(_path) or creds_file)`)
  if (config.nkey_seed !== null && config.nkey_seed_path !== null) throw new Error('nkey_seed and nkey_seed_path are both set: use one')
  if ((config.user === null) !== (config.password === null)) throw new Error('user and password go together: set both')

  const connect: NodeConnectionOptions = {
    servers,
    name: config.client_name ?? defaultName,
    timeout: Math.round(config.connect_timeout * 1000),
    reconnect: true,
    maxReconnectAttempts: config.max_reconnect_attempts,
    reconnectTimeWait: Math.round(config.reconnect_wait * 1000),
    pingInterval: Math.round(config.ping_interval * 1000),
    maxPingOut: config.max_pings_out,
    // Errors come back to the writer and the reader with their own context.
    noAsyncTraces: true,
  }
  if (config.user !== null && config.password !== null) {
    connect.user = config.user
    connect.pass = config.password
  }
  if (config.token !== null) connect.token = config.token
  if (config.nkey_seed !== null || config.nkey_seed_path !== null) {
    const seed = (config.nkey_seed ?? readFile(config.nkey_seed_path!, 'nkey_seed_path')).trim()
    if (!/^SU[A-Z2-7]+$/.test(seed)) throw new Error('the NKey seed is not a user seed (it starts with SU)')
    connect.authenticator = atConnect((t) => t.nkeyAuthenticator(new TextEncoder().encode(seed)))
  }
  if (config.creds_file !== null) {
    const creds = readFile(config.creds_file, 'creds_file')
    if (!creds.includes('BEGIN NATS USER JWT') || !creds.includes('BEGIN USER NKEY SEED'))
      throw new Error(`creds_file ${config.creds_file} is not a NATS .creds file (a user JWT and an NKey seed)`)
    connect.authenticator = atConnect((t) => t.credsAuthenticator(new TextEncoder().encode(creds)))
  }

  const tlsFiles = config.tls_ca_cert_path !== null || config.tls_client_cert_path !== null || config.tls_client_private_key_path !== null
  const tls = config.tls || tlsUrl || tlsFiles
  if ((config.tls_client_cert_path === null) !== (config.tls_client_private_key_path === null))
    throw new Error('tls_client_cert_path and tls_client_private_key_path go together: set both')
  if (tls) {
    connect.tls = {
      rejectUnauthorized: config.tls_verify,
      ...(config.tls_ca_cert_path !== null ? { ca: readFile(config.tls_ca_cert_path, 'tls_ca_cert_path') } : {}),
      ...(config.tls_client_cert_path !== null ? { cert: readFile(config.tls_client_cert_path, 'tls_client_cert_path') } : {}),
      ...(config.tls_client_private_key_path !== null
        ? { key: readFile(config.tls_client_private_key_path, 'tls_client_private_key_path') }
        : {}),
    }
  }
  return {
    connect,
    servers: servers.map((s) => s.replace(/\/\/[^@/]*@/, '//')),
    auth: ways[0] ?? 'none',
    tls,
    reconnectWaitMs: connect.reconnectTimeWait!,
  }
}
