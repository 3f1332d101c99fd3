/**
 * @module The default config validation behind POST /api/config/validate: what `sluice check`
 * checks (parse, structure, every plugin built against its schema with the daemon's registry;
 * nothing started), on text posted by the designer. For safety the text is parsed with NO file
 * access (@include is an error) and an empty environment (`#{ENV[...]}` reads nothing): a
 * request must not be able to read the daemon's files or environment. A daemon run with
 * `--strict` validates strictly here too (warnings are errors).
 */

import { hostname } from 'node:os'
import { buildAgent } from '../../engine/agent.ts'
import { asError, type ConfigErrorInit } from '../../engine/config/errors.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { createLogger } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { nodeRegistry } from '../plugins/registry.ts'

export type Problem = ConfigErrorInit & { message: string }

export interface ValidateResult {
  ok: boolean
  errors: Problem[]
  warnings: Problem[]
}

let shared: Promise<Core> | null = null

/** Validates config text like `sluice check` (the agent is built, never started, then released). */
export async function validateConfigText(
  text: string,
  registry: PluginRegistry = nodeRegistry(),
  file = 'fluent.conf',
  options: { strict?: boolean } = {},
): Promise<ValidateResult> {
  const parsed = parseConfig(text, file, { env: {}, hostname: hostname() })
  const errors = [...parsed.errors, ...(options.strict ? parsed.warnings.map(asError) : [])]
  const warnings = options.strict ? [] : [...parsed.warnings]
  if (parsed.errors.length === 0) {
    shared ??= loadCore()
    const core = await shared
    const built = buildAgent(parsed.config, parsed.locs, {
      core,
      registry,
      log: createLogger(() => {}, 'fatal'),
      runtime: 'node',
      hostname: hostname(),
      strict: options.strict,
    })
    errors.push(...built.errors)
    warnings.push(...built.warnings)
    for (const router of built.agent?.routers.values() ?? []) router.free()
  }
  return { ok: errors.length === 0, errors: errors.map((e) => e.toJSON()), warnings: warnings.map((e) => e.toJSON()) }
}
