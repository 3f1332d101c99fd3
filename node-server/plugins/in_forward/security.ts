/**
 * @module in_forward's `<security>` settled (Fluentd's config checks and messages; the schema is
 * in security-schema.ts): the server's self_hostname and shared_key, `user_auth` with `<user>`
 * sections, and `<client>` rules (host or network → per-client shared_key and allowed users) with
 * `allow_anonymous_source`. `<client host>` names are resolved when the plugin starts; a client
 * address is matched against the rules in config order (first match wins; IPv4-mapped IPv6
 * addresses match IPv4 rules).
 */

import { promises as dns } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import type { SecurityConfig } from '../../../engine/schemas/sections/forward-security-server.ts'

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
  network: { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null
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

/** Settles `<security>` (parsed networks, users); throws when a network cannot be read. */
export function settleSecurity(config: SecurityConfig): SecuritySettings {
  // The section-level checks (users, clients, host vs network) run before, in every runtime: checkInForward.
  const clients = config.client.map((c): ClientSpec => {
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

/** `10.0.0.0/8`, `10.1.2.3`, `192.168.0.0/255.255.0.0`, `fe80::/10`. */
export function parseNetwork(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const invalid = () => new Error(`network '${text}' address format is invalid`)
  const [address, mask, ...rest] = text.trim().split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) throw invalid()
  const family = version === 4 ? 'ipv4' : 'ipv6'
  const bits = version === 4 ? 32 : 128
  if (mask === undefined) return { address, prefix: bits, family }
  let prefix: number
  if (/^\d+$/.test(mask)) prefix = Number(mask)
  else if (version === 4 && isIP(mask) === 4) prefix = netmaskPrefix(mask) ?? -1
  else throw invalid()
  if (prefix < 0 || prefix > bits) throw invalid()
  return { address, prefix, family }
}

function netmaskPrefix(mask: string): number | null {
  const n = mask.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
  const inverted = (~n >>> 0) + 1
  if ((inverted & (inverted - 1)) !== 0) return null // not contiguous ones
  return 32 - Math.log2(inverted)
}

/** Builds the matchers, resolving `<client host>` names (all their addresses). */
export async function resolveClients(clients: readonly ClientSpec[]): Promise<ClientRule[]> {
  const rules: ClientRule[] = []
  for (const c of clients) {
    const match = new BlockList()
    if (c.network !== null) {
      match.addSubnet(c.network.address, c.network.prefix, c.network.family)
    } else {
      const host = c.host!
      let addresses: { address: string; family: number }[]
      if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }]
      else {
        try {
          addresses = await dns.lookup(host, { all: true })
        } catch {
          throw new Error(`host '${host}' cannot be resolved`)
        }
      }
      for (const a of addresses) match.addAddress(a.address, a.family === 6 ? 'ipv6' : 'ipv4')
    }
    rules.push({ label: c.label, sharedKey: c.sharedKey, users: c.users, match })
  }
  return rules
}

/** The first rule whose host/network holds `address`, or null. */
export function matchClient(rules: readonly ClientRule[], address: string): ClientRule | null {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
  for (const rule of rules) {
    if (rule.match.check(address, family)) return rule
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

/** An address as Fluentd shows it (IPv4-mapped IPv6 as plain IPv4). */
export function displayAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}
