/**
 * @module The shared Forward protocol suite (engine/forward/protocol.cases.ts) inside workerd: the
 * same envelope and ack cases node-server runs under Node.
 */

import { runForwardProtocolSuite } from '../../engine/forward/protocol.cases.ts'

runForwardProtocolSuite('workerd')
