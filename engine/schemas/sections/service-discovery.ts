/**
 * @module Fluentd's `<service_discovery>` section (plugin_helper/service_discovery, sd_static,
 * sd_file) as plain data: `@type static` with `<service>` entries (host, port, name, weight,
 * standby, shared_key, username, password), or `@type file` with a YAML / JSON list of the same
 * keys at `path`, re-read when the file changes.
 */

import type { SectionSpec } from '../../config/schema.ts'

/** The `<service_discovery> @type`s sluice has (Fluentd's sd_srv is not one of them yet). */
export const SERVICE_DISCOVERY_TYPES = ['static', 'file'] as const

/** sd_file's default path (Fluentd reads DEFAULT_SD_FILE_PATH from the environment first). */
export const DEFAULT_SD_FILE_PATH = '/etc/fluent/sd.yaml'

export const serviceSection = {
  name: 'service',
  multi: true,
  description: 'A server (@type static).',
  schema: {
    params: [
      { name: 'host', type: 'string', required: true, description: 'The IP address or host name of the server.' },
      {
        name: 'name',
        type: 'string',
        default: null,
        description: 'Name in logs; with TLS and an address as host, the name the certificate is checked against.',
      },
      { name: 'port', type: 'integer', default: 24224, description: 'The port number of the host.' },
      { name: 'shared_key', type: 'string', default: null, secret: true, description: 'The shared key per server.' },
      { name: 'username', type: 'string', default: '', description: 'The username for authentication.' },
      { name: 'password', type: 'string', default: '', secret: true, description: 'The password for authentication.' },
      { name: 'standby', type: 'bool', default: false, description: 'Used only while regular servers are unavailable.' },
      { name: 'weight', type: 'integer', default: 60, description: 'The load balancing weight.' },
    ],
  },
} as const satisfies SectionSpec

export const serviceDiscoverySection = {
  name: 'service_discovery',
  multi: true,
  description:
    'Where servers come from besides <server>: @type static (<service> entries) or @type file (a YAML or JSON list, re-read on change).',
  schema: {
    params: [
      {
        name: 'path',
        type: 'string',
        default: null,
        description: `file: the list of servers (.yaml, .yml or .json; default $DEFAULT_SD_FILE_PATH or ${DEFAULT_SD_FILE_PATH}).`,
      },
      { name: 'conf_encoding', type: 'string', default: 'utf-8', description: 'file: the encoding of the file.' },
    ],
    sections: [serviceSection],
  },
} as const satisfies SectionSpec

export interface ServiceConfig {
  host: string
  name: string | null
  port: number
  shared_key: string | null
  username: string
  password: string
  standby: boolean
  weight: number
}

export interface ServiceDiscoveryConfig {
  '@type'?: string
  path: string | null
  conf_encoding: string
  service: ServiceConfig[]
}
