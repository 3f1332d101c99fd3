/**
 * @module The Worker: `fetch` answers with the isolate's edge runtime (built on first use from the
 * environment's settings, rebuilt when they change), `queue` is the queue output's consumer. The
 * core arrives as a WebAssembly.Module (Workers cannot compile bytes at run time) and outbound
 * TCP is `connect()` of cloudflare:sockets.
 */

import { connect } from 'cloudflare:sockets'
import coreModule from '../../wasm/build/core.wasm'
import { Core } from '../../wasm/core.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { consoleLogger } from './log.ts'
import type { EdgePlatform, QueueProducer } from './platform.ts'
import type { QueueBatch } from './plugins/out_queue/consumer.ts'
import { buildEdgeRuntime, type EdgeRuntime } from './runtime.ts'
import { loadSettings, type EdgeEnv, type EdgeSettings } from './settings.ts'

export interface WorkerOptions {
  /** Plugins added to the edge registry (tests add their capture outputs). */
  plugins?: readonly PluginSpec[]
}

export interface EdgeWorker {
  fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response>
  queue(batch: QueueBatch, env: EdgeEnv): Promise<void>
  /** The isolate's runtime for these settings (one at a time; a new one when the settings change). */
  runtimeFor(env: EdgeEnv): Promise<EdgeRuntime>
}

let core: Core | null = null

function settingsKey(s: EdgeSettings): string {
  return JSON.stringify([s.config, s.tokens, s.auth, s.rateLimit, s.logLevel, s.hostname, s.kv !== null])
}

export function createWorker(options: WorkerOptions = {}): EdgeWorker {
  let current: { key: string; runtime: Promise<EdgeRuntime> } | null = null
  let currentEnv: EdgeEnv = {}
  const platform: EdgePlatform = {
    connect: (address, o) => connect(address, o),
    fetch: (input, init) => fetch(input, init),
    queue(name) {
      const binding = currentEnv[name] as QueueProducer | undefined
      return binding !== undefined && typeof binding.sendBatch === 'function' ? binding : undefined
    },
  }

  async function runtimeFor(env: EdgeEnv): Promise<EdgeRuntime> {
    currentEnv = env
    const settings = await loadSettings(env)
    const key = settingsKey(settings)
    if (current === null || current.key !== key) {
      core ??= Core.fromModule(coreModule)
      const log = consoleLogger(settings.logLevel, { worker: 'sluice-edge' })
      // The previous runtime is not stopped: requests still running may use it. Nothing in it holds
      // I/O or timers; its route tables go back to the core when it is collected.
      current = { key, runtime: buildEdgeRuntime(core, settings, platform, log, { plugins: options.plugins }) }
    }
    return current.runtime
  }

  return {
    async fetch(request, env, ctx) {
      const runtime = await runtimeFor(env)
      return runtime.app.fetch(request, env, ctx)
    },
    async queue(batch, env) {
      const runtime = await runtimeFor(env)
      await runtime.consume(batch)
    },
    runtimeFor,
  }
}

export default createWorker() satisfies ExportedHandler<EdgeEnv>
