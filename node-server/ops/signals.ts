/**
 * @module Signals, as Fluentd's supervisor reads them: SIGTERM / SIGINT stop gracefully (inputs
 * first, outputs flush; a second one exits at once, exit code 1), SIGHUP and SIGUSR2 reload the
 * config, SIGUSR1 flushes the buffers and reopens the log file.
 */

import type { Daemon } from './daemon.ts'

export interface SignalOptions {
  /** Called once the graceful stop finished (code 0) or on a forced exit (code 1). */
  exit(code: number): void
  /** After the first stop signal, exit(1) if the stop has not finished by then. */
  hardDeadlineMs?: number
}

/** Installs the handlers; returns a function that removes them. */
export function installSignals(daemon: Daemon, options: SignalOptions): () => void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      daemon.log.warn('second signal: exiting now without waiting for the flush', { signal })
      options.exit(1)
      return
    }
    stopping = true
    if (options.hardDeadlineMs !== undefined) {
      setTimeout(() => {
        daemon.log.error('the stop did not finish in time; exiting', { deadline_ms: options.hardDeadlineMs })
        options.exit(1)
      }, options.hardDeadlineMs).unref()
    }
    daemon.stop(signal).then(
      () => options.exit(0),
      (error) => {
        daemon.log.error('stop failed', { error: String(error) })
        options.exit(1)
      },
    )
  }
  const reload = (signal: NodeJS.Signals) => {
    daemon.log.info('reload requested', { signal })
    void daemon.reload().catch((error) => daemon.log.error('reload failed', { error: String(error) }))
  }
  const flush = (signal: NodeJS.Signals) => {
    daemon.log.info('flush requested', { signal })
    void daemon.flush().catch((error) => daemon.log.error('flush failed', { error: String(error) }))
  }
  const handlers: [NodeJS.Signals, (s: NodeJS.Signals) => void][] = [
    ['SIGTERM', stop],
    ['SIGINT', stop],
    ['SIGHUP', reload],
    ['SIGUSR2', reload],
    ['SIGUSR1', flush],
  ]
  for (const [signal, handler] of handlers) process.on(signal, handler)
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler)
  }
}
