/**
 * @module in_sample's settled options: the `sample` JSON (an object, or an array of objects used
 * in turn) checked with Fluentd's messages and encoded once as msgpack records.
 */

import { encodeRecord } from '../../../engine/event-stream.ts'
import type { InSampleConfig } from '../../../engine/schemas/in_sample.ts'

export interface SampleOptions {
  tag: string
  size: number
  rate: number
  autoIncrementKey: string | null
  /** Each sample record as msgpack bytes. */
  records: Uint8Array[]
}

export function settleSampleOptions(config: InSampleConfig): SampleOptions {
  let parsed: unknown
  try {
    parsed = JSON.parse(config.sample)
  } catch (err) {
    throw new Error(`sample is not JSON: ${(err as Error).message}`)
  }
  const samples = Array.isArray(parsed) ? parsed : [parsed]
  samples.forEach((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e))
      throw new Error(`${i}th element of sample, ${JSON.stringify(e)}, is not a hash`)
  })
  if (samples.length === 0) throw new Error('sample must hold at least one record')
  if (config.rate < 0) throw new Error('rate must not be negative')
  return {
    tag: config.tag,
    size: config.size,
    rate: config.rate,
    autoIncrementKey: config.auto_increment_key,
    records: samples.map((s) => encodeRecord(s as Record<string, unknown>)),
  }
}
