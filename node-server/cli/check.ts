/**
 * @module `sluice check`: validates a config the way `sluice run` would (parse with @include,
 * `<system>`, structure, every plugin built against its schema, nothing started), prints the
 * normalized config on stdout (secrets masked) and every problem on stderr as
 * `file:line: message; hint: …` (info lines, then warnings, then errors). Exit code 1 when there
 * is any error; warnings (as in Fluentd: unknown params, v0.12 forms) exit 0 unless `--strict`.
 */

import { toJson } from '../../engine/config/model.ts'
import { printConfig } from '../../engine/config/print.ts'
import { createLogger } from '../../engine/log.ts'
import { daemonRegistry } from '../plugins/daemon-registry.ts'
import { describeSource, prepareWorkers, release, type ConfigSource } from '../ops/prepare.ts'
import { maskSecrets } from '../ops/secrets.ts'
import { listOption, parseArgs, stringOption, UsageError } from './args.ts'
import { defaultConfigSource } from './default-config.ts'
import { CHECK_HELP } from './help.ts'
import { CHECK_OPTIONS } from './options.ts'
import { loadPluginModules } from './plugin-modules.ts'

export interface Io {
  out(text: string): void
  err(text: string): void
}

export const processIo: Io = {
  out: (t) => {
    process.stdout.write(t)
  },
  err: (t) => {
    process.stderr.write(t)
  },
}

/** Runs `sluice check`; returns the exit code. */
export async function checkCommand(argv: readonly string[], io: Io = processIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, CHECK_OPTIONS)
  if (options.help) {
    io.out(CHECK_HELP)
    return 0
  }
  if (positionals.length > 1) throw new UsageError(`sluice check takes one config file, got ${positionals.join(' ')}`)
  const path = stringOption(options, 'config') ?? positionals[0]
  const inline = stringOption(options, 'inline-config')
  const source: ConfigSource = path === undefined ? defaultConfigSource() : { kind: 'file', path, inline }
  const registry = daemonRegistry(await loadPluginModules(listOption(options, 'plugin')))
  const silent = createLogger(() => {}, 'fatal')
  // With <system> workers N, every worker's config is checked (its <worker> blocks, #{worker_id}).
  const prepared = await prepareWorkers(source, { registry, logger: () => silent, strict: options.strict === true })
  release(prepared.perWorker)
  const { errors, warnings, notes } = prepared
  const parsed = prepared.perWorker[0].parsed
  const config = maskSecrets(parsed.config, registry)
  const name = describeSource(source)
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          ok: errors.length === 0,
          file: name,
          files: parsed.files,
          errors: errors.map((e) => e.toJSON()),
          warnings: warnings.map((e) => e.toJSON()),
          notes: notes.map((e) => e.toJSON()),
          config: toJson(config),
        },
        null,
        2,
      ) + '\n',
    )
    return errors.length === 0 ? 0 : 1
  }
  // A model cut short by a syntax error would print misleadingly: print it only when it parsed.
  if (!options.quiet && parsed.errors.length === 0) io.out(printConfig(config))
  if (!options.quiet) for (const n of notes) io.err(n.message + '\n')
  for (const w of warnings) io.err(w.message + '\n')
  for (const e of errors) io.err(e.message + '\n')
  if (errors.length === 0) {
    const plugins = prepared.plugins
    const workers = prepared.workers > 1 ? ` in ${prepared.workers} workers` : ''
    io.err(
      `sluice check: ${name} is valid (${plugins} plugin${plugins === 1 ? '' : 's'}${workers}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''})\n`,
    )
    return 0
  }
  io.err(
    `sluice check: ${errors.length} error${errors.length === 1 ? '' : 's'}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''} in ${name}\n`,
  )
  return 1
}
