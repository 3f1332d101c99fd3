/**
 * @module The running sluice the designer works with: its API base URL and token (remote/settings),
 * whether it answers (GET /api/designer: does it allow apply, does it have a tap), and the calls
 * the designer makes to it — read the running config, validate, apply. Served by a daemon at
 * /ui/, the designer talks to that daemon (the page's own origin).
 */

import {
  applyRemote,
  designerInfo,
  fetchConfig,
  validateRemote,
  type ApplyResult,
  type DesignerInfo,
  type ValidateResult,
} from '../remote/api.ts'
import { defaultBase, loadRemote, saveRemote } from '../remote/settings.ts'

export class DaemonLink {
  base = $state('')
  token = $state('')
  /** What the daemon allows, or null when none answers at `base`. */
  info = $state.raw<DesignerInfo | null>(null)
  /** The page is served by this daemon (at /ui/ of its API). */
  readonly servedByDaemon: boolean

  constructor() {
    const r = loadRemote()
    this.servedByDaemon = typeof location !== 'undefined' && /^https?:$/.test(location.protocol) && location.pathname.startsWith('/ui/')
    // Served by a daemon, the designer works with that one (another one can be chosen in Connect).
    this.base = this.servedByDaemon ? defaultBase() : r.base
    this.token = r.token
  }

  /** Host:port of the daemon, for labels. */
  get label(): string {
    return this.base.replace(/^https?:\/\//, '').replace(/\/+$/, '')
  }

  /** Remembers the base URL and (for this browser session) the token. */
  set(base: string, token: string): void {
    this.base = base
    this.token = token
    saveRemote({ base, token })
  }

  /** Asks the daemon what it allows; false when none answers. */
  async probe(): Promise<boolean> {
    this.info = await designerInfo(this.remote, AbortSignal.timeout(5000))
    return this.info !== null
  }

  get remote() {
    return { base: this.base, token: this.token }
  }

  /** The running config (secrets masked without a token). */
  loadRunning(): Promise<{ text: string; masked: boolean }> {
    return fetchConfig(this.remote)
  }

  validate(text: string): Promise<ValidateResult> {
    return validateRemote(this.remote, text)
  }

  apply(text: string): Promise<ApplyResult> {
    return applyRemote(this.remote, text)
  }
}
