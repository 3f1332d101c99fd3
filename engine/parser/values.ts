/**
 * @module The values a parser puts in a record, beyond JavaScript's own: the ones msgpack (and
 * Ruby) tell apart but JavaScript does not. A record is a `Map` (insertion order kept for every
 * key, as a Ruby Hash keeps it — a plain object would move integer-like keys first).
 *
 * | value | msgpack |
 * |---|---|
 * | `string` | str |
 * | `number` (an integer) / `bigint` | the smallest int form |
 * | `number` (not an integer) / `FloatValue` | float 64 (`FloatValue` keeps `1.0` a float) |
 * | `boolean`, `null`, `undefined` | true/false, nil |
 * | `RawString` | str with these bytes as they are (not UTF-8-checked) |
 * | `Uint8Array` | bin |
 * | `EventTime` | ext 0 (Fluentd's EventTime) |
 * | `ExtValue` | ext of its type |
 * | `Array`, `Map`, plain object | array, map |
 */

/** A float whose value is an integer (`1.0`, `13.0`): written as a msgpack float, shown as Ruby shows floats. */
export class FloatValue {
  constructor(readonly value: number) {}
}

/** A msgpack str whose bytes are kept as they came (they may not be valid UTF-8). */
export class RawString {
  constructor(readonly bytes: Uint8Array) {}
}

/** A msgpack ext other than EventTime. */
export class ExtValue {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

/** A parsed record: keys in the order they were found. */
export type ParsedRecord = Map<string, unknown>

/** The JavaScript number of a numeric value (FloatValue, bigint, number); NaN for anything else. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value
  if (value instanceof FloatValue) return value.value
  if (typeof value === 'bigint') return Number(value)
  return Number.NaN
}

/** Is it a Ruby Float (a non-integer number or a FloatValue)? */
export function isFloat(value: unknown): boolean {
  return value instanceof FloatValue || (typeof value === 'number' && !Number.isInteger(value))
}
