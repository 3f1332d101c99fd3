/**
 * @module Undo / redo for the designer's document: a bounded list of text snapshots (the text is the
 * document: the model, the disabled directives and the selection are re-derived from it). Typing in
 * the text view and typing into one form field are coalesced into one step while the keystrokes
 * come less than a second apart and the caret has not been moved elsewhere in between (`seal`); structural edits (add, move, delete, toggle, type change) and
 * whole-document replacements (New, Load running, Revert, Import) are a step each.
 */

/** How a change was made: decides whether it joins the previous undo step. */
export type ChangeKind = 'type' | 'field' | 'edit' | 'replace'

export interface HistoryState {
  text: string
  selected: string | null
}

/** Keystrokes closer than this are one undo step. */
const COALESCE_MS = 1000
/** Snapshots kept (texts are small; a 1 MB config × 200 is the worst case). */
const LIMIT = 200

export class History {
  private past: HistoryState[] = []
  private future: HistoryState[] = []
  private current: HistoryState = { text: '', selected: null }
  private lastKind: ChangeKind | null = null
  private lastAt = 0

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Starts over from `text` (nothing to undo). */
  reset(text: string, selected: string | null): void {
    this.past = []
    this.future = []
    this.current = { text, selected }
    this.lastKind = null
  }

  /**
   * Records a change to `text`. A 'type' or 'field' change within a second of the previous one of
   * the same kind replaces the current step instead of adding one.
   *
   * @example
   * h.record('a', null, 'type'); h.record('ab', null, 'type') // one step: undo goes back before 'a'
   */
  record(text: string, selected: string | null, kind: ChangeKind): void {
    if (text === this.current.text) return
    const t = this.now()
    const coalesce = (kind === 'type' || kind === 'field') && this.lastKind === kind && t - this.lastAt < COALESCE_MS
    if (!coalesce) {
      this.past.push(this.current)
      if (this.past.length > LIMIT) this.past.shift()
    }
    this.current = { text, selected }
    this.future = []
    this.lastKind = kind
    this.lastAt = t
  }

  /** The next change starts a new step (the caret moved elsewhere: typing there is another edit). */
  seal(): void {
    this.lastKind = null
  }

  get canUndo(): boolean {
    return this.past.length > 0
  }

  get canRedo(): boolean {
    return this.future.length > 0
  }

  /** The state to go back to, or null. */
  undo(): HistoryState | null {
    const previous = this.past.pop()
    if (previous === undefined) return null
    this.future.push(this.current)
    this.current = previous
    this.lastKind = null
    return previous
  }

  redo(): HistoryState | null {
    const next = this.future.pop()
    if (next === undefined) return null
    this.past.push(this.current)
    this.current = next
    this.lastKind = null
    return next
  }
}
