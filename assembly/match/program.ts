/**
 * @module The tag-pattern machine: a compiled glob (see wasm/match-compiler.ts) is a small
 * program of i32 words that this Pike-style NFA simulation runs over the tag's bytes, so no code is
 * generated at run time (Workers forbid it) and no input can make it backtrack exponentially.
 *
 * Ops: MATCH; CHAR c; NODOT (one byte, not '.'); ANY (one byte, not '\n'); SPLIT x y; JMP x;
 * ASSERT_START (at position 0); ASSERT_DOT_OR_END (at the end or before a '.'). MATCH accepts at
 * the end of the tag or before a final '\n' (Ruby's `\Z`).
 */

export const OP_MATCH: i32 = 0
export const OP_CHAR: i32 = 1
export const OP_NODOT: i32 = 2
export const OP_ANY: i32 = 3
export const OP_SPLIT: i32 = 4
export const OP_JMP: i32 = 5
export const OP_ASSERT_START: i32 = 6
export const OP_ASSERT_DOT_OR_END: i32 = 7

/** Scratch for the simulation: two thread lists, a mark array and a stack, each `cap` words. */
let scratchCap: u32 = 0
let listA: usize = 0
let listB: usize = 0
let marks: usize = 0
let stack: usize = 0
let generation: u32 = 0

import { alloc, free } from '../util/alloc'

/** Makes room for programs of up to `words` words. */
export function reserveProgramScratch(words: u32): bool {
  if (words <= scratchCap) return true
  const cap = words < 64 ? 64 : words
  const a = alloc(<usize>cap * 4), b = alloc(<usize>cap * 4), m = alloc(<usize>cap * 4), s = alloc((<usize>cap * 2 + 2) * 4)
  if (a == 0 || b == 0 || m == 0 || s == 0) { free(a); free(b); free(m); free(s); return false }
  free(listA); free(listB); free(marks); free(stack)
  listA = a; listB = b; marks = m; stack = s
  memory.fill(marks, 0, <usize>cap * 4)
  generation = 0
  scratchCap = cap
  return true
}

// Thread list being built.
let list: usize = 0
let listLen: u32 = 0
let matched: bool = false

@inline function op(prog: usize, pc: u32): i32 { return load<i32>(prog + (<usize>pc << 2)) }

function nextGeneration(): void {
  generation++
  if (generation == 0) {
    memory.fill(marks, 0, <usize>scratchCap * 4)
    generation = 1
  }
}

/** Adds `pc` and everything reachable from it without consuming a byte, at position `pos`. */
function addThread(prog: usize, start: u32, tag: usize, tagLen: usize, pos: usize): void {
  let sp: usize = 0
  store<u32>(stack, start)
  sp = 1
  while (sp > 0) {
    sp--
    const pc = load<u32>(stack + (sp << 2))
    const mark = marks + (<usize>pc << 2)
    if (load<u32>(mark) == generation) continue
    store<u32>(mark, generation)
    const o = op(prog, pc)
    if (o == OP_JMP) {
      store<u32>(stack + (sp << 2), <u32>op(prog, pc + 1)); sp++
    } else if (o == OP_SPLIT) {
      // Push y first so x is explored first (order does not change the boolean result).
      store<u32>(stack + (sp << 2), <u32>op(prog, pc + 2)); sp++
      store<u32>(stack + (sp << 2), <u32>op(prog, pc + 1)); sp++
    } else if (o == OP_ASSERT_START) {
      if (pos == 0) { store<u32>(stack + (sp << 2), pc + 1); sp++ }
    } else if (o == OP_ASSERT_DOT_OR_END) {
      if (pos == tagLen || load<u8>(tag + pos) == 0x2e) { store<u32>(stack + (sp << 2), pc + 1); sp++ }
    } else if (o == OP_MATCH) {
      if (pos == tagLen || (pos + 1 == tagLen && load<u8>(tag + pos) == 0x0a)) matched = true
    } else {
      store<u32>(list + (<usize>listLen << 2), pc)
      listLen++
    }
  }
}

/** Runs the program (`words` long, at `prog`) over the tag. True when it matches the whole tag. */
export function runProgram(prog: usize, words: u32, tag: usize, tagLen: usize): bool {
  if (words > scratchCap) return false
  matched = false
  let current = listA
  let next = listB
  nextGeneration()
  list = current
  listLen = 0
  addThread(prog, 0, tag, tagLen, 0)
  let count = listLen
  for (let pos: usize = 0; pos < tagLen && count > 0 && !matched; pos++) {
    const c = load<u8>(tag + pos)
    nextGeneration()
    list = next
    listLen = 0
    for (let i: u32 = 0; i < count; i++) {
      const pc = load<u32>(current + (<usize>i << 2))
      const o = op(prog, pc)
      if (o == OP_CHAR) {
        if (<i32>c == op(prog, pc + 1)) addThread(prog, pc + 2, tag, tagLen, pos + 1)
      } else if (o == OP_NODOT) {
        if (c != 0x2e) addThread(prog, pc + 1, tag, tagLen, pos + 1)
      } else if (o == OP_ANY) {
        if (c != 0x0a) addThread(prog, pc + 1, tag, tagLen, pos + 1)
      }
    }
    count = listLen
    const t = current
    current = next
    next = t
  }
  return matched
}
