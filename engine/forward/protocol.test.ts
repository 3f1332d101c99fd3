/**
 * @module The shared Forward protocol suite under Node (the same suite runs inside workerd:
 * edge/test/forward-protocol.test.ts).
 */

import { runForwardProtocolSuite } from './protocol.cases.ts'

runForwardProtocolSuite('node')
