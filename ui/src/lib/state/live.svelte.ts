/**
 * @module The continuous live tap: events entering the running daemon's routes (GET
 * /api/tap?follow=1) become the designer's samples — the last `keep` of them, so the preview, the
 * Impact view and the kept tests always run on what the daemon sees now. The connection state is
 * explicit: `connecting` until the daemon has subscribed this client (only then is nothing
 * missed), `live`, `reconnecting` after a dropped stream (with backoff), `stopped`, `error`.
 */

import { tap, type Remote } from '../remote/api.ts'
import type { PreviewStore } from './preview.svelte.ts'

export type LiveState = 'stopped' | 'connecting' | 'live' | 'reconnecting' | 'error'

/** How often captured events are handed to the preview. */
const FLUSH_MS = 250

export class LiveTap {
  state = $state<LiveState>('stopped')
  /** Events received since start, and events the daemon dropped because this page read too slowly. */
  received = $state(0)
  dropped = $state(0)
  error = $state<string | null>(null)
  /** How many of the latest events are kept as samples. */
  keep = $state(500)

  private abort: AbortController | null = null
  private lines: string[] = []
  private timer: ReturnType<typeof setInterval> | undefined
  private dirty = false

  constructor(private readonly preview: PreviewStore) {}

  /** Starts following the daemon's tap; the samples are replaced by the live events as they come. */
  start(remote: Remote): void {
    this.stop()
    const abort = new AbortController()
    this.abort = abort
    this.received = 0
    this.dropped = 0
    this.error = null
    this.lines = []
    this.state = 'connecting'
    this.preview.format = 'ndjson'
    this.preview.setSamples('', true)
    this.timer = setInterval(() => this.flush(), FLUSH_MS)
    void this.follow(remote, abort.signal)
  }

  stop(): void {
    this.abort?.abort()
    this.abort = null
    clearInterval(this.timer)
    this.flush()
    if (this.state !== 'error') this.state = 'stopped'
  }

  private async follow(remote: Remote, signal: AbortSignal): Promise<void> {
    let delay = 500
    while (!signal.aborted) {
      try {
        await tap(
          remote,
          { follow: true },
          {
            onStart: () => {
              this.state = 'live'
              delay = 500
            },
            onEvent: (line) => {
              this.lines.push(line)
              if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep)
              this.received++
              this.dirty = true
            },
            onDropped: (n) => {
              this.dropped += n
            },
          },
          signal,
        )
      } catch (error) {
        if (signal.aborted) return
        const message = error instanceof Error ? error.message : String(error)
        // 401/403/404 will not get better by retrying.
        if (/^(401|403|404)\b/.test(message)) {
          this.error = message
          this.state = 'error'
          this.stop()
          return
        }
        this.error = message
      }
      if (signal.aborted) return
      this.state = 'reconnecting'
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, 10_000)
    }
  }

  private flush(): void {
    if (!this.dirty) return
    this.dirty = false
    this.preview.setSamples(this.lines.join('\n') + '\n', true)
  }
}
