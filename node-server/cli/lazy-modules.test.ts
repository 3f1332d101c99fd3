/**
 * @module What a daemon loads at start: the packages that only some configs need (the NATS client,
 * yaml for out_forward's service discovery files, Hono and @hono/node-server for the HTTP API and
 * in_http) are imported when a plugin first uses them, not with every daemon (together some 12 MB
 * of resident memory; see ARCHITECTURE.md), and the bundled daemon has @msgpack/msgpack inside
 * (scripts/build-server.mjs); Node's crypto, tls, https and http load on first use too
 * (node-server/builtins.ts). A real `sluice` process runs with a module resolve hook (node:module
 * register) that writes every module URL it resolves to a file, and, as it exits, the built-in
 * modules it loaded (`process.moduleLoadList`, which also sees a `require` of one); the test reads
 * the file once the daemon stopped. The control cases prove each kind of module is seen when it loads.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSluice } from './testing/sluice-process.ts'

const OPTIONAL = /\/node_modules\/(@nats-io\/[^/]+|yaml|hono|@hono\/node-server)\//
const HONO = /\/node_modules\/(hono|@hono\/node-server)\//
/**
 * A plugin node-server/plugins/daemon-registry.ts imports on first use (the plugin's module in the
 * sources, its chunk in the bundle: scripts/build-server.mjs names a lazy entry's chunk after it).
 */
const LAZY_PLUGIN =
  /\/(?:node-server\/plugins|engine\/plugins)\/((?:in|out|filter)_(?!forward\/|null\/|grep\/)\w+|parsers|formatters)(?:\/|\.ts$)|\/dist\/sluice-((?:in|out|filter)_\w+|parsers|formatters)-\w+\.mjs$/
const lazyPlugin = (url: string) => LAZY_PLUGIN.test(url)

/** Node's built-in modules that builtins.ts loads on first use, as `modulesLoaded` lists them. */
const LAZY_BUILTINS = ['builtin:crypto', 'builtin:tls', 'builtin:https', 'builtin:http']

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-lazy-modules-'))
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs'
let out
export function initialize(data) { out = data.out }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  appendFileSync(out, resolved.url + '\\n')
  return resolved
}
`,
  )
  writeFileSync(
    join(dir, 'preload.mjs'),
    `import { register } from 'node:module'
