/**
 * @module `<service_discovery>` for out_forward (Fluentd's sd_static and sd_file): the servers it
 * lists join the `<server>`s at configure time, and a `file` list is watched — when the file
 * changes it is read again and the writer's servers are updated: new ones added first, then the
 * ones gone removed (Fluentd's service_in before service_out, so a server is always there), the
 * others kept with their connections and health. A file that cannot be read or parsed is logged
 * and the current servers stay, as in Fluentd. (Fluentd's sd_srv is not supported: a config error.)
 */

import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import { createRequire } from 'node:module'
import { basename } from 'node:path'
import type { Logger } from '../../../engine/log.ts'
import type { OutForwardConfig, ServerConfig } from '../../../engine/schemas/out_forward.ts'
import { DEFAULT_SD_FILE_PATH, type ServiceConfig } from '../../../engine/schemas/sections/service-discovery.ts'
import type { ForwardNode } from './node.ts'
import type { ServerOptions } from './options.ts'
import type { ForwardWriter } from './writer.ts'

/** The yaml package loads with the first YAML service file, not with every daemon (a few MB resident); require is synchronous. */
const requirePackage = createRequire(import.meta.url)
const parseYaml = (text: string): unknown => (requirePackage('yaml') as typeof import('yaml')).parse(text)

/** How often a watched file is checked (Fluentd's discovery manager runs every 3 s). */
export const FILE_POLL_MS = 1000

interface FileSource {
  path: string
  encoding: string
  services: ServiceConfig[]
}

export interface Discovery {
  /** `<server>`s plus every discovered service, as `<server>` configs. */
  servers: ServerConfig[]
  /** Watches the file sources; `apply` gets the whole new server list when one changes. */
  watch(apply: (servers: ServerConfig[]) => void): void
  stop(): void
}

/** A file's services (sd_file: YAML unless the name ends .json; `host` and `port` required, weight 60). */
export function readServiceFile(path: string, encoding = 'utf-8'): ServiceConfig[] {
  let text: string
  try {
    text = readFileSync(path, { encoding: encoding.toLowerCase() as BufferEncoding })
  } catch (error) {
    throw new Error(`sd_file: path=${path} couldn't open ${(error as Error).message}`)
  }
  const type = basename(path).split('.').slice(1).join('.')
  const data: unknown = type === 'json' ? JSON.parse(text) : parseYaml(text)
  if (!Array.isArray(data)) throw new Error(`sd_file: ${path} must hold a list of services`)
  return data.map((s: Record<string, unknown>) => {
    for (const key of ['host', 'port']) {
      if (s === null || typeof s !== 'object' || !(key in s))
        throw new Error(`key not found: "${key}". Service must have \`host\` and \`port\``)
    }
    const port = Number(s.port)
    if (!Number.isInteger(port)) throw new Error(`sd_file: port ${String(s.port)} of ${String(s.host)} is not an integer`)
    return {
      host: String(s.host),
      port,
      name: s.name === undefined || s.name === null ? null : String(s.name),
      weight: s.weight === undefined ? 60 : Number(s.weight),
      standby: s.standby === true,
      username: s.username === undefined || s.username === null ? '' : String(s.username),
      password: s.password === undefined || s.password === null ? '' : String(s.password),
      shared_key: s.shared_key === undefined || s.shared_key === null ? null : String(s.shared_key),
    }
  })
}

/** Reads the `<service_discovery>` sections (files must exist); throws Fluentd's config errors. */
export function discover(config: OutForwardConfig, log: Logger, env: Record<string, string | undefined> = process.env): Discovery {
  const statics: ServiceConfig[] = []
  const files: FileSource[] = []
  for (const sd of config.service_discovery ?? []) {
    const type = sd['@type']
    if (type === 'static') statics.push(...sd.service)
    else if (type === 'file') {
      const path = sd.path ?? env.DEFAULT_SD_FILE_PATH ?? DEFAULT_SD_FILE_PATH
      let services: ServiceConfig[]
      try {
        services = readServiceFile(path, sd.conf_encoding)
      } catch (error) {
        const message = (error as Error).message
        throw new Error(message.includes('ENOENT') ? `sd_file: path=${path} not found` : message)
      }
      files.push({ path, encoding: sd.conf_encoding, services })
    } else if (type === undefined) throw new Error('<service_discovery> needs @type (static or file)')
    else throw new Error(`<service_discovery> @type ${type} is not supported by sluice (static or file)`)
  }
  const all = (): ServerConfig[] => [...config.server, ...statics, ...files.flatMap((f) => f.services)]
  const servers = all()
  if (servers.length === 0) {
    throw new Error('forward output plugin requires at least one node is required. Add <server> or <service_discovery>')
  }
  const watched: string[] = []
  return {
    servers,
    watch(apply) {
      for (const file of files) {
        watched.push(file.path)
        watchFile(file.path, { interval: FILE_POLL_MS, persistent: false }, (cur, prev) => {
          if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size && cur.ino === prev.ino) return
          try {
            file.services = readServiceFile(file.path, file.encoding)
          } catch (error) {
            log.error(`sd_file: ${(error as Error).message}`)
            return
          }
          apply(all())
        })
      }
    },
    stop() {
      for (const path of watched.splice(0)) unwatchFile(path)
    },
  }
}

const sameServer = (a: ServerOptions, b: ServerOptions) =>
  a.host === b.host &&
  a.port === b.port &&
  a.name === b.name &&
  a.weight === b.weight &&
  a.standby === b.standby &&
  JSON.stringify(a.session?.security ?? null) === JSON.stringify(b.session?.security ?? null)

/**
 * Makes the writer's servers `servers`: keeps the nodes of servers still listed unchanged, adds
 * nodes for new ones, then removes (and closes) the nodes of servers gone.
 */
export function updateServers(
  writer: ForwardWriter,
  servers: readonly ServerOptions[],
  makeNode: (server: ServerOptions) => ForwardNode,
  log: Logger,
): void {
  const nodes = writer.nodes
  const added: ForwardNode[] = []
  for (const server of servers) {
    if (nodes.some((n) => sameServer(n.server, server))) continue
    const node = makeNode(server)
    node.onChange = () => writer.balancer.rebuild()
    nodes.push(node)
    added.push(node)
  }
  const removed = nodes.filter((n) => !servers.some((s) => sameServer(n.server, s)))
  for (const node of removed) nodes.splice(nodes.indexOf(node), 1)
  writer.balancer.rebuild()
  for (const node of removed) node.close()
  if (added.length > 0 || removed.length > 0) {
    log.info('Servers changed by service discovery.', { added: added.map((n) => n.name), removed: removed.map((n) => n.name) })
  }
}
