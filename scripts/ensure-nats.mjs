#!/usr/bin/env node
// Makes sure Debian's nats-server (JetStream built in) is installed for the NATS tests and bench:nats, installing it with apt when absent.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']

const found = () => CANDIDATES.find((path) => existsSync(path))

if (found() !== undefined) process.exit(0)

const started = Date.now()
console.log("ensure-nats: nats-server is missing, installing Debian's nats-server with apt-get")

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }

function run(args) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env })
  if (r.error) return `could not start apt-get: ${r.error.message}`
  if (r.status !== 0) return `apt-get ${args.join(' ')} exited with ${r.status ?? r.signal}`
  return null
}

const failure =
  process.getuid && process.getuid() !== 0
    ? 'not running as root (apt-get needs root; sudo is not used)'
    : (run(['update', '-q']) ?? run(['install', '-y', '-q', '--no-install-recommends', 'nats-server']))

if (failure !== null || found() === undefined) {
  console.error(`ensure-nats: FAILED to install nats-server: ${failure ?? 'nats-server still absent after install'}`)
  console.error(
    'ensure-nats: the NATS tests (node-server/plugins/*_nats, test/nats) need it; install it with `apt-get install -y nats-server`',
  )
  process.exit(1)
}

console.log(`ensure-nats: installed ${found()} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
