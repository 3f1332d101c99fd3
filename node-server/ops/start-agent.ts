/**
 * @module Starting one agent generation: each plugin's start runs as that plugin in the listener
 * pool (so its listeners are attributed and logged with the bound port), a listener that fails
 * (port in use…) fails the start at once even if the plugin would wait forever, and a failed start
 * undoes itself: the listeners that did open are parked (a reload can hand them back to the
 * previous config) and the plugins that started are stopped.
 */

import type { Agent, PluginEntry } from '../../engine/agent.ts'
import { getParam, type ConfigLocs } from '../../engine/config/model.ts'
import type { Logger } from '../../engine/log.ts'
import { listenFailureMessage, pluginName } from './listen-error.ts'
import type { ListenerPool } from './listener-pool.ts'

/** A start that failed, with one line for the operator. */
export class StartFailure extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'StartFailure'
  }
}

export interface StartAgentOptions {
  agent: Agent
  generation: number
  locs: ConfigLocs | undefined
  pool: ListenerPool
  log: Logger
  /** Appended to listen failure messages (e.g. how to change the embedded default's ports). */
  listenHint?: string
  /** Bound for undoing a failed start. */
  cleanupTimeoutMs?: number
}

/** Starts the agent; throws StartFailure after undoing a partial start. */
export async function startAgent(options: StartAgentOptions): Promise<void> {
  const { agent, generation, pool } = options
  const started = new Set<PluginEntry>()
  let failStart!: (error: StartFailure) => void
  const failed = new Promise<never>((_, reject) => {
    failStart = reject
  })
  failed.catch(() => {})
  const off = pool.onEvent((event) => {
    if (event.owner?.generation !== generation) return
    if (event.error) {
      failStart(new StartFailure(listenFailureMessage(event, agent.plugins, options.locs, options.listenHint), event.error))
      return
    }
    options.log.info('listening', {
      plugin_id: event.owner.pluginId,
      type: event.owner.type,
      address: event.address?.address,
      port: event.address?.port,
      ...(event.handedOver ? { handed_over: true } : {}),
    })
  })
  for (const entry of agent.plugins) instrument(entry, generation, pool, started, options.locs)
  try {
    await Promise.race([agent.start(), failed])
  } catch (error) {
    const failure = error instanceof StartFailure ? error : new StartFailure(describe(error), error)
    pool.park(generation)
    await undo(agent, started, options.cleanupTimeoutMs ?? 5_000, options.log)
    throw failure
  } finally {
    off()
  }
}

/** The same plugin in every worker and generation: its written `@id`, else its type and config position. */
function siteOf(entry: PluginEntry, locs: ConfigLocs | undefined): string {
  if (getParam(entry.element, '@id') !== undefined) return `@id ${entry.id}`
  const loc = locs?.get(entry.element)
  return `${entry.kind}:${entry.type}@${loc ? `${loc.file}:${loc.line}` : entry.id}`
}

class PluginStartError extends Error {
  constructor(
    readonly entry: PluginEntry,
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original))
  }
}

function describe(error: unknown): string {
  if (error instanceof PluginStartError) {
    const e = error.entry
    return `sluice: ${pluginName(e.kind, e.type)} '${e.id}' did not start: ${error.message}`
  }
  return `sluice: the agent did not start: ${error instanceof Error ? error.message : String(error)}`
}

/** Wraps a plugin's start: runs it as the plugin (listener attribution), names it in errors. */
function instrument(
  entry: PluginEntry,
  generation: number,
  pool: ListenerPool,
  started: Set<PluginEntry>,
  locs: ConfigLocs | undefined,
): void {
  const plugin = entry.plugin
  const original = plugin.start
  if (typeof original !== 'function') {
    started.add(entry)
    return
  }
  const owner = { generation, pluginId: entry.id, type: entry.type, kind: entry.kind, site: siteOf(entry, locs) }
  plugin.start = () =>
    pool.runAs(owner, async () => {
      try {
        await original.call(plugin)
      } catch (error) {
        throw new PluginStartError(entry, error)
      }
      started.add(entry)
    })
}

/** Stops what started of a failed generation (inputs first), bounded by `timeoutMs`. */
async function undo(agent: Agent, started: Set<PluginEntry>, timeoutMs: number, log: Logger): Promise<void> {
  const order = ['input', 'filter', 'output']
  const list = agent.plugins.filter((p) => started.has(p)).sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
  const work = (async () => {
    for (const p of list) {
      try {
        await p.plugin.stop?.()
        await p.plugin.shutdown?.()
      } catch (error) {
        log.warn('plugin failed to stop after a failed start', { plugin_id: p.id, error: String(error) })
      }
    }
    for (const router of agent.routers.values()) router.free()
  })()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    work,
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
    }),
  ])
  clearTimeout(timer)
}
