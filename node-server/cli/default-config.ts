/**
 * @module The config `sluice` runs without `-c` (what `npm start` runs): in_forward on
 * 127.0.0.1:24224 and in_http on 127.0.0.1:9880 (loopback only: a config file is needed to accept
 * remote peers), the HTTP API and the route designer on 127.0.0.1:24220 (`<system> http_server`),
 * events to stdout except `bench.**` (what `sluice bench` sends by default), which goes to
 * `@type null` so a load test does not flood the terminal. `--default-ports` changes the three
 * ports (`0` picks free ones; tests use that).
 */

import type { ConfigSource } from '../ops/prepare.ts'

export const DEFAULT_FORWARD_PORT = 24224
export const DEFAULT_HTTP_PORT = 9880
export const DEFAULT_API_PORT = 24220

export interface DefaultPorts {
  forward: number
  http: number
  api: number
}

const DEFAULT_PORTS: DefaultPorts = { forward: DEFAULT_FORWARD_PORT, http: DEFAULT_HTTP_PORT, api: DEFAULT_API_PORT }

/** The name the embedded config has in messages (`... at (embedded default config):4`). */
export const DEFAULT_CONFIG_NAME = '(embedded default config)'

export function defaultConfigText(ports: DefaultPorts = DEFAULT_PORTS): string {
  return `# sluice's embedded default config (used when no -c FILE is given)
<system>
  # the HTTP API (/api/plugins.json, /metrics, /healthz) and the route designer (/ui/);
  # sluice --no-api turns it off
  http_server true
  http_bind 127.0.0.1
  http_port ${ports.api}
</system>

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

# sluice bench sends bench.sluice by default: count it, print nothing
<match bench.**>
  @type null
  @id out_null_bench
</match>

<match **>
  @type stdout
  @id out_stdout
</match>
`
}

/** The embedded default as a config source. */
export function defaultConfigSource(ports?: DefaultPorts): ConfigSource {
  return { kind: 'text', text: defaultConfigText(ports), name: DEFAULT_CONFIG_NAME }
}

/**
 * Reads `--default-ports`: one number for the three listeners (only `0`, free ports, makes sense
 * there), or `FORWARD,HTTP` (the API keeps 24220), or `FORWARD,HTTP,API`.
 *
 * @example
 * parseDefaultPorts('0') // { forward: 0, http: 0, api: 0 }
 * parseDefaultPorts('24225,9881') // { forward: 24225, http: 9881, api: 24220 }
 */
export function parseDefaultPorts(text: string): DefaultPorts | null {
  const parts = text.split(',').map((p) => p.trim())
  if (parts.length > 3 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 65535)) return null
  const [forward, http, api] = parts.map(Number)
  if (parts.length === 1) return { forward, http: forward, api: forward }
  return { forward, http, api: api ?? DEFAULT_API_PORT }
}
