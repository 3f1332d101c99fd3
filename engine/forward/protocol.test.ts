/**
 * @module The shared Forward protocol suite under Node with WebCrypto's SHA-512 (Node's
 * `crypto.subtle`); node-server/forward/sha512.test.ts runs it with node:crypto, and
 * edge/test/forward-protocol.test.ts inside workerd.
 */

import { webCryptoSha512 } from './digest.ts'
import { runForwardProtocolSuite } from './protocol.cases.ts'

runForwardProtocolSuite('Node, WebCrypto', webCryptoSha512)
