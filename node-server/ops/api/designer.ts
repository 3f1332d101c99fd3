/**
 * @module Mounts the route designer's HTTP surface (node-server/ui-api) on the daemon's API app:
 * the built UI under /ui/, POST /api/config/validate, and — with an API token — GET /api/config
 * (the config file as written) and POST /api/config/apply (validate, replace the file, reload;
 * see Daemon.applyText). With `tap`, GET /api/tap streams the events entering the root router of
 * whichever agent runs (a hub that costs one call per stream while nobody listens).
 */

import type { Hono } from 'hono'
import type { Agent } from '../../../engine/agent.ts'
import type { EmitTarget, PluginRegistry } from '../../../engine/plugin.ts'
import type { Core } from '../../../wasm/core.ts'
import { createTapHub, createUiApi, validateConfigText, type TapHub } from '../../ui-api/index.ts'

/** What the designer's endpoints use: the Daemon, or the Supervisor of `<system> workers N`. */
export interface ConfigController {
  readonly strict: boolean
  configText(): string
  applyText(text: string): Promise<{ ok: boolean; errors: string[] }>
}

export interface DesignerOptions {
  daemon: ConfigController
  registry: PluginRegistry
  /** Bearer token for apply / config / tap; null keeps apply and config off (403). */
  token: string | null
  /** A core to decode tapped streams with; null keeps the tap off (404). */
  tapCore: Core | null
  /** The built designer (ui/dist). */
  uiDist: string
}

export interface Designer {
  hub: TapHub | null
  /** Feeds the hub from an agent's root router (call for each agent that starts). */
  attach(agent: Agent): void
}

export function mountDesigner(app: Hono, options: DesignerOptions): Designer {
  const hub = options.tapCore ? createTapHub(options.tapCore) : null
  app.route(
    '/',
    createUiApi({
      uiDist: options.uiDist,
      token: options.token,
      getConfigText: () => options.daemon.configText(),
      applyConfig: (text) => options.daemon.applyText(text),
      validateConfig: (text) => validateConfigText(text, options.registry, 'fluent.conf', { strict: options.daemon.strict }),
      tap: hub,
    }),
  )
  return {
    hub,
    attach(agent: Agent) {
      if (hub === null) return
      const root = agent.routers.get('@ROOT') as (EmitTarget & { emit: EmitTarget['emit'] }) | undefined
      if (root === undefined) return
      const emit = root.emit.bind(root)
      root.emit = (stream) => {
        hub.publish(stream)
        return emit(stream)
      }
    },
  }
}
