/**
 * @module The shared Forward protocol suite (engine/forward/protocol.cases.ts) inside workerd, with
 * WebCrypto's SHA-512 as the edge's out_forward uses it: the same envelope, ack, §1.6 vector and
 * handshake cases node-server runs under Node with node:crypto.
 */

import { expect, it } from 'vitest'
import { webCryptoSha512 } from '../../engine/forward/digest.ts'
import { runForwardProtocolSuite } from '../../engine/forward/protocol.cases.ts'

it('runs inside workerd', () => {
  expect(navigator.userAgent).toBe('Cloudflare-Workers')
})

runForwardProtocolSuite('workerd, WebCrypto', webCryptoSha512)
