/**
 * @module in_forward's `<security>` settled (Fluentd's config checks and messages; the schema is
 * in security-schema.ts): the server's self_hostname and shared_key, `user_auth` with `<user>`
 * sections, and `<client>` rules (host or network → per-client shared_key and allowed users) with
 * `allow_anonymous_source`. `<client host>` names are resolved when the plugin starts; a client
 * address is matched against the rules in config order (first match wins; IPv4-mapped IPv6
 * addresses match IPv4 rules).
 */

import type { BlockList } from 'node:net'
import { addressIn, clientMatcher, parseNetwork, type Network } from '../../net/networks.ts'
import type { SecurityConfig } from '../../../engine/schemas/sections/forward-security-server.ts'

export { displayAddress, parseNetwork } from '../../net/networks.ts'

export interface User {
  username: string
  password: string
}

/** A `<client>` section as written. */
export interface ClientSpec {
  /** What the config says (`host x` or `network y`), for logs. */
  label: string
  host: string | null
  /** Parsed `network`: address, prefix length, family. */
  network: Network | null
  sharedKey: string
  users: string[]
}

/** A `<client>` rule ready to match addresses. */
export interface ClientRule {
  label: string
  sharedKey: string
  users: string[]
  match: BlockList
}

export interface SecuritySettings {
  selfHostname: string
  sharedKey: string
  userAuth: boolean
  allowAnonymousSource: boolean
  users: User[]
  clients: ClientSpec[]
}

/** Checks `<security>` as Fluentd does (same messages); throws with the reason. */
export function settleSecurity(config: SecurityConfig): SecuritySettings {
  if (config.user_auth && config.user.length === 0) throw new Error('<user> sections required if user_auth enabled')
  if (!config.allow_anonymous_source && config.client.length === 0) {
    throw new Error('<client> sections required if allow_anonymous_source disabled')
  }
  const clients = config.client.map((c): ClientSpec => {
    if (c.host !== null && c.network !== null) throw new Error("both of 'host' and 'network' are specified for client")
    if (c.host === null && c.network === null) throw new Error("Either of 'host' and 'network' must be specified for client")
    const network = c.network === null ? null : parseNetwork(c.network)
    return {
      label: c.host !== null ? `host ${c.host}` : `network ${c.network}`,
      host: c.host,
      network,
      sharedKey: c.shared_key ?? config.shared_key,
      users: c.users.map(String),
    }
  })
  return {
    selfHostname: config.self_hostname,
    sharedKey: config.shared_key,
    userAuth: config.user_auth,
    allowAnonymousSource: config.allow_anonymous_source,
    users: config.user.map((u) => ({ username: u.username, password: u.password })),
    clients,
  }
}

/** Builds the matchers, resolving `<client host>` names (all their addresses). */
export async function resolveClients(clients: readonly ClientSpec[]): Promise<ClientRule[]> {
  const rules: ClientRule[] = []
  for (const c of clients) rules.push({ label: c.label, sharedKey: c.sharedKey, users: c.users, match: await clientMatcher(c) })
  return rules
}

/** The first rule whose host/network holds `address`, or null. */
export function matchClient(rules: readonly ClientRule[], address: string): ClientRule | null {
  for (const rule of rules) {
    if (addressIn(rule.match, address)) return rule
  }
  return null
}

/** Fluentd's select_authenticate_users: the users with this name that the client may use. */
export function candidateUsers(settings: SecuritySettings, rule: ClientRule | null, username: Uint8Array): User[] {
  const name = Buffer.from(username)
  return settings.users.filter(
    (u) => name.equals(Buffer.from(u.username)) && (rule === null || rule.users.length === 0 || rule.users.includes(u.username)),
  )
}
