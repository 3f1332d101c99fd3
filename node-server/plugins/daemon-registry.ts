/**
 * @module The daemon's plugin registry (`sluice run`, its workers, `sluice check`): the plugins of
 * the forwarding hot path are registered at start — in_forward, out_forward, out_null, filter_grep
 * and monitor_agent (the HTTP API's, imported with the daemon anyway) — and every other plugin is
 * imported when a config first names it (`loadPluginsFor`, which node-server/ops/prepare.ts awaits
 * before it validates a config), so an idle in_forward → out_forward daemon does not hold the code
 * of some 70 plugins it never runs (~1.5 MB of resident memory). The parsers and formatters load
 * together, with the first lazily loaded plugin or the first `<parse>` / `<format>`: a plugin
 * builds its default parser or formatter (out_file's `out_file`) without a config naming it.
 *
 * The bundled daemon (scripts/build-server.mjs) keeps every eagerly imported module in one chunk
 * and each `import()` below in a chunk of its own, so the hot path is not split. `nodeRegistry()`
 * (registry.ts) is the same set of plugins, all imported at once (tests, tools, `sluice test`);
 * daemon-registry.test.ts checks both list the same plugins.
 */

import type { ConfigElement } from '../../engine/config/model.ts'
import { filterGrep } from '../../engine/plugins/filter_grep/index.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { PluginRegistry, type PluginKind, type PluginSpec } from '../../engine/plugin.ts'
import { monitorAgent } from '../ops/api/monitor-agent.ts'
import { inForward } from './in_forward/index.ts'
import { outForward } from './out_forward/index.ts'

/** The plugins every daemon has at start (the hot path: Forward in and out, grep, null). */
export const EAGER_PLUGINS: readonly PluginSpec[] = [inForward, outForward, outNull, filterGrep, monitorAgent]

type Load = () => Promise<readonly PluginSpec[]>

/** The parsers and formatters, one chunk (see the module comment). */
const sections: Load = async () => {
  const [{ PARSERS }, { FORMATTERS }] = await Promise.all([
    import('../../engine/plugins/parsers.ts'),
    import('../../engine/plugins/formatters.ts'),
  ])
  return [...PARSERS, ...FORMATTERS]
}

/** A plugin imported on first use: its kind, `@type` and aliases, and how to import it. */
interface LazyPlugin {
  kind: PluginKind
  name: string
  aliases?: readonly string[]
  load: Load
}

const one =
  <T extends Record<string, unknown>>(load: () => Promise<T>, key: keyof T): Load =>
  async () => [(await load())[key] as PluginSpec]

/** Every shipped plugin that is not in EAGER_PLUGINS. */
export const LAZY_PLUGINS: readonly LazyPlugin[] = [
  { kind: 'input', name: 'http', load: one(() => import('./in_http/index.ts'), 'inHttp') },
  { kind: 'input', name: 'sample', aliases: ['dummy'], load: one(() => import('./in_sample/index.ts'), 'inSample') },
  { kind: 'input', name: 'syslog', load: one(() => import('./in_syslog/index.ts'), 'inSyslog') },
  { kind: 'input', name: 'tail', load: one(() => import('./in_tail/index.ts'), 'inTail') },
  { kind: 'input', name: 'tcp', load: one(() => import('./in_tcp/index.ts'), 'inTcp') },
  { kind: 'input', name: 'udp', load: one(() => import('./in_udp/index.ts'), 'inUdp') },
  { kind: 'input', name: 'nats', load: one(() => import('./in_nats/index.ts'), 'inNats') },
  { kind: 'input', name: 'prometheus', load: one(() => import('./in_prometheus/index.ts'), 'inPrometheus') },
  {
    kind: 'input',
    name: 'prometheus_monitor',
    load: one(() => import('./in_prometheus_monitor/index.ts'), 'inPrometheusMonitor'),
  },
  {
    kind: 'input',
    name: 'prometheus_output_monitor',
    load: one(() => import('./in_prometheus_output_monitor/index.ts'), 'inPrometheusOutputMonitor'),
  },
  { kind: 'filter', name: 'parser', load: one(() => import('../../engine/plugins/filter_parser/index.ts'), 'filterParser') },
  {
    kind: 'filter',
    name: 'record_transformer',
    load: one(() => import('../../engine/plugins/filter_record_transformer/index.ts'), 'filterRecordTransformer'),
  },
  { kind: 'filter', name: 'stdout', load: one(() => import('../../engine/plugins/filter_stdout/index.ts'), 'filterStdout') },
  {
    kind: 'filter',
    name: 'prometheus',
    load: one(() => import('../../engine/plugins/filter_prometheus/index.ts'), 'filterPrometheus'),
  },
  { kind: 'output', name: 'http', load: one(() => import('./out_http/index.ts'), 'outHttp') },
  { kind: 'output', name: 'nats', load: one(() => import('./out_nats/index.ts'), 'outNats') },
  { kind: 'output', name: 'file', load: one(() => import('./out_file/index.ts'), 'outFile') },
  { kind: 'output', name: 'stdout', load: one(() => import('./out_stdout/index.ts'), 'outStdout') },
  { kind: 'output', name: 'syslog', load: one(() => import('./out_syslog/index.ts'), 'outSyslog') },
  { kind: 'output', name: 'copy', load: one(() => import('../../engine/plugins/out_copy/index.ts'), 'outCopy') },
  { kind: 'output', name: 'relabel', load: one(() => import('../../engine/plugins/out_relabel/index.ts'), 'outRelabel') },
  {
    kind: 'output',
    name: 'rewrite_tag_filter',
    load: one(() => import('../../engine/plugins/out_rewrite_tag_filter/index.ts'), 'outRewriteTagFilter'),
  },
  {
    kind: 'output',
    name: 'label_router',
    load: one(() => import('../../engine/plugins/out_label_router/index.ts'), 'outLabelRouter'),
  },
  {
    kind: 'output',
    name: 'prometheus',
    load: one(() => import('../../engine/plugins/out_prometheus/index.ts'), 'outPrometheus'),
  },
  ...(
    [
      ['parser', ['apache', 'apache2', 'apache_error', 'cri', 'csv', 'docker', 'json', 'ltsv', 'msgpack']],
      ['parser', ['multiline', 'nginx', 'none', 'regexp', 'syslog', 'tsv']],
      ['formatter', ['json', 'ltsv', 'csv', 'tsv', 'single_value', 'msgpack', 'hash', 'out_file', 'stdout']],
    ] as const
  ).flatMap(([kind, names]) => names.map((name): LazyPlugin => ({ kind, name, load: sections }))),
]

