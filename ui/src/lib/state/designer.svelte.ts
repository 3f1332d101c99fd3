/**
 * @module The designer's config state: ONE document (model + disabled directives) behind the three
 * views. Text edits parse into the document (the text stays as typed, errors at their lines);
 * table, graph and form edits produce a new document that is printed back into the text and parsed
 * again (so locations always match the text). `saved` is the baseline of the impact view.
 */

import type { ConfigError } from '../../../../engine/config/errors.ts'
import type { ConfigLocs } from '../../../../engine/config/model.ts'
import type { Diagnostic, ElementPath } from '../../../../engine/preview/types.ts'
import { emptyDoc, parseDesign, printDesign, type DesignDoc } from '../config/document.ts'
import { validateDesign } from '../config/validate.ts'

const TEXT_KEY = 'sluice.designer.text'
const SAVED_KEY = 'sluice.designer.saved'

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
  /** The last saved text (the impact baseline), null when never saved. */
  saved = $state<string | null>(null)
  /** performance.now() of the last change, for the keystroke → preview latency. */
  changedAt = 0
  /** Bumped at every change (the preview uses it as a sequence number). */
  version = $state(0)
  diagnostics: Diagnostic[] = $derived.by(() => validateDesign(this.doc, this.locs, this.parseErrors, this.parseWarnings))

  constructor(initial?: string) {
    const stored = initial ?? readStorage(TEXT_KEY)
    this.saved = readStorage(SAVED_KEY)
    this.setText(stored ?? STARTER_CONFIG)
  }

  /** From the text view: the text is kept as typed. */
  setText(text: string): void {
    this.text = text
    const parsed = parseDesign(text)
    this.doc = parsed.doc
    this.locs = parsed.locs
    this.parseErrors = parsed.errors
    this.parseWarnings = parsed.warnings
    this.touch()
    writeStorage(TEXT_KEY, text)
  }

  /** From the table, graph or forms: the document is printed into the text. */
  apply(doc: DesignDoc, select?: ElementPath | null): void {
    this.setText(printDesign(doc))
    if (select !== undefined) this.selected = select
  }

  /** Remembers the current config as the baseline the impact view compares with. */
  save(): void {
    this.saved = this.text
    writeStorage(SAVED_KEY, this.text)
  }

  /** The .conf to export: disabled directives stay in, commented out. */
  get exportText(): string {
    return this.text
  }

  private touch(): void {
    this.changedAt = performance.now()
    this.version++
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
