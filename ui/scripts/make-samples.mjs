// Builds the designer's bundled sample sets (ui/src/samples/*.ndjson) from the first lines of a
// few loghub logs (https://github.com/logpai/loghub; its LICENSE is copied next to them), parsed
// into Fluentd-style records, plus a synthetic structured "app" set.
// Usage: node ui/scripts/make-samples.mjs [loghub dir]   (default: ../shared/data/loghub from the repo)
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const here = import.meta.dirname
const out = join(here, '..', 'src', 'samples')
const loghub = process.argv[2] ?? join(here, '..', '..', '..', 'shared', 'data', 'loghub')
const LINES = 200
const MONTHS = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 }

const lines = (file) =>
  readFileSync(join(loghub, file), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, LINES)
const epoch = (y, mo, d, h, mi, s, ms = 0) => Date.UTC(y, mo, d, h, mi, s, ms) / 1000
const write = (name, events) => writeFileSync(join(out, name), events.map((e) => JSON.stringify(e)).join('\n') + '\n')

const sets = {
  'apache.ndjson': () =>
    lines('Apache_2k.log').map((l) => {
      const m = /^\[\w+ (\w+) (\d+) (\d+):(\d+):(\d+) (\d+)\] \[(\w+)\] (.*)$/.exec(l)
      if (!m) return { tag: 'apache.error', record: { message: l } }
      return { tag: 'apache.error', time: epoch(+m[6], MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5]), record: { level: m[7], message: m[8] } }
    }),
  'openssh.ndjson': () =>
    lines('OpenSSH_2k.log').map((l) => {
      const m = /^(\w+) +(\d+) (\d+):(\d+):(\d+) (\S+) (\w+)\[(\d+)\]: (.*)$/.exec(l)
      if (!m) return { tag: 'system.sshd', record: { message: l } }
      return {
        tag: 'system.sshd',
        time: epoch(2024, MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5]),
        record: { host: m[6], ident: m[7], pid: +m[8], message: m[9] },
      }
    }),
  'hdfs.ndjson': () =>
    lines('HDFS_2k.log').map((l) => {
      const m = /^(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d) (\d+) (\w+) ([^:]+): (.*)$/.exec(l)
      if (!m) return { tag: 'hdfs.log', record: { message: l } }
      const block = /blk_(-?\d+)/.exec(m[10])
      const record = { level: m[8], pid: +m[7], component: m[9], message: m[10] }
      if (block) record.block_id = BigInt(block[1])
      return {
        tag: `hdfs.${m[9].split('.')[1]?.split('$')[0].toLowerCase() ?? 'log'}`,
        time: epoch(2000 + +m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]),
        record,
      }
    }),
  'zookeeper.ndjson': () =>
    lines('Zookeeper_2k.log').map((l) => {
      const m = /^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+),(\d+) - (\w+) +\[([^\]]*)\] - (.*)$/.exec(l)
      if (!m) return { tag: 'zookeeper', record: { message: l } }
      return {
        tag: 'zookeeper',
        time: epoch(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]),
        record: { level: m[8], thread: m[9], message: m[10] },
      }
    }),
}

// Records with 64-bit ids must stay exact: write bigints as bare JSON integers.
const stringify = JSON.stringify
JSON.stringify = (v) => stringify(v, (_k, x) => (typeof x === 'bigint' ? `__big${x}__` : x)).replace(/"__big(-?\d+)__"/g, '$1')
for (const [name, make] of Object.entries(sets)) write(name, make())

// A synthetic structured set: web/api/db services, levels, nested kubernetes metadata, 64-bit ids.
const services = ['web', 'api', 'db', 'audit']
const levels = ['info', 'info', 'info', 'warn', 'error', 'debug']
const app = []
let seed = 42
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return Math.floor((seed / 2 ** 31) * n)
}
for (let i = 0; i < 200; i++) {
  const service = services[rand(services.length)]
  const level = levels[rand(levels.length)]
  app.push({
    tag: `app.${service}`,
    time: 1_735_689_600 + i * 7,
    record: {
      level,
      message: `${service} ${level === 'error' ? 'request failed' : level === 'warn' ? 'slow request' : 'request served'}`,
      status: level === 'error' ? 500 : 200,
      duration_ms: 5 + rand(900),
      trace_id: BigInt('9223372036854775807') - BigInt(rand(1_000_000)) * 1_000_003n,
      kubernetes: { namespace: service === 'db' ? 'data' : 'prod', pod: `${service}-${rand(5)}`, node: `node-${rand(3)}` },
      ...(service === 'web' ? { path: ['/', '/login', '/cart', '/api/items'][rand(4)], user_agent: 'Mozilla/5.0' } : {}),
    },
  })
}
write('app.ndjson', app)
writeFileSync(join(out, 'LICENSE'), readFileSync(join(loghub, 'LICENSE')))
console.log(`wrote ${Object.keys(sets).length + 1} sample sets to ${out}`)
