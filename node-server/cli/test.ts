/**
 * @module `sluice test -c fluent.conf cases.json …`: the config is checked as `sluice check` checks
 * it (an invalid config fails the run), then every case of every case file runs through it with the
 * runtime-neutral runner of engine/case-runner (the designer's preview agent). Prints one line per
 * passing case and, per failing case, each failed expectation, what happened instead and the
 * record; exit 0 when all pass, 1 otherwise.
 */

import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { createLogger } from '../../engine/log.ts'
import { catalogFromSpecs } from '../../engine/preview/catalog.ts'
import { CaseFileError, readCases, type TestCase } from '../../engine/case-runner/cases.ts'
import { report } from '../../engine/case-runner/report.ts'
import { runCases } from '../../engine/case-runner/run.ts'
import { nodeRegistry } from '../plugins/registry.ts'
import { describeSource, prepareAgent, type ConfigSource } from '../ops/prepare.ts'
import { listOption, parseArgs, stringOption, UsageError } from './args.ts'
import { processIo, type Io } from './check.ts'
import { TEST_HELP } from './help.ts'
import { TEST_OPTIONS } from './options.ts'
import { loadPluginModules } from './plugin-modules.ts'

/** Runs `sluice test`; returns the exit code. */
export async function testCommand(argv: readonly string[], io: Io = processIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, TEST_OPTIONS)
  if (options.help) {
    io.out(TEST_HELP)
    return 0
  }
  const path = stringOption(options, 'config')
  if (path === undefined) throw new UsageError('sluice test needs the config: sluice test -c fluent.conf cases.json')
  if (positionals.length === 0)
    throw new UsageError('sluice test needs at least one case file (JSON or YAML): sluice test -c fluent.conf cases.json')
  const source: ConfigSource = { kind: 'file', path, inline: stringOption(options, 'inline-config') }
  const registry = nodeRegistry(await loadPluginModules(listOption(options, 'plugin')))
  const silent = createLogger(() => {}, 'fatal')
  const prepared = await prepareAgent(source, { registry, logger: () => silent })
  for (const router of prepared.agent?.routers.values() ?? []) router.free()
  if (prepared.errors.length > 0) {
    for (const e of prepared.errors) io.err(e.message + '\n')
    io.err(
      `sluice test: ${describeSource(source)} has ${prepared.errors.length} error${prepared.errors.length === 1 ? '' : 's'}; no case was run\n`,
    )
    return 1
  }
  const cases: TestCase[] = []
  const names = new Map<string, string>()
  try {
    for (const file of positionals) {
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch (error) {
        throw new CaseFileError([`${file}: cannot read it: ${(error as Error).message}`])
      }
      for (const c of (await readCases(text, file)).tests) {
        const seen = names.get(c.name)
        if (seen !== undefined) throw new CaseFileError([`${file}: case "${c.name}" is also in ${seen}: names must be unique`])
        names.set(c.name, file)
        cases.push(c)
      }
    }
  } catch (error) {
    if (!(error instanceof CaseFileError)) throw error
    for (const p of error.problems) io.err(p + '\n')
    return 1
  }
  const results = await runCases(prepared.core, prepared.parsed.config, cases, {
    catalog: catalogFromSpecs(registry.all(), 'node registry'),
    hostname: hostname(),
  })
  const ok = results.every((r) => r.ok)
  if (options.json) {
    io.out(JSON.stringify({ ok, tests: results }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n')
    return ok ? 0 : 1
  }
  io.out(report(cases, results))
  return ok ? 0 : 1
}
