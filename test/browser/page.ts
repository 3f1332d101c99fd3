/**
 * @module The page script for the Chromium test: loads the core with instantiateStreaming
 * (wasm/load-browser.ts), runs the cross-runtime core checks and parser checks (on a core of their
 * own), shows them in tables and publishes them as `window.__results` / `window.__parserResults`
 * (or `window.__error`) for the test to read.
 */
import { loadCoreFromUrl } from '../../wasm/load-browser.ts'
import { type CheckResult, runCoreChecks } from '../cross-runtime/core-checks.ts'
import { runParserChecks } from '../cross-runtime/parser-checks.ts'

function show(results: CheckResult[]): void {
  const table = document.createElement('table')
  for (const r of results) {
    const row = table.insertRow()
    row.insertCell().textContent = r.ok ? 'PASS' : 'FAIL'
    row.insertCell().textContent = r.name
    row.insertCell().textContent = r.detail
    row.style.color = r.ok ? 'green' : 'red'
  }
  document.body.append(table)
}

async function main(): Promise<void> {
  try {
    const core = await loadCoreFromUrl(new URL('/core.wasm', location.href))
    const results = await runCoreChecks(core)
    const parserResults = runParserChecks(await loadCoreFromUrl(new URL('/core.wasm', location.href)))
    show(results)
    show(parserResults)
    window.__parserResults = parserResults
    window.__results = results
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)
    document.body.append(message)
    window.__error = message
  }
}

void main()
