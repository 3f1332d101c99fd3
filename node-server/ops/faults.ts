/**
 * @module What the daemon does when a plugin has a bug that escapes it: an uncaught exception is
 * logged with its stack and the daemon stops gracefully (inputs first, buffers flushed) and exits
 * with 70 (EX_SOFTWARE) rather than dying with its memory buffers; an unhandled promise rejection
 * is logged as an error and the daemon keeps running.
 */

import type { Controlled } from './signals.ts'

export const EXIT_SOFTWARE = 70

export function installFaultHandlers(daemon: Pick<Controlled, 'log' | 'stop'>, exit: (code: number) => void): () => void {
  let failing = false
  const onException = (error: Error) => {
    daemon.log.error('uncaught exception; stopping', { error: error?.stack ?? String(error) })
    if (failing) return
    failing = true
    daemon.stop('uncaught exception').then(
      () => exit(EXIT_SOFTWARE),
      () => exit(EXIT_SOFTWARE),
    )
  }
  const onRejection = (reason: unknown) => {
    daemon.log.error('unhandled promise rejection', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) })
  }
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
