/**
 * @module Counting at the receiver: the receiving sluice writes every event with out_file
 * (`time<TAB>tag<TAB>json` lines); each bench event carries a unique `seq`. Reading the files back
 * gives, per sequence number, how often it was delivered; with the bench's acknowledged ranges that
 * makes the scenario's figures: sent, acked, delivered (unique), duplicated (extra copies), lost
 * acked (acknowledged to the client, never delivered: must be 0) and lost unacked (never
 * acknowledged, never delivered: allowed — the client was told nothing).
 */

import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface Delivered {
  first: number
  /** copies[i] = deliveries of seq first + i (capped at 255). */
  copies: Uint8Array
  /** Lines with a seq outside [first, next). */
  foreign: number
  lines: number
}

export interface Tally {
  sent: number
  acked: number
  delivered: number
  duplicated: number
  lostAcked: number
  lostUnacked: number
  /** A few acknowledged numbers that were never delivered (for the failure message). */
  lostSamples: number[]
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name)
    const info = await stat(path)
    if (info.isDirectory()) out.push(...(await files(path)))
    else if (info.isFile()) out.push(path)
  }
  return out
}

/** Scans every file under `dir` for `"seq":N`. */
export async function readDelivered(dir: string, first: number, next: number): Promise<Delivered> {
  const copies = new Uint8Array(Math.max(0, next - first))
  let foreign = 0
  let lines = 0
  const seqRe = /"seq":(\d+)/
  for (const file of await files(dir)) {
    let carry = ''
    const visit = (line: string) => {
      const m = seqRe.exec(line)
      if (m === null) return
      lines++
      const i = Number(m[1]) - first
      if (i < 0 || i >= copies.length) foreign++
      else if (copies[i] < 255) copies[i]++
    }
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = carry + (chunk as string)
      const parts = text.split('\n')
      carry = parts.pop()!
      for (const line of parts) visit(line)
    }
    if (carry !== '') visit(carry)
  }
  return { first, copies, foreign, lines }
}

/** The figures for one run. */
export function tally(delivered: Delivered, acked: readonly (readonly [number, number])[]): Tally {
  const { first, copies } = delivered
  let unique = 0
  let extra = 0
  for (const c of copies) {
    if (c > 0) {
      unique++
      extra += c - 1
    }
  }
  let ackedCount = 0
  let lostAcked = 0
  const lostSamples: number[] = []
  const isAcked = new Uint8Array(copies.length)
  for (const [a, b] of acked) {
    for (let s = a; s < b; s++) {
      const i = s - first
      if (i < 0 || i >= copies.length) continue
      isAcked[i] = 1
      ackedCount++
      if (copies[i] === 0) {
        lostAcked++
        if (lostSamples.length < 10) lostSamples.push(s)
      }
    }
  }
  let lostUnacked = 0
  for (let i = 0; i < copies.length; i++) if (!isAcked[i] && copies[i] === 0) lostUnacked++
  return { sent: copies.length, acked: ackedCount, delivered: unique, duplicated: extra, lostAcked, lostUnacked, lostSamples }
}

/** Polls the receiver's files until every acknowledged number arrived (or `timeoutMs` passes without progress). */
export async function waitForDelivery(
  dir: string,
  first: number,
  next: number,
  acked: readonly (readonly [number, number])[],
  timeoutMs: number,
): Promise<Tally> {
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    const t = tally(await readDelivered(dir, first, next), acked)
    if (t.lostAcked === 0) return t
    if (t.delivered !== last) {
      last = t.delivered
      lastChange = Date.now()
    }
    if (Date.now() - lastChange > timeoutMs) return t
    await new Promise((r) => setTimeout(r, 500))
  }
}
