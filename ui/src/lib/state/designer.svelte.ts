/**
 * @module The designer's config state: ONE document (model + disabled directives) behind the three
 * views. Text edits parse into the document (the text stays as typed, errors at their lines);
 * table, graph and form edits produce a new document that is printed back into the text and parsed
 * again (so locations always match the text). Every change goes through `history` (undo / redo in
 * every view). `baseline` is what the edits are compared with — the daemon's running config when
 * the designer opened it, otherwise the last config saved here — and what "revert" goes back to.
 */

import type { ConfigError } from '../../../../engine/config/errors.ts'
import type { ConfigLocs } from '../../../../engine/config/model.ts'
import type { Diagnostic, ElementPath } from '../../../../engine/preview/types.ts'
import { emptyDoc, parseDesign, printDesign, type DesignDoc } from '../config/document.ts'
import { History, type ChangeKind } from '../config/history.ts'
import { parseDiagnostics } from '../config/validate.ts'

const TEXT_KEY = 'sluice.designer.text'
const BASELINE_KEY = 'sluice.designer.baseline'

/** What the edits are compared with, and where it came from. */
export interface Baseline {
  text: string
  /** 'running': the config a daemon runs (read from it); 'saved': saved in this browser. */
  kind: 'running' | 'saved'
  /** The daemon's API base URL for a running config. */
  source: string | null
  /** The daemon hid secret values (read without the token): they show as xxxxxx. */
  masked: boolean
  /** When it was read or saved (ms since the epoch). */
  at: number
}

export const STARTER_CONFIG = `<source>
  @type forward
  port 24224
</source>

<filter app.**>
  @type grep
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>

<filter app.**>
  @type record_transformer
  <record>
    host \${hostname}
  </record>
</filter>

<match app.audit.**>
  @type file
  path /var/log/sluice/audit
</match>

<match app.**>
  @type forward
  <server>
    host aggregator.internal
    port 24224
  </server>
</match>

<match **>
  @type stdout
</match>
`

export class Designer {
  text = $state('')
  doc = $state.raw<DesignDoc>(emptyDoc())
  locs = $state.raw<ConfigLocs>(new WeakMap())
  parseErrors = $state.raw<ConfigError[]>([])
  parseWarnings = $state.raw<ConfigError[]>([])
  /** The selected directive (or nested section) path. */
  selected = $state<ElementPath | null>(null)
  baseline = $state.raw<Baseline | null>(null)
  /** performance.now() of the last change, for the keystroke → preview latency. */
  changedAt = 0
  /** Bumped at every change (the preview uses it as a sequence number). */
  version = $state(0)
  /** Undo / redo state, for the buttons. */
  canUndo = $state(false)
  canRedo = $state(false)
  /** The parser's problems (the rest comes from the preview worker's check). */
  parseDiagnostics: Diagnostic[] = $derived.by(() => parseDiagnostics(this.parseErrors, this.parseWarnings))
  /** Differs from the baseline (or there is none and the config is not empty). */
  modified = $derived(this.baseline === null ? this.text.trim() !== '' : this.baseline.text !== this.text)

  private readonly history = new History()

  constructor(initial?: string) {
    const stored = initial ?? readStorage(TEXT_KEY)
    try {
      const b = readStorage(BASELINE_KEY)
      if (b !== null) this.baseline = JSON.parse(b) as Baseline
    } catch {
      // a damaged entry: no baseline
    }
    this.load(stored ?? STARTER_CONFIG, 'load')
    this.history.reset(this.text, this.selected)
    this.sync()
  }

  /** From the text view: the text is kept as typed (typing bursts are one undo step). */
  setText(text: string, kind: ChangeKind = 'type'): void {
    if (text === this.text) return
    this.load(text, kind)
    this.history.record(text, this.selected, kind)
    this.sync()
  }

  /** From the table, graph or forms: the document is printed into the text. */
  apply(doc: DesignDoc, select?: ElementPath | null, kind: ChangeKind = 'edit'): void {
    if (select !== undefined) this.selected = select
    this.setText(printDesign(doc), kind)
  }

  /** Opens a document afresh (the running config at start): nothing to undo before it. */
  open(text: string): void {
    this.selected = null
    this.load(text, 'load')
    this.history.reset(text, null)
    this.sync()
  }

  /** Replaces the whole document (New, Load running, Revert, Import): one undoable step. */
  replace(text: string, select: ElementPath | null = null): void {
    this.selected = select
    this.setText(text, 'replace')
  }

  /** The caret moved elsewhere in the text: what is typed next is a new undo step. */
  sealStep(): void {
    this.history.seal()
  }

  undo(): boolean {
    const state = this.history.undo()
    if (state === null) return false
    this.load(state.text, 'undo')
    this.selected = state.selected
    this.sync()
    return true
  }

  redo(): boolean {
    const state = this.history.redo()
    if (state === null) return false
    this.load(state.text, 'redo')
    this.selected = state.selected
    this.sync()
    return true
  }

  /** The baseline becomes `baseline` (the running config read from a daemon, or a save here). */
  setBaseline(baseline: Baseline | null): void {
    this.baseline = baseline
    if (baseline === null) removeStorage(BASELINE_KEY)
    else writeStorage(BASELINE_KEY, JSON.stringify(baseline))
  }

  /** Remembers the current config (in this browser) as the baseline the impact view compares with. */
  save(): void {
    this.setBaseline({ text: this.text, kind: 'saved', source: null, masked: false, at: Date.now() })
  }

  /** The .conf to export: disabled directives stay in, commented out. */
  get exportText(): string {
    return this.text
  }

  private load(text: string, _kind: ChangeKind | 'load' | 'undo' | 'redo'): void {
    this.text = text
    const parsed = parseDesign(text)
    this.doc = parsed.doc
    this.locs = parsed.locs
    this.parseErrors = parsed.errors
    this.parseWarnings = parsed.warnings
    this.changedAt = performance.now()
    this.version++
    writeStorage(TEXT_KEY, text)
  }

  private sync(): void {
    this.canUndo = this.history.canUndo
    this.canRedo = this.history.canRedo
  }
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // private mode or full: the designer works without it
  }
}

function removeStorage(key: string): void {
  try {
    localStorage.removeItem(key)
  } catch {
    // unavailable
  }
}
