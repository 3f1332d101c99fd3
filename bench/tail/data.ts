/**
 * @module The inputs of `npm run bench:tail`, generated into a scratch directory: JSON lines of
 * about 150 bytes (an access-log shaped object, deterministic pseudo-random values), Apache error
 * log lines made by repeating loghub's Apache_2k.log (its LICENSE is copied beside the file, as
 * the dataset asks), and a large file for the RSS check.
 */

import { closeSync, copyFileSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const LOGHUB = new URL('../../../shared/data/loghub/', import.meta.url).pathname

/** A small deterministic generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x
  }
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']
const PATHS = ['/api/v1/items', '/api/v1/users', '/healthz', '/static/app.js', '/api/v2/orders', '/login']
const LEVELS = ['info', 'info', 'info', 'warn', 'error', 'debug']

/** One JSON line (about 150 bytes, no newline). */
export function jsonLine(next: () => number, i: number): string {
  const r = next()
  return JSON.stringify({
    ts: 1764720000 + (i >> 10),
    level: LEVELS[r % LEVELS.length],
    host: `web-${(r >>> 8) % 64}`,
    method: METHODS[(r >>> 4) % METHODS.length],
    path: `${PATHS[(r >>> 12) % PATHS.length]}/${r % 100000}`,
    status: [200, 200, 200, 201, 304, 404, 500][(r >>> 16) % 7],
    bytes: r % 65536,
    latency_ms: ((r >>> 3) % 100000) / 100,
    msg: 'request served',
  })
}

/** Writes `lines` JSON lines to `path`; returns the file's size. */
export function writeJsonFile(path: string, lines: number): number {
  const next = random(42)
  const fd = openSync(path, 'w')
  let size = 0
  let batch: string[] = []
  for (let i = 0; i < lines; i++) {
    batch.push(jsonLine(next, i))
    if (batch.length === 10_000 || i === lines - 1) {
      const text = `${batch.join('\n')}\n`
      size += writeSync(fd, text)
      batch = []
    }
  }
  closeSync(fd)
  return size
}

/** Writes `lines` lines of loghub's Apache_2k.log, repeated, to `path` (with the dataset's LICENSE beside it). */
export function writeApacheFile(path: string, lines: number): number {
  const source = readFileSync(join(LOGHUB, 'Apache_2k.log'), 'utf8').split('\n').filter(Boolean)
  copyFileSync(join(LOGHUB, 'LICENSE'), join(path, '..', 'LICENSE.loghub'))
  const fd = openSync(path, 'w')
  let size = 0
  const block = `${source.join('\n')}\n`
  let written = 0
  while (written + source.length <= lines) {
    size += writeSync(fd, block)
    written += source.length
  }
  if (written < lines) size += writeSync(fd, `${source.slice(0, lines - written).join('\n')}\n`)
  closeSync(fd)
  return size
}

/** Writes JSON lines until the file holds at least `bytes`; returns the line count. */
export function writeBigFile(path: string, bytes: number): number {
  const next = random(7)
  const fd = openSync(path, 'w')
  let size = 0
  let lines = 0
  while (size < bytes) {
    const batch: string[] = []
    for (let k = 0; k < 20_000; k++) batch.push(jsonLine(next, lines++))
    size += writeSync(fd, `${batch.join('\n')}\n`)
  }
  closeSync(fd)
  return lines
}
