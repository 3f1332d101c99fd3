/**
 * @module Tests tags against single patterns with the core's matcher (the route tables the daemon
 * routes with), for the draft lint ("this match can never be reached") and the route explanations
 * ("`app.**` matched, `app.db` above it did not"). Tables are compiled once per pattern and freed
 * together.
 */

import type { Core } from '../../wasm/core.ts'
import type { RouteTable } from '../../wasm/types.ts'

export class PatternTester {
  private readonly tables = new Map<string, RouteTable>()

  constructor(private readonly core: Core) {}

  /**
   * True when `<match pattern>` catches `tag` (Fluentd's matching: alternatives, `*`, `**`, `{a,b}`, /regexp/).
   *
   * @example
   * tester.matches('app.**', 'app.web') // true
   */
  matches(pattern: string, tag: string): boolean {
    let table = this.tables.get(pattern)
    if (table === undefined) {
      table = this.core.matcher.compile([{ kind: 'match', pattern }])
      this.tables.set(pattern, table)
    }
    return table.lookup(tag).match === 0
  }

  free(): void {
    for (const table of this.tables.values()) table.free?.()
    this.tables.clear()
  }
}