/** The directives and sections whose `@type` names a plugin of one kind. */
const ELEMENT_KINDS: Record<string, PluginKind> = {
  source: 'input',
  filter: 'filter',
  match: 'output',
  store: 'output',
  parse: 'parser',
  format: 'formatter',
}

/** Sections whose `@type` is not a plugin of this registry (a buffer's `file`, a discovery's `file`…). */
const NOT_PLUGINS = new Set(['buffer', 'storage', 'service_discovery', 'metrics', 'system'])

/**
 * A PluginRegistry whose LAZY_PLUGINS are imported by `loadFor` / `loadAll`. Until then `get` does
 * not find them; `names` lists them (an unknown `@type`'s hint names every plugin sluice has).
 */
export class DaemonRegistry extends PluginRegistry {
  /** Not yet imported, by `kind:name` (aliases too). */
  private readonly pending = new Map<string, LazyPlugin>()
  private readonly loading = new Map<Load, Promise<void>>()

  constructor(lazy: readonly LazyPlugin[]) {
    super()
    for (const p of lazy) for (const name of [p.name, ...(p.aliases ?? [])]) this.pending.set(`${p.kind}:${name}`, p)
  }

  /** Registers `specs`; a spec registered here (a `-p` module) replaces the shipped plugin of its kind and name, loaded or not. */
  override register(...specs: PluginSpec[]): this {
    for (const spec of specs) for (const name of [spec.name, ...(spec.aliases ?? [])]) this.pending.delete(`${spec.kind}:${name}`)
    return super.register(...specs)
  }

  override names(kind: PluginKind): string[] {
    const lazy = [...this.pending.values()].filter((p) => p.kind === kind).map((p) => p.name)
    return [...new Set([...super.names(kind), ...lazy])].sort()
  }

  /** Imports every plugin `config` names (and the parsers and formatters with the first one). */
  async loadFor(config: ConfigElement): Promise<void> {
    const wanted = new Set<LazyPlugin>()
    const visit = (e: ConfigElement) => {
      // `type` is Fluentd v0.12's @type (engine/config/compat.ts reads it so).
      const type = e.params['@type'] ?? e.params.type
      if (type !== undefined && !NOT_PLUGINS.has(e.name)) {
        const kind = ELEMENT_KINDS[e.name]
        for (const p of this.pending.values()) {
          if ((kind === undefined || p.kind === kind) && (p.name === type || p.aliases?.includes(type))) wanted.add(p)
        }
      }
      if (e.name === 'parse' || e.name === 'format') wanted.add(LAZY_PLUGINS.find((p) => p.load === sections)!)
      for (const child of e.elements) visit(child)
    }
    visit(config)
    if (wanted.size === 0) return
    await this.load([...wanted, ...LAZY_PLUGINS.filter((p) => p.load === sections)])
  }

  /** Imports every plugin (the HTTP API and the designer list and build any of them). */
  async loadAll(): Promise<void> {
    await this.load([...this.pending.values()])
  }

  private async load(plugins: readonly LazyPlugin[]): Promise<void> {
    const loads = new Set(plugins.filter((p) => this.isPending(p)).map((p) => p.load))
    await Promise.all(
      [...loads].map((load) => {
        let done = this.loading.get(load)
        if (done === undefined) {
          done = load().then((specs) => {
            // A spec already registered (a `-p` module's) stays.
            for (const spec of specs) if (this.pending.get(`${spec.kind}:${spec.name}`)?.load === load) super.register(spec)
            for (const [key, p] of this.pending) if (p.load === load) this.pending.delete(key)
          })
          this.loading.set(load, done)
        }
        return done
      }),
    )
  }

  private isPending(p: LazyPlugin): boolean {
    return this.pending.get(`${p.kind}:${p.name}`) === p
  }
}

/**
 * The daemon's registry: EAGER_PLUGINS, LAZY_PLUGINS on first use, then `extra` (`-p` modules; an
 * extra spec with the kind and name of a shipped one replaces it).
 */
export function daemonRegistry(extra: readonly PluginSpec[] = []): DaemonRegistry {
  return new DaemonRegistry(LAZY_PLUGINS).register(...EAGER_PLUGINS, ...extra)
}

/** Imports the plugins `config` names when `registry` loads plugins on first use (a no-op otherwise). */
export async function loadPluginsFor(registry: PluginRegistry, config: ConfigElement): Promise<void> {
  if (registry instanceof DaemonRegistry) await registry.loadFor(config)
}

/** Imports every plugin when `registry` loads plugins on first use (a no-op otherwise). */
export async function loadAllPlugins(registry: PluginRegistry): Promise<void> {
  if (registry instanceof DaemonRegistry) await registry.loadAll()
}
