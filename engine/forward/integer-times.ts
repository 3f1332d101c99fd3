/**
 * @module `time_as_integer` for Forward senders (Fluentd's out_forward option, for receivers older
 * than v0.14 that cannot read EventTime): the entries re-encoded with integer seconds by the core's
 * packer (an aux walk and appends, all inside WASM memory), cut into pieces at the packer's byte
 * limit. node-server's out_forward (one piece per chunk) and the edge's (pieces of
 * chunk_limit_size) use it.
 */

import * as abi from '../../wasm/abi.ts'
import type { Core, Packer } from '../../wasm/core.ts'

export interface EntriesPiece {
  entries: Uint8Array
  count: number
}

/**
 * The pieces of `entries` with integer times. `packer` must be a `packed` packer with
 * `timeAsInteger: true`; its byteLimit (named `limit` in errors) cuts the pieces. A time of 0
 * becomes `nowMs`. Throws when the bytes (`what`) are not an entries stream, or when one entry
 * alone is larger than the limit.
 */
export function withIntegerTimes(
  core: Core,
  packer: Packer,
  entries: Uint8Array,
  nowMs: number,
  what: string,
  limit = 'the byte limit',
): EntriesPiece[] {
  core.aux(entries)
  if (core.exports.walkEntries(entries.length) !== abi.STATUS_OK) throw new Error(`${what} are not a valid entries stream`)
  const n = core.result(abi.R_AUX_ENTRY_COUNT)
  const pieces: EntriesPiece[] = []
  packer.reset()
  for (let from = 0; from < n; ) {
    const { consumed, stop } = packer.appendEntries(from, n - from, Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000, true)
    from += consumed
    if (stop === 'too-large' && packer.count === 0) throw new Error(`an event of ${what} is larger than ${limit}`)
    if (packer.count > 0 && (stop !== 'ok' || from >= n)) {
      pieces.push({ entries: packer.bodyView().slice(), count: packer.count })
      packer.reset()
    }
  }
  return pieces
}
