/**
 * @module `IPAddr.new(text)` for the Ruby subset: IPv4 dotted quads and IPv6 addresses (compressed
 * `::`, an embedded IPv4 tail, a `%zone`), optionally with a `/prefix`; null when Ruby's IPAddr
 * would raise InvalidAddressError. Written here because engine/ may not import `node:net`.
 */

import { RIPAddr } from './values.ts'

function isIPv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)
}

function isIPv6(text: string): boolean {
  const address = text.replace(/%[A-Za-z0-9_.-]+$/, '')
  const halves = address.split('::')
  if (halves.length > 2) return false
  const groups = (half: string) => (half === '' ? [] : half.split(':'))
  const head = groups(halves[0])
  const tail = halves.length === 2 ? groups(halves[1]) : []
  const all = [...head, ...tail]
  let count = all.length
  const last = all[all.length - 1]
  if (last?.includes('.')) {
    if (!isIPv4(last)) return false
    count += 1 // an IPv4 tail is two groups
    all.pop()
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false
  return halves.length === 2 ? count <= 7 : count === 8
}

/**
 * @example
 * parseIpAddr('fd00::1')?.family // 6
 * parseIpAddr('kubernetes.default.svc') // null
 */
export function parseIpAddr(text: string): RIPAddr | null {
  const [address, prefix, ...rest] = text.split('/')
  if (rest.length > 0) return null
  if (isIPv4(address)) {
    if (prefix !== undefined && !(/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32) && !isIPv4(prefix)) return null
    return new RIPAddr(4, address)
  }
  if (isIPv6(address)) {
    if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= 128)) return null
    return new RIPAddr(6, address)
  }
  return null
}
