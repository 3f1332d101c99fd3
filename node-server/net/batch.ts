/**
 * @module The events one read (or one datagram) yields, grouped by tag in the order the tags first
 * appeared: an input emits one stream per tag instead of one per event (in_syslog's tags vary
 * with each message's facility and severity; in_tcp's with `<extract> tag_key`).
 */

import type { EventStream } from '../../engine/event-stream.ts'
import { EntriesWriter } from '../../engine/records/entries-writer.ts'

const MAX_KEPT_WRITERS = 16

export class TaggedBatch {
  private readonly writers = new Map<string, EntriesWriter>()

  /** The writer of `tag`'s entries (made on first use). */
  writer(tag: string): EntriesWriter {
    let w = this.writers.get(tag)
    if (w === undefined) {
      w = new EntriesWriter(1024)
      this.writers.set(tag, w)
    }
    return w
  }

  get empty(): boolean {
    for (const w of this.writers.values()) if (w.count > 0) return false
    return true
  }

  /** The streams collected so far (one per tag with events); the batch is empty afterwards. */
  take(): EventStream[] {
    const out: EventStream[] = []
    for (const [tag, w] of this.writers) {
      if (w.count > 0) out.push({ tag, entries: w.bytes(), count: w.count })
      w.truncate(0, 0)
    }
    // The writers are reused by the next read (`bytes()` gave copies), unless tags vary a lot.
    if (this.writers.size > MAX_KEPT_WRITERS) this.writers.clear()
    return out
  }
}
