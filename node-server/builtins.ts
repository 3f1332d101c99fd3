/**
 * @module Node's crypto, tls, https and http for the code that needs them only with some settings
 * (a TLS transport, the Forward handshake's shared_key, generated certificates, out_http, in_http,
 * in_prometheus), loaded on first use instead of with every daemon: imported at start they cost
 * ~1.5 MB of resident memory (some 30 internal modules, and `tls.rootCertificates` parsed when
 * node:tls is imported as an ES module). Each getter loads its module once (Node keeps one
 * instance of a built-in module; later calls only read a variable). Types come from `import type`
 * where they are used. node-server/cli/lazy-modules.test.ts checks an in_forward → null daemon
 * loads none of them.
 */

import { createRequire } from 'node:module'

const load = createRequire(import.meta.url)

let crypto: typeof import('node:crypto') | undefined
let tls: typeof import('node:tls') | undefined
let https: typeof import('node:https') | undefined
let http: typeof import('node:http') | undefined

export const nodeCrypto = (): typeof import('node:crypto') => (crypto ??= load('node:crypto') as typeof import('node:crypto'))
export const nodeTls = (): typeof import('node:tls') => (tls ??= load('node:tls') as typeof import('node:tls'))
export const nodeHttps = (): typeof import('node:https') => (https ??= load('node:https') as typeof import('node:https'))
export const nodeHttp = (): typeof import('node:http') => (http ??= load('node:http') as typeof import('node:http'))
