/**
 * @module The default config validation behind POST /api/config/validate: what `sluice check`
 * checks (engine/check: parse, `<system>`, structure, every plugin built against its schema with the
 * daemon's registry; nothing started), on text posted by the designer. For safety the text is parsed with NO file
 * access (@include is an error) and an empty environment (`#{ENV[...]}` reads nothing): a
 * request must not be able to read the daemon's files or environment. A daemon run with
 * `--strict` validates strictly here too (warnings are errors).
 */

import { hostname } from 'node:os'
import { checkParsed, releaseChecked } from '../../engine/check/check.ts'
import type { ConfigErrorInit } from '../../engine/config/errors.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { createLogger } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { loadPluginsFor } from '../plugins/daemon-registry.ts'

export type Problem = ConfigErrorInit & { message: string }

export interface ValidateResult {
  ok: boolean
  errors: Problem[]
  warnings: Problem[]
}

let shared: Promise<Core> | null = null
const SILENT = createLogger(() => {}, 'fatal')

/** Validates config text with `sluice check`'s code (engine/check): built, never started, then released. */
export async function validateConfigText(
  text: string,
  registry?: PluginRegistry,
  file = 'fluent.conf',
  options: { strict?: boolean } = {},
): Promise<ValidateResult> {
  const parsed = parseConfig(text, file, { env: {}, hostname: hostname() })
  // Imported here, not with the daemon: registry.ts imports every plugin.
  registry ??= (await import('../plugins/registry.ts')).nodeRegistry()
  await loadPluginsFor(registry, parsed.config.root)
  shared ??= loadCore()
  const result = checkParsed(parsed, {
    core: await shared,
    registry,
    runtime: 'node',
    logger: () => SILENT,
    hostname: hostname(),
    strict: options.strict,
  })
  releaseChecked(result)
  return { ok: result.errors.length === 0, errors: result.errors.map((e) => e.toJSON()), warnings: result.warnings.map((e) => e.toJSON()) }
}
