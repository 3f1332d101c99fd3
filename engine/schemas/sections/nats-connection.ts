/**
 * @module The NATS connection params shared by out_nats and in_nats, as plain data: the servers
 * (reconnect and failover across them), authentication (user/password, token, nkey seed, creds
 * file), TLS (CA, client certificate, verification) and the liveness timers. Settled into client
 * options by node-server/nats/.
 */

import type { ParamSpec } from '../../config/schema.ts'

export const DEFAULT_NATS_SERVER = 'nats://127.0.0.1:4222'

export const natsConnectionParams = [
  {
    name: 'servers',
    type: 'array',
    default: [DEFAULT_NATS_SERVER],
    description: 'NATS server URLs (nats://host:port, tls://host:port, or host:port); the client fails over and reconnects across them.',
  },
  {
    name: 'client_name',
    type: 'string',
    default: null,
    description: "The connection's name in the server's monitoring (default: sluice <plugin id>).",
  },
  { name: 'user', type: 'string', default: null, description: 'User name (with password).' },
  { name: 'password', type: 'string', default: null, secret: true, description: 'Password of user.' },
  { name: 'token', type: 'string', default: null, secret: true, description: 'Authentication token.' },
  {
    name: 'nkey_seed',
    type: 'string',
    default: null,
    secret: true,
    description: 'NKey user seed (SU…): the client signs the server nonce with it.',
  },
  { name: 'nkey_seed_path', type: 'string', default: null, description: 'A file holding the NKey user seed (instead of nkey_seed).' },
  {
    name: 'creds_file',
    type: 'string',
    default: null,
    description: 'A .creds file (user JWT + NKey seed, decentralized auth / nsc).',
  },
  {
    name: 'tls',
    type: 'bool',
    default: false,
    description: 'Require TLS (also on with a tls:// server URL or any tls_*_path).',
  },
  { name: 'tls_ca_cert_path', type: 'string', default: null, description: 'CA certificate (PEM) that signed the server certificate.' },
  { name: 'tls_client_cert_path', type: 'string', default: null, description: 'Client certificate (PEM) for servers that verify clients.' },
  { name: 'tls_client_private_key_path', type: 'string', default: null, description: "The client certificate's private key (PEM)." },
  {
    name: 'tls_verify',
    type: 'bool',
    default: true,
    description: 'Verify the server certificate and host name (false: encrypt without verifying; insecure).',
  },
  { name: 'connect_timeout', type: 'time', default: 10, description: 'Give up one connection attempt after this long.' },
  { name: 'reconnect_wait', type: 'time', default: 2, description: 'Wait between reconnect attempts to the same server.' },
  {
    name: 'max_reconnect_attempts',
    type: 'integer',
    default: -1,
    description: 'Reconnect attempts per server before the connection is given up (-1: forever).',
  },
  {
    name: 'ping_interval',
    type: 'time',
    default: 20,
    description: 'Client PING interval; max_pings_out unanswered PINGs make the connection stale (reconnect).',
  },
  { name: 'max_pings_out', type: 'integer', default: 3, description: 'Unanswered PINGs before the connection counts as stale.' },
] as const satisfies readonly ParamSpec[]
