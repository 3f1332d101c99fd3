/**
 * @module Errors a buffered output raises: BufferOverflowError (total_limit_size reached with
 * `overflow_action throw_exception`, or nothing left to drop) and the shutdown rejection of blocked
 * emits. Inputs treat any of them as "not accepted" (no ack); `@ERROR` can catch them. Writers
 * raise RollbackError (sent, not confirmed: write again at once) and UnrecoverableError.
 */

export { UnrecoverableError } from './placeholders.ts'

/** The buffer is full (Fluentd's BufferOverflowError). */
export class BufferOverflowError extends Error {
  override name = 'BufferOverflowError'
}

/** An emit that was waiting for buffer space (overflow_action block) when the output shut down. */
export class BufferShutdownError extends Error {
  override name = 'BufferShutdownError'
}

/**
 * A chunk was sent but its destination did not confirm it (no ack in time, the connection lost
 * before the ack, a wrong ack) and the writer has set that destination aside: the buffer takes
 * the chunk back and writes it again at once, without a retry step (Fluentd's ack rollback). A
 * chunk rolled back more than MAX_FREE_ROLLBACKS times in a row counts as failed (backoff).
 */
export class RollbackError extends Error {
  override name = 'RollbackError'
  readonly rollback = true
}

/** Consecutive rollbacks of one chunk written again at once; more count as retry steps. */
export const MAX_FREE_ROLLBACKS = 8

export function isRollback(error: unknown): boolean {
  return error instanceof Error && (error as { rollback?: unknown }).rollback === true
}

/** Is this error one retrying cannot fix (the chunk goes to the secondary or the backup at once)? */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof Error && (error.name === 'UnrecoverableError' || (error as { unrecoverable?: unknown }).unrecoverable === true)
}

/** Logs at counts 1, 2, 4 … 256, then every 512th (Fluentd's rate for repeated warnings). */
export function rateLimited(): () => number | null {
  let count = 0
  return () => {
    const c = ++count
    return (c < 512 ? (c & (c - 1)) === 0 : c % 512 === 0) ? c : null
  }
}
