/**
 * @module The config `sluice` runs without `-c`: in_forward on 127.0.0.1:24224 and in_http on
 * 127.0.0.1:9880 (loopback only: a config file is needed to accept remote peers), everything to
 * stdout. `--default-ports` changes the two ports (`0` picks free ones; tests use that).
 */

import type { ConfigSource } from '../ops/prepare.ts'

export const DEFAULT_FORWARD_PORT = 24224
export const DEFAULT_HTTP_PORT = 9880

/** The name the embedded config has in messages (`... at (embedded default config):4`). */
export const DEFAULT_CONFIG_NAME = '(embedded default config)'

export function defaultConfigText(
  ports: { forward: number; http: number } = { forward: DEFAULT_FORWARD_PORT, http: DEFAULT_HTTP_PORT },
): string {
  return `# sluice's embedded default config (used when no -c FILE is given)
<source>
  @type forward
  @id in_forward
  bind 127.0.0.1
  port ${ports.forward}
</source>

<source>
  @type http
  @id in_http
  bind 127.0.0.1
  port ${ports.http}
</source>

<match **>
  @type stdout
  @id out_stdout
</match>
`
}

/** The embedded default as a config source. */
export function defaultConfigSource(ports?: { forward: number; http: number }): ConfigSource {
  return { kind: 'text', text: defaultConfigText(ports), name: DEFAULT_CONFIG_NAME }
}

/**
 * Reads `--default-ports`: one number for both listeners, or `FORWARD,HTTP`.
 *
 * @example
 * parseDefaultPorts('0') // { forward: 0, http: 0 }
 */
export function parseDefaultPorts(text: string): { forward: number; http: number } | null {
  const parts = text.split(',').map((p) => p.trim())
  if (parts.length > 2 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 65535)) return null
  const forward = Number(parts[0])
  return { forward, http: parts.length === 2 ? Number(parts[1]) : forward }
}
