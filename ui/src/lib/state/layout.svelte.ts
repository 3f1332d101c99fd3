/**
 * @module The workspace's pane sizes: the config pane, the inspector drawer, the samples and the
 * event detail heights. Defaults follow the window (a third to a half for the config, the drawer
 * about a quarter); what the user drags is kept in localStorage and clamped so every pane keeps a
 * usable minimum at any window size (1280×720 included).
 */

const KEY = 'sluice.designer.layout'

export const MIN = { left: 380, drawer: 300, right: 440, samples: 96, events: 90, detail: 120 }

interface Sizes {
  left: number | null
  drawer: number | null
  samples: number | null
  detail: number | null
}

export class Layout {
  width = $state(typeof window === 'undefined' ? 1440 : window.innerWidth)
  height = $state(typeof window === 'undefined' ? 900 : window.innerHeight)
  private saved = $state<Sizes>({ left: null, drawer: null, samples: null, detail: null })

  constructor() {
    try {
      const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Sizes | null
      if (s) this.saved = { ...this.saved, ...s }
    } catch {
      // a damaged entry: defaults
    }
  }

  /** The drawer's width (when open). */
  get drawer(): number {
    const d = this.saved.drawer ?? Math.round(this.width * 0.24)
    return clamp(d, MIN.drawer, Math.max(MIN.drawer, this.width - MIN.left - MIN.right))
  }

  /** The config pane's width, given whether the drawer is open. */
  left(drawerOpen: boolean): number {
    const room = this.width - (drawerOpen ? this.drawer : 0)
    const want = this.saved.left ?? Math.round(this.width * (drawerOpen ? 0.36 : 0.5))
    return clamp(want, MIN.left, Math.max(MIN.left, room - MIN.right))
  }

  samples(rightHeight: number): number {
    return clamp(
      this.saved.samples ?? Math.round(rightHeight * 0.24),
      MIN.samples,
      Math.max(MIN.samples, rightHeight - MIN.events - MIN.detail - 40),
    )
  }

  detail(rightHeight: number): number {
    return clamp(this.saved.detail ?? Math.round(rightHeight * 0.42), MIN.detail, Math.max(MIN.detail, rightHeight - MIN.events - 40))
  }

  resize(which: keyof Sizes, current: number, delta: number): void {
    this.saved = { ...this.saved, [which]: current + delta }
    this.persist()
  }

  reset(which: keyof Sizes): void {
    this.saved = { ...this.saved, [which]: null }
    this.persist()
  }

  private persist(): void {
    try {
      localStorage.setItem(KEY, JSON.stringify(this.saved))
    } catch {
      // unavailable
    }
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n))
}
