/**
 * @module The shared Forward protocol suite (engine/forward/protocol.cases.ts: the §1.6 vectors,
 * the messages, both sides of the handshake) with node:crypto's SHA-512, the one in_forward and
 * out_forward use.
 */

import { runForwardProtocolSuite } from '../../engine/forward/protocol.cases.ts'
import { nodeSha512 } from './sha512.ts'

runForwardProtocolSuite('Node, node:crypto', nodeSha512)
