/**
 * @module A log-writing process for in_tail's tests: appends `<prefix> <seq>` lines (seq from 0,
 * zero-padded, plus `pad` filler bytes) to a file in bursts, and rotates it every `rotateEvery`
 * lines the way logrotate does:
 * - `rename`: the file is renamed to `<path>.<n>`, the application writes `lateLines` more lines to
 *   its old descriptor (it has not reopened yet), then creates the file again and goes on there;
 * - `copytruncate`: the file is copied to `<path>.<n>`, then truncated; the application keeps its
 *   descriptor (O_APPEND) and goes on writing.
 * With `gate` (a path prefix), rotation n ≥ 2 waits until `<gate>.<n-1>` exists — the test
 * creates it once the tailer follows the file of rotation n-1 — and the application keeps writing
 * meanwhile (near the end it waits, so every rotation happens): a file renamed away before anyone
 * saw it can be read by no tailer that follows names.
 * Prints `done <lines>` when finished. Usage: node testing-writer.mjs '<json options>'.
 */

import { closeSync, copyFileSync, existsSync, ftruncateSync, openSync, renameSync, writeSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const o = JSON.parse(process.argv[2])
const { path, lines, rotateEvery = 0, mode = 'none', lateLines = 5, burst = 50, pauseMs = 1, prefix = 'seq', pad = 0, gate = null } = o
const filler = pad > 0 ? ` ${'x'.repeat(pad)}` : ''
let fd = openSync(path, 'a')
let rotations = 0

const line = (i) => `${prefix} ${String(i).padStart(8, '0')}${filler}\n`

for (let i = 0; i < lines; ) {
  let text = ''
  const end = Math.min(lines, i + burst)
  for (; i < end; i++) {
    text += line(i)
    const due = rotateEvery > 0 && i + 1 >= (rotations + 1) * rotateEvery && i + 1 < lines
    if (due && gate !== null && rotations > 0 && lines - (i + 1) <= burst) {
      // Near the end a rotation still due waits for its gate (nothing written meanwhile), so that
      // every rotation happens however slowly the tailer goes.
      writeSync(fd, text)
      text = ''
      while (!existsSync(`${gate}.${rotations}`)) await sleep(pauseMs)
    }
    if (due && (gate === null || rotations === 0 || existsSync(`${gate}.${rotations}`))) {
      writeSync(fd, text)
      text = ''
      rotations++
      const rotated = `${path}.${rotations}`
      if (mode === 'rename') {
        renameSync(path, rotated)
        // Lines the application writes before it reopens its log file.
        let late = ''
        for (let k = 0; k < lateLines && i + 1 < lines; k++) late += line(++i)
        writeSync(fd, late)
        closeSync(fd)
        fd = openSync(path, 'a')
      } else if (mode === 'copytruncate') {
        copyFileSync(path, rotated)
        ftruncateSync(fd, 0)
      }
    }
  }
  if (text !== '') writeSync(fd, text)
  await sleep(pauseMs)
}
closeSync(fd)
process.stdout.write(`done ${lines} rotations ${rotations}\n`)
