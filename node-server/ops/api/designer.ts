/**
 * @module The route designer's HTTP surface (node-server/ui-api) for the daemon: the built UI
 * under /ui/, POST /api/config/validate, GET /api/config (the config file as written; secrets
 * masked without the API token) and — with a token — POST /api/config/apply (validate, replace the
 * file, reload; see Daemon.applyText). With `tap`, GET /api/tap streams the events entering the root
 * router of whichever agent runs (a hub that costs one call per stream while nobody listens).
 * `createDesigner` makes it once; `mount` puts it on every API app the daemon serves (its own, and
 * each `<source @type monitor_agent>`'s), so /ui/ works wherever /api/plugins.json does.
 */

import type { Hono } from 'hono'
import type { Agent } from '../../../engine/agent.ts'
import type { EmitTarget, PluginRegistry } from '../../../engine/plugin.ts'
import type { Core } from '../../../wasm/core.ts'
import { createTapHub, createUiApi, validateConfigText, type TapHub } from '../../ui-api/index.ts'
import type { ConfigSource } from '../prepare.ts'
import { maskPlaceholders, maskSecretsInText, SECRET_MASK } from '../secrets.ts'

/** What the designer's endpoints use: the Daemon, or the Supervisor of `<system> workers N`. */
export interface ConfigController {
  readonly source: ConfigSource
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
  /** The host name the agent's plugins see (the daemon's `hostname` option); default os.hostname(), as the daemon's. */
  hostname?: string
}

export interface Designer {
  hub: TapHub | null
  /** Feeds the hub from an agent's root router (call for each agent that starts). */
  attach(agent: Agent): void
  /** Serves the designer's routes on an API app. */
  mount(app: Hono): void
}

/** Mounts a new designer on `app` (see createDesigner). */
export function mountDesigner(app: Hono, options: DesignerOptions): Designer {
  const designer = createDesigner(options)
  designer.mount(app)
  return designer
}

export function createDesigner(options: DesignerOptions): Designer {
  const hub = options.tapCore ? createTapHub(options.tapCore) : null
  const configFile = () => (options.daemon.source.kind === 'file' ? options.daemon.source.path : 'fluent.conf')
  const routes = createUiApi({
    uiDist: options.uiDist,
    token: options.token,
    getConfigText: () => options.daemon.configText(),
    getMaskedConfigText: () => maskSecretsInText(options.daemon.configText(), options.registry, configFile()).text,
    applyConfig: async (text) => {
      const placeholders = maskedSecrets(text, options.registry, configFile())
      if (placeholders.length > 0) return { ok: false, errors: placeholders }
      return options.daemon.applyText(text)
    },
    validateConfig: (text) => validateConfigText(text, options.registry, 'fluent.conf', { strict: options.daemon.strict }),
    tap: hub,
    hostname: options.hostname,
  })
  return {
    hub,
    mount(app: Hono) {
      app.route('/', routes)
    },
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

/**
 * Secret params whose value is the mask `xxxxxx`: the config was read without the token (secrets
 * hidden), and applying it would replace the real secrets with the placeholder.
 */
function maskedSecrets(text: string, registry: PluginRegistry, file: string): string[] {
  return maskPlaceholders(text, registry, file).map(
    (p) =>
      `${file}:${p.line}: ${p.key} is the placeholder ${SECRET_MASK}; hint: secrets were hidden because the config was read without the API token — load the running config with the token, or write the secret again`,
  )
}
