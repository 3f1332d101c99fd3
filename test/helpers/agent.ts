/**
 * @module Builds and starts an agent from fluent.conf text for tests, with a log that is kept in
 * memory, and stops it afterwards. Pass the plugins the test needs in `registry`; every formatter
 * is registered (outputs build theirs through ctx.createFormatter). Without `rootDir`, chunk backups
 * (unrecoverable errors, a memory buffer's leftovers at shutdown) go to a temp dir removed at stop,
 * not to the default `$TMPDIR/sluice/backup`.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { loadCore } from '../../wasm/load-node.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { buildAgent, type Agent } from '../../engine/agent.ts'
import { createLogger, type LogRecord } from '../../engine/log.ts'
import { PluginRegistry, type PluginServices, type PluginSpec } from '../../engine/plugin.ts'
import { captureOutput } from './capture-output.ts'
import { FORMATTERS } from './formatters.ts'
import { nodeBufferServices } from '../../node-server/buffer/services.ts'

export interface TestAgent {
  agent: Agent
  logs: LogRecord[]
  stop(): Promise<void>
}

/** Parses, validates, builds and starts; throws with every config error when invalid (`strict`: warnings too). */
export async function startAgent(
  conf: string,
  plugins: readonly PluginSpec[],
  options: { now?: () => number; rootDir?: string; services?: PluginServices; strict?: boolean } = {},
): Promise<TestAgent> {
  const core = await loadCore()
  const registry = new PluginRegistry().register(captureOutput, ...FORMATTERS, ...plugins)
  const parsed = parseConfig(conf, 'test.conf', { env: {}, hostname: 'test-host', workerId: 0 })
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map((e) => e.message).join('\n'))
  // Made on the first backup, so an agent that backs nothing up leaves nothing even if never stopped.
  let backupRoot: string | null = null
  const backups: Partial<PluginServices> =
    options.rootDir !== undefined
      ? {}
      : {
          backupChunk: (pluginId, chunk) => {
            backupRoot ??= mkdtempSync(join(tmpdir(), 'sluice-test-backup-'))
            return nodeBufferServices({ rootDir: backupRoot }).backupChunk!(pluginId, chunk)
          },
        }
  const removeBackups = () => backupRoot !== null && rmSync(backupRoot, { recursive: true, force: true })
  const logs: LogRecord[] = []
  const log = createLogger((r) => logs.push(r), 'debug')
  const built = buildAgent(parsed.config, parsed.locs, {
    core,
    registry,
    log,
    runtime: 'node',
    hostname: 'test-host',
    now: options.now,
    services: { ...nodeBufferServices({ rootDir: options.rootDir }), ...backups, ...options.services },
    strict: options.strict,
  })
  if (built.agent === null) {
    removeBackups()
    throw new Error(built.errors.map((e) => e.message).join('\n'))
  }
  await built.agent.start()
  return {
    agent: built.agent,
    logs,
    stop: async () => {
      try {
        await built.agent!.stop(10_000)
      } finally {
        removeBackups()
      }
    },
  }
}