import { appendFileSync } from 'node:fs'
const out = process.env.SLUICE_TEST_MODULE_LOG
register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: { out } })
process.on('exit', () => appendFileSync(out, process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'builtin:' + m.slice(13) + '\\n').join('')))
`,
  )
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Starts sluice with `config`, waits for `started`, stops it; returns the module URLs it resolved and `builtin:NAME` for each built-in module it loaded. */
async function modulesLoaded(name: string, config: string, args: string[] = []): Promise<string[]> {
  const conf = join(dir, `${name}.conf`)
  const log = join(dir, `${name}.modules`)
  writeFileSync(conf, config)
  writeFileSync(log, '')
  const p = startSluice(['-c', conf, ...args], {
    env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'preload.mjs')).href}`, SLUICE_TEST_MODULE_LOG: log },
  })
  try {
    await p.waitForLine(/\[info\] started /, 0, 30_000)
  } finally {
    p.signal('SIGTERM')
    await p.exited
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

const FORWARD = `<source>
  @type forward
  bind 127.0.0.1
  port 0
</source>
`

describe('modules a daemon loads at start', () => {
  it('in_forward → out_null loads neither the NATS client, yaml nor Hono', { timeout: 60_000 }, async () => {
    const urls = await modulesLoaded('minimal', `${FORWARD}<match **>\n  @type null\n</match>\n`, ['--no-api'])
    // The hook saw the daemon itself (the bundle or the TypeScript sources).
    expect(urls.some((u) => /\/dist\/sluice\.mjs$|\/node-server\/cli\/main\.ts$/.test(u))).toBe(true)
    expect(urls.filter((u) => OPTIONAL.test(u))).toEqual([])
    // The exit hook listed the built-ins (in_forward's node:net among them), none of the lazy ones.
    expect(urls).toContain('builtin:net')
    expect(urls.filter((u) => LAZY_BUILTINS.includes(u))).toEqual([])
    // The bundle has msgpack inside (the sources through tsx import the package).
    if (urls.some((u) => /\/dist\/sluice\.mjs$/.test(u))) expect(urls.filter((u) => /\/node_modules\/@msgpack\//.test(u))).toEqual([])
  })

  it('in_forward → out_null loads no plugin off the hot path, no subcommand, and from the bundle only its eager chunk', {
    timeout: 60_000,
  }, async () => {
    const urls = await modulesLoaded('eager', `${FORWARD}<match **>\n  @type null\n</match>\n`, ['--no-api'])
    expect(urls.filter(lazyPlugin)).toEqual([])
    if (urls.some((u) => /\/dist\/sluice\.mjs$/.test(u))) {
      // dist/sluice.mjs re-exports main from the one chunk that holds every eagerly imported module.
      expect(urls.filter((u) => /\/dist\/sluice-[^/]*\.mjs$/.test(u)).map((u) => u.replace(/.*\//, ''))).toEqual([
        expect.stringMatching(/^sluice-chunk-\w+\.mjs$/),
      ])
    } else {
      expect(urls.filter((u) => /\/node-server\/cli\/(test|convert|replay|bench\/command)\.ts$/.test(u))).toEqual([])
    }
  })

  it('imports in_tail, record_transformer, out_file and the parsers once a config names them', { timeout: 60_000 }, async () => {
    const logFile = join(dir, 'app.log')
    writeFileSync(logFile, '')
    const urls = await modulesLoaded(
      'tail',
      `<source>\n  @type tail\n  path ${logFile}\n  tag app\n  <parse>\n    @type json\n  </parse>\n</source>\n` +
        `<filter app>\n  @type record_transformer\n</filter>\n<match app>\n  @type file\n  path ${join(dir, 'out')}\n</match>\n`,
      ['--no-api'],
    )
    const loaded = new Set(
      urls.filter(lazyPlugin).map((u) => {
        const m = LAZY_PLUGIN.exec(u)!
        return m[1] ?? m[2]
      }),
    )
    expect([...loaded].sort()).toEqual(['filter_record_transformer', 'formatters', 'in_tail', 'out_file', 'parsers'])
  })

  it('loads Hono and @hono/node-server once in_http starts (and not yaml or NATS)', { timeout: 60_000 }, async () => {
    const urls = await modulesLoaded(
      'http',
      `<source>\n  @type http\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type null\n</match>\n`,
      ['--no-api'],
    )
    expect(urls.some((u) => /\/node_modules\/hono\//.test(u))).toBe(true)
    expect(urls.some((u) => /\/node_modules\/@hono\/node-server\//.test(u))).toBe(true)
    expect(urls.filter((u) => OPTIONAL.test(u) && !HONO.test(u))).toEqual([])
  })

  it('loads node:crypto and node:tls for in_forward with <transport tls> (a generated certificate)', { timeout: 60_000 }, async () => {
    const urls = await modulesLoaded(
      'tls',
      `<source>\n  @type forward\n  bind 127.0.0.1\n  port 0\n  <transport tls>\n    insecure true\n  </transport>\n</source>\n<match **>\n  @type null\n</match>\n`,
      ['--no-api'],
    )
    expect(urls).toContain('builtin:crypto')
    expect(urls).toContain('builtin:tls')
  })

  it('loads Hono with the HTTP API (--api)', { timeout: 60_000 }, async () => {
    const urls = await modulesLoaded('api', `${FORWARD}<match **>\n  @type null\n</match>\n`, ['--api', '--api-port', '0'])
    expect(urls.some((u) => /\/node_modules\/hono\//.test(u))).toBe(true)
    expect(urls.some((u) => /\/node_modules\/@hono\/node-server\//.test(u))).toBe(true)
  })

  it('loads the NATS client once out_nats connects (the control: the hook sees a package when it loads)', { timeout: 60_000 }, async () => {
    // Nothing listens on port 1: the first connect fails and is retried in the background, after the package loaded.
    const urls = await modulesLoaded(
      'nats',
      `${FORWARD}<match **>\n  @type nats\n  servers nats://127.0.0.1:1\n  subject logs\n  jetstream false\n  <buffer tag>\n  </buffer>\n</match>\n`,
      ['--no-api'],
    )
    expect(urls.some((u) => /\/node_modules\/@nats-io\/transport-node\//.test(u))).toBe(true)
    expect(urls.filter((u) => /\/node_modules\/yaml\//.test(u))).toEqual([])
  })
})
