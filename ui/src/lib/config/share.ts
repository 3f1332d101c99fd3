/**
 * @module Share links: the config text (and, only when asked for, the samples) compressed with
 * CompressionStream('deflate-raw') and base64url-encoded into the URL fragment — the fragment never
 * reaches a server. `#c=<config>` and optionally `&s=<samples>&t=<tag>&f=<format>`.
 */

export interface SharedState {
  config: string
  samples?: string
  tag?: string
  format?: string
}

export async function compressText(text: string): Promise<string> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'))
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()))
}

export async function decompressText(encoded: string): Promise<string> {
  const stream = new Blob([fromBase64Url(encoded)]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  return new TextDecoder().decode(await new Response(stream).arrayBuffer())
}

/** The fragment (without `#`) for a state. */
export async function encodeShare(state: SharedState): Promise<string> {
  const parts = [`c=${await compressText(state.config)}`]
  if (state.samples !== undefined) {
    parts.push(`s=${await compressText(state.samples)}`)
    if (state.tag) parts.push(`t=${encodeURIComponent(state.tag)}`)
    if (state.format) parts.push(`f=${encodeURIComponent(state.format)}`)
  }
  return parts.join('&')
}

/** Reads a fragment (with or without `#`); null when it holds no shared config. */
export async function decodeShare(fragment: string): Promise<SharedState | null> {
  const params = new URLSearchParams(fragment.replace(/^#/, ''))
  const c = params.get('c')
  if (c === null) return null
  const state: SharedState = { config: await decompressText(c) }
  const s = params.get('s')
  if (s !== null) {
    state.samples = await decompressText(s)
    state.tag = params.get('t') ?? undefined
    state.format = params.get('f') ?? undefined
  }
  return state
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4)
  const binary = atob(b64)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
