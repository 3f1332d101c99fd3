/**
 * @module The Forward handshake's hash on Node: node:crypto's SHA-512, synchronous (the engine's
 * handshake, engine/forward/digest.ts, takes it as its `Sha512Hex`; the edge gives WebCrypto's).
 */

import type { Sha512Hex } from '../../engine/forward/digest.ts'
import { nodeCrypto } from '../builtins.ts'

/** Lowercase hex SHA-512 with node:crypto. */
export const nodeSha512: Sha512Hex = (data) => nodeCrypto().createHash('sha512').update(data).digest('hex')
