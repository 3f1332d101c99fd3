/**
 * @module Stops the daemon when the npm process that started it is gone. `npx sluice` (and an npm
 * script that runs sluice without `exec`) puts `sh -c` between npm and sluice; npm forwards
 * SIGTERM and SIGINT to that shell, which dies without passing them on, so sluice would keep
 * running with its ports held after systemd, Docker or CI stopped npm. Started by npm
 * (`npm_lifecycle_event` in the environment), the daemon reads its parent pid every half second
 * (one getppid call); when it changed — the parent exited and sluice was handed to init or a
 * subreaper — it stops gracefully, as on SIGTERM. Started any other way, nothing is watched.
 */

/** True when npm (a script, `npm start`, `npx`) started this process. */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env.npm_lifecycle_event === 'string' && env.npm_lifecycle_event !== ''
}

export const PARENT_WATCH_INTERVAL_MS = 500

/** Calls `onGone(previousParentPid)` once when the parent pid changes; returns a function that stops watching. */
export function watchParent(onGone: (parent: number) => void, intervalMs = PARENT_WATCH_INTERVAL_MS): () => void {
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(timer)
    onGone(parent)
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
