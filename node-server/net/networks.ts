/**
 * @module Client addresses against `<client host|network>` rules (Fluentd's in_forward and in_tcp
 * `<security>`): a network as written (`10.0.0.0/8`, `10.1.2.3`, `192.168.0.0/255.255.0.0`,
 * `fe80::/10`), a host name resolved to all its addresses, both as a `BlockList`; IPv4-mapped
 * IPv6 peers match IPv4 rules; addresses shown as Fluentd shows them.
 */

import { promises as dns } from 'node:dns'
import { BlockList, isIP } from 'node:net'

export interface Network {
  address: string
  prefix: number
  family: 'ipv4' | 'ipv6'
}

/** `10.0.0.0/8`, `10.1.2.3`, `192.168.0.0/255.255.0.0`, `fe80::/10`; throws Fluentd's message when invalid. */
export function parseNetwork(text: string): Network {
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

/**
 * The addresses one `<client>` rule admits: its network, or every address its host name resolves
 * to (an address is taken as it is). Rejects with Fluentd's message when the name does not resolve.
 */
export async function clientMatcher(rule: { host: string | null; network: Network | null }): Promise<BlockList> {
  const match = new BlockList()
  if (rule.network !== null) {
    match.addSubnet(rule.network.address, rule.network.prefix, rule.network.family)
    return match
  }
  const host = rule.host ?? ''
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
  return match
}

/** Does `list` hold `address` (IPv4-mapped IPv6 addresses match IPv4 entries)? */
export function addressIn(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')
}

/** An address as Fluentd shows it (IPv4-mapped IPv6 as plain IPv4). */
export function displayAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}
