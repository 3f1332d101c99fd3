#!/usr/bin/env node
/**
 * Makes a bearer token for the edge (`npm run -s edge:token -- …`): prints the SLUICE_TOKENS JSON
 * on stdout — `[{"name", "sha256", "tags", "rate"?, "burst"?}]`, where sha256 is the hex SHA-256
 * of the token's text, the only form the edge stores (edge/src/auth/tokens.ts) — and the token
 * itself once on stderr, with the commands that install it. The token is 32 random bytes as
 * base64url unless --token gives one.
 *
 *   npm run -s edge:token -- --name web --tags 'app.** web.*' > tokens.json
 *   npx wrangler secret put SLUICE_TOKENS -c edge/wrangler.jsonc < tokens.json
 *   npm run -s edge:token -- --name ci --tags 'ci.**' --add tokens.json > tokens.new.json   # a list of two
 *   npm run -s edge:token -- --name web --tags 'app.**' --kv    # the KV key and value instead
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const usage = `Usage: npm run -s edge:token -- --name NAME --tags 'PATTERN …' [--rate N] [--burst N] [--token TEXT] [--add FILE] [--kv]`

function fail(message) {
  process.stderr.write(`edge:token: ${message}\n${usage}\n`)
  process.exit(2)
}

let values
try {
  ;({ values } = parseArgs({
    options: {
      name: { type: 'string' },
      tags: { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      token: { type: 'string' },
      add: { type: 'string' },
      kv: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }))
} catch (error) {
  fail(error.message)
}
if (values.help) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}
if (!values.name) fail('--name is required (it names the token in logs and answers)')
if (!values.tags || values.tags.trim() === '') fail(`--tags is required: Fluentd match patterns such as 'app.**' ('**' allows every tag)`)

const positive = (key) => {
  if (values[key] === undefined) return undefined
  const n = Number(values[key])
  if (!(n > 0)) fail(`--${key} must be a positive number, got ${JSON.stringify(values[key])}`)
  return n
}

const token = values.token ?? randomBytes(32).toString('base64url')
if (/\s/.test(token) || token === '') fail('--token must be one word (it travels as "Authorization: Bearer <token>")')
const sha256 = createHash('sha256').update(token, 'utf8').digest('hex')
const entry = { name: values.name, tags: values.tags.trim() }
const rate = positive('rate')
const burst = positive('burst')
if (rate !== undefined) entry.rate = rate
if (burst !== undefined) entry.burst = burst

if (values.kv) {
  // KV holds one key per token: token:<sha256> → {name, tags, rate?, burst?}.
  process.stdout.write(`token:${sha256}\n${JSON.stringify(entry)}\n`)
  process.stderr.write(
    `token ${values.name} (shown once; only its SHA-256 is stored): ${token}\n` +
      `install it: npx wrangler kv key put --binding SLUICE_KV -c edge/wrangler.jsonc --remote 'token:${sha256}' '${JSON.stringify(entry)}'\n`,
  )
  process.exit(0)
}

let list = []
if (values.add !== undefined) {
  try {
    list = JSON.parse(readFileSync(values.add, 'utf8'))
  } catch (error) {
    fail(`cannot read the token list ${values.add}: ${error.message}`)
  }
  if (!Array.isArray(list)) fail(`${values.add} is not a JSON array of tokens`)
  if (list.some((t) => t?.name === values.name)) fail(`${values.add} already has a token named ${values.name}`)
}
process.stdout.write(`${JSON.stringify([...list, { name: entry.name, sha256, ...entry }])}\n`)
process.stderr.write(
  `token ${values.name} (shown once; only its SHA-256 is stored): ${token}\n` +
    'install the list: npx wrangler secret put SLUICE_TOKENS -c edge/wrangler.jsonc < FILE  (FILE: where stdout went)\n' +
    `send with it: curl -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' -d '{"msg":"hello"}' https://<your worker>/<tag>\n`,
)
