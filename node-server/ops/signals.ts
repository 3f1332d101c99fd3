/**
 * @module Signals, as Fluentd's supervisor reads them: SIGTERM / SIGINT stop gracefully (inputs
 * first, outputs flush; a second one exits at once, exit code 1), SIGHUP and SIGUSR2 reload the
 * config, SIGUSR1 flushes the buffers and reopens the log file.
 *
 * A stop signal repeated within half a second of the first is the same request, not a second
 * one: Ctrl-C in a terminal reaches every process of the foreground group, so under `npm start`
 * sluice gets it from the terminal and again from npm, which forwards SIGINT and SIGTERM to its
 * child. Other reasons to stop (the parent went away, parent-watch.ts) go through `stop()`.
 */

import type { Logger } from '../../engine/log.ts'

/** What signals control: the single-process Daemon, or the Supervisor of `<system> workers N`. */
export interface Controlled {
  readonly log: Logger
  stop(reason?: string): Promise<void>
  reload(): Promise<boolean>
  flush(): Promise<void>
}

export interface SignalOptions {
  /** Called once the graceful stop finished (code 0) or on a forced exit (code 1). */
  exit(code: number): void
  /** After the first stop signal, exit(1) if the stop has not finished by then. */
  hardDeadlineMs?: number
}

export interface SignalControl {
  /** Starts the graceful stop as a stop signal would (nothing more when already stopping). */
  stop(reason: string): void
  /** Removes the handlers. */
  remove(): void
}

/** A stop signal this soon after the first one is the same request (terminal + npm). */
export const REPEATED_SIGNAL_WINDOW_MS = 500

/** Installs the handlers. */
export function installSignals(daemon: Controlled, options: SignalOptions): SignalControl {
  let stoppingSince: number | null = null
  const begin = (reason: string) => {
    stoppingSince = Date.now()
    if (options.hardDeadlineMs !== undefined) {
      setTimeout(() => {
        daemon.log.error('the stop did not finish in time; exiting', { deadline_ms: options.hardDeadlineMs })
        options.exit(1)
      }, options.hardDeadlineMs).unref()
    }
    daemon.stop(reason).then(
      () => options.exit(0),
      (error) => {
        daemon.log.error('stop failed', { error: String(error) })
        options.exit(1)
      },
    )
  }
  const onStopSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince === null) return begin(signal)
    if (Date.now() - stoppingSince < REPEATED_SIGNAL_WINDOW_MS) {
      daemon.log.debug('stop signal repeated at once (a terminal and npm both send it); still stopping gracefully', { signal })
      return
    }
    daemon.log.warn('second signal: exiting now without waiting for the flush', { signal })
    options.exit(1)
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
    ['SIGTERM', onStopSignal],
    ['SIGINT', onStopSignal],
    ['SIGHUP', reload],
    ['SIGUSR2', reload],
    ['SIGUSR1', flush],
  ]
  for (const [signal, handler] of handlers) process.on(signal, handler)
  return {
    stop: (reason) => {
      if (stoppingSince === null) begin(reason)
    },
    remove: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    },
  }
}
