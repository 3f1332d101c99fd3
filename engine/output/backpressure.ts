/**
 * @module Emits that must not wait: an input that cannot hold its peer (in_http answers each
 * request; making it wait for buffer space only turns into client timeouts) runs its emit inside
 * `withoutBlocking`, and a buffered output whose buffer is full with `overflow_action block`
 * then throws BufferOverflowError at once (in_http: 503 + Retry-After) instead of returning a
 * pending promise. Inputs that can hold their peer (in_forward pauses the socket, so the TCP
 * window fills) emit normally and wait. The flag covers the synchronous part of the emit — the
 * router, filters and outputs reached without an await, which is every shipped path except the
 * later stores of `copy` after an asynchronous one.
 */

let depth = 0

/**
 * Runs `emit` with blocking refused.
 *
 * @example
 * emit: (stream) => withoutBlocking(() => ctx.router.emit(stream))
 */
export function withoutBlocking<T>(emit: () => T): T {
  depth++
  try {
    return emit()
  } finally {
    depth--
  }
}

/** Is the current (synchronous) emit one that must not wait for buffer space? */
export function blockingRefused(): boolean {
  return depth > 0
}
