// Makes sure Debian's Chromium is at /usr/bin/chromium for the browser test, installing it with apt when absent.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const CHROMIUM = '/usr/bin/chromium'

if (existsSync(CHROMIUM)) process.exit(0)

const started = Date.now()
console.log(`ensure-chromium: ${CHROMIUM} is missing, installing Debian's chromium with apt-get`)

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
    : (run(['update', '-q']) ?? run(['install', '-y', '-q', 'chromium']))

if (failure !== null || !existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: FAILED to install chromium: ${failure ?? `${CHROMIUM} still absent after install`}`)
  console.error('ensure-chromium: the browser test (test/browser/) needs it; install it with `apt-get install -y chromium`')
  process.exit(1)
}

console.log(`ensure-chromium: installed ${CHROMIUM} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
