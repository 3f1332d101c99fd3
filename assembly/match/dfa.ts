/**
 * @module The route table's lazily built DFA: subset construction on demand over the NFA threads
 * of ALL the table's glob alternatives at once (assembly/match/program.ts gives the ops), so a
 * lookup that misses the tag cache walks the tag once, one table load per byte, and the state it
 * ends in says which rules match. States are interned as they are first reached; a transition is
 * computed the first time its (state, byte class) pair is seen.
 *
 * - Code: every glob program of the table, copied into one array with absolute jump targets;
 *   MATCH carries its rule index in the op word's upper bits (`OP_MATCH | rule << 8`).
 * - A state is the sorted set of pending threads after the ε-closure: pcs of consuming ops (CHAR,
 *   NODOT, ANY), of ASSERT_DOT_OR_END and MATCH (both look one byte ahead, so they wait for the
 *   next byte or the end), and pseudo-threads `codeLen + rule` ("rule matches if the tag ends
 *   here": a MATCH that saw a `\n`, Ruby's `\Z`). ASSERT_START is decided during the closure:
 *   true only at position 0, which is the start state (kept out of the intern index, so a later
 *   state with the same threads is a different state).
 * - Bytes are mapped to classes (each byte a CHAR op names, `.`, `\n`, everything else) so a
 *   state's row is `classes` words, not 256.
 * - Bounded: at most `limit` states (default DFA_DEFAULT_STATES, and never more than the
 *   1 MiB transition budget allows) and a thread-list arena of at most ARENA_BUDGET_WORDS. At
 *   either bound the DFA is RESET (emptied and refilled from the start state as tags need it; the
 *   lookup in progress goes on from the state it was making). Route ids are the table's, so they
 *   stay valid across resets. When memory cannot grow, the lookup returns 0 and the caller uses
 *   the NFA instead.
 */

import { DFA_DEFAULT_STATES } from '../abi'
import { alloc, capacityOf, free, grow } from '../util/alloc'
import { equalBytes, hashBytes } from '../util/bytes'
import { OP_ANY, OP_ASSERT_DOT_OR_END, OP_ASSERT_START, OP_CHAR, OP_JMP, OP_MATCH, OP_NODOT, OP_SPLIT } from './program'

/** The smallest limit that always makes progress (start, the state being made, one spare). */
export const DFA_MIN_STATES: u32 = 4
/**
 * The transition rows fit one 1 MiB block (the allocator's blocks are powers of two with an 8-byte
 * header): the state limit shrinks for tables with many byte classes.
 */
const TRANS_BUDGET_BYTES: u32 = (1 << 20) - 8
/** The thread-list arena fits one 1 MiB block, unless one state alone needs more. */
const ARENA_BUDGET_WORDS: u32 = (1 << 18) - 2
const ARENA_INITIAL_WORDS: u32 = (1 << 10) - 2
const INITIAL_STATES: u32 = 16

const LOOK_UNKNOWN: i32 = -1
const LOOK_END: i32 = 256

/** A state's cached end result: bits not computed yet. */
export const END_UNKNOWN: i32 = i32.MIN_VALUE
/** Bits computed, no route cached (the caller caches routes it can reuse). */
export const END_BITS_ONLY: i32 = i32.MIN_VALUE + 1

// DFA descriptor fields (u32 each).
const D_CODE = 0
const D_CODE_LEN = 4
const D_ENTRIES = 8
const D_ENTRY_COUNT = 12
const D_RULE_WORDS = 16
const D_ALWAYS = 20 // bitset of rules with an `**` alternative
const D_CLASSES = 24
const D_CLASS_MAP = 28 // 256 bytes
const D_LIMIT = 32 // max state id (0: the DFA is off)
const D_STATES = 36 // records, STATE_WORDS each, indexed by id (id 0 unused)
const D_STATE_COUNT = 40 // ids in use are 1..count; 1 is the start state
const D_STATE_CAP = 44 // ids 0..cap-1 have room
const D_TRANS = 48 // rows of `classes` u32: the target's row offset in bytes, 0 = not computed
const D_ARENA = 52
const D_ARENA_USED = 56
const D_ARENA_CAP = 60
const D_INDEX = 64 // open addressing over state ids (0 empty), capacity INDEX_MASK + 1
const D_INDEX_MASK = 68
const D_RESETS = 72
const D_DEAD_ROW = 76 // row offset of the state with no threads (0xffffffff until made)
const D_ROW_BYTES = 80
const D_SIZE = 96

// State record (u32 each): thread list offset in the arena (words), its length, its hash, the end result.
const STATE_WORDS: u32 = 4
const S_LIST = 0
const S_LEN = 4
const S_HASH = 8
const S_END = 12

@inline function get(d: usize, f: usize): u32 { return load<u32>(d + f) }
@inline function set(d: usize, f: usize, v: u32): void { store<u32>(d + f, v) }

// ---- Scratch shared by every table (sized for the largest code + rule count) -------------------

let scratchCap: u32 = 0
let marks: usize = 0
let stack: usize = 0
let work: usize = 0 // phase 1: consuming threads at the current position
let next: usize = 0 // phase 2: the next state's threads
let nl: usize = 0 // rules whose MATCH saw a `\n`
let generation: u32 = 0

function reserveScratch(n: u32): bool {
  if (n <= scratchCap) return true
  const cap = n < 64 ? 64 : n
  const m = alloc(<usize>cap * 4), s = alloc((<usize>cap * 2 + 2) * 4), w = alloc(<usize>cap * 4), x = alloc(<usize>cap * 4), l = alloc(<usize>cap * 4)
  if (m == 0 || s == 0 || w == 0 || x == 0 || l == 0) { free(m); free(s); free(w); free(x); free(l); return false }
  free(marks); free(stack); free(work); free(next); free(nl)
  marks = m; stack = s; work = w; next = x; nl = l
  memory.fill(marks, 0, <usize>cap * 4)
  generation = 0
  scratchCap = cap
  return true
}

function nextGeneration(): void {
  generation++
  if (generation == 0) {
    memory.fill(marks, 0, <usize>scratchCap * 4)
    generation = 1
  }
}

// ---- Building the descriptor at load time ------------------------------------------------------

/**
 * Makes a DFA descriptor for `rules` rules whose glob programs total `codeWords` words and
 * `entryCount` alternatives. The caller then adds each program with dfaAddProgram and each `**`
 * rule with dfaAddAlways, and calls dfaFinish. Returns 0 when out of memory.
 */
export function dfaCreate(rules: u32, codeWords: u32, entryCount: u32): usize {
  const ruleWords = (rules + 31) >> 5
  const d = alloc(D_SIZE)
  const code = alloc(<usize>(codeWords == 0 ? 1 : codeWords) * 4)
  const entries = alloc(<usize>(entryCount == 0 ? 1 : entryCount) * 4)
  const always = alloc(<usize>(ruleWords == 0 ? 1 : ruleWords) * 4)
  const map = alloc(256)
  if (d == 0 || code == 0 || entries == 0 || always == 0 || map == 0 || !reserveScratch(codeWords + rules)) {
    free(d); free(code); free(entries); free(always); free(map)
    return 0
  }
  memory.fill(d, 0, D_SIZE)
  memory.fill(always, 0, <usize>(ruleWords == 0 ? 1 : ruleWords) * 4)
  set(d, D_CODE, <u32>code)
  set(d, D_ENTRIES, <u32>entries)
  set(d, D_RULE_WORDS, ruleWords)
  set(d, D_ALWAYS, <u32>always)
  set(d, D_CLASS_MAP, <u32>map)
  set(d, D_LIMIT, <u32>DFA_DEFAULT_STATES)
  set(d, D_DEAD_ROW, 0xffff_ffff)
  return d
}

/** Appends rule `rule`'s glob program (`n` words at `prog`, validated), relocated. */
export function dfaAddProgram(d: usize, rule: u32, prog: usize, n: u32): void {
  const code = <usize>get(d, D_CODE)
  const base = get(d, D_CODE_LEN)
  store<u32>(<usize>get(d, D_ENTRIES) + (<usize>get(d, D_ENTRY_COUNT) << 2), base)
  set(d, D_ENTRY_COUNT, get(d, D_ENTRY_COUNT) + 1)
  let pc: u32 = 0
  while (pc < n) {
    const o = load<i32>(prog + (<usize>pc << 2))
    const at = code + (<usize>(base + pc) << 2)
    if (o == OP_MATCH) {
      store<u32>(at, <u32>OP_MATCH | (rule << 8))
      pc += 1
    } else if (o == OP_CHAR) {
      store<u32>(at, <u32>o)
      store<u32>(at + 4, load<u32>(prog + (<usize>(pc + 1) << 2)))
      pc += 2
    } else if (o == OP_JMP) {
      store<u32>(at, <u32>o)
      store<u32>(at + 4, base + load<u32>(prog + (<usize>(pc + 1) << 2)))
      pc += 2
    } else if (o == OP_SPLIT) {
      store<u32>(at, <u32>o)
      store<u32>(at + 4, base + load<u32>(prog + (<usize>(pc + 1) << 2)))
      store<u32>(at + 8, base + load<u32>(prog + (<usize>(pc + 2) << 2)))
      pc += 3
    } else {
      store<u32>(at, <u32>o)
      pc += 1
    }
  }
  set(d, D_CODE_LEN, base + n)
}

/** Rule `rule` has an alternative that matches every tag. */
export function dfaAddAlways(d: usize, rule: u32): void {
  const w = <usize>get(d, D_ALWAYS) + (<usize>(rule >> 5) << 2)
  store<u32>(w, load<u32>(w) | (<u32>1 << (rule & 31)))
}

/** Computes the byte classes once the code is complete. */
export function dfaFinish(d: usize): void {
  const map = <usize>get(d, D_CLASS_MAP)
  const code = <usize>get(d, D_CODE)
  const n = get(d, D_CODE_LEN)
  memory.fill(map, 0, 256)
  // Mark the bytes some op tells apart, then number them; every other byte is class 0.
  store<u8>(map + 0x2e, 1)
  store<u8>(map + 0x0a, 1)
  let pc: u32 = 0
  while (pc < n) {
    const o = load<u32>(code + (<usize>pc << 2)) & 0xff
    if (o == <u32>OP_CHAR) {
      const c = load<u32>(code + (<usize>(pc + 1) << 2))
      if (c < 256) store<u8>(map + c, 1)
      pc += 2
    } else if (o == <u32>OP_JMP) pc += 2
    else if (o == <u32>OP_SPLIT) pc += 3
    else pc += 1
  }
  let special: u32 = 0
  for (let b: u32 = 0; b < 256; b++) special += <u32>load<u8>(map + b)
  // Class 0 is "any other byte", unless every byte is named (then numbering starts at 0).
  let classes: u32 = special == 256 ? 0 : 1
  for (let b: u32 = 0; b < 256; b++) {
    if (load<u8>(map + b) != 0) {
      store<u8>(map + b, <u8>classes)
      classes++
    }
  }
  set(d, D_CLASSES, classes)
  set(d, D_ROW_BYTES, classes * 4)
  setLimit(d, <u32>DFA_DEFAULT_STATES)
}

export function dfaFree(d: usize): void {
  if (d == 0) return
  free(<usize>get(d, D_CODE))
  free(<usize>get(d, D_ENTRIES))
  free(<usize>get(d, D_ALWAYS))
  free(<usize>get(d, D_CLASS_MAP))
  releaseStates(d)
  free(d)
}

function releaseStates(d: usize): void {
  free(<usize>get(d, D_STATES))
  free(<usize>get(d, D_TRANS))
  free(<usize>get(d, D_ARENA))
  free(<usize>get(d, D_INDEX))
  set(d, D_STATES, 0)
  set(d, D_TRANS, 0)
  set(d, D_ARENA, 0)
  set(d, D_INDEX, 0)
  set(d, D_STATE_COUNT, 0)
  set(d, D_STATE_CAP, 0)
  set(d, D_ARENA_USED, 0)
  set(d, D_ARENA_CAP, 0)
  set(d, D_INDEX_MASK, 0)
  set(d, D_DEAD_ROW, 0xffff_ffff)
}

/** Sets the state limit (0 turns the DFA off) and empties the DFA. Returns the limit in force. */
export function setLimit(d: usize, states: u32): u32 {
  releaseStates(d)
  let limit = states
  if (limit != 0) {
    if (limit < DFA_MIN_STATES) limit = DFA_MIN_STATES
    // Rows for ids 0..limit (row 0 is never used) within the budget.
    const byBudget = TRANS_BUDGET_BYTES / get(d, D_ROW_BYTES) - 1
    if (limit > byBudget) limit = byBudget < DFA_MIN_STATES ? DFA_MIN_STATES : byBudget
  }
  set(d, D_LIMIT, limit)
  set(d, D_RESETS, 0)
  return limit
}

export function dfaEnabled(d: usize): bool { return d != 0 && get(d, D_LIMIT) != 0 }

/** Statistics: 0 states, 1 resets, 2 byte classes, 3 limit, 4 bytes of the blocks holding the states. */
export function dfaStat(d: usize, which: i32): i32 {
  if (d == 0) return 0
  if (which == 0) return <i32>get(d, D_STATE_COUNT)
  if (which == 1) return <i32>get(d, D_RESETS)
  if (which == 2) return <i32>get(d, D_CLASSES)
  if (which == 3) return <i32>get(d, D_LIMIT)
  if (which == 4) return <i32>(blockBytes(get(d, D_STATES)) + blockBytes(get(d, D_TRANS)) + blockBytes(get(d, D_ARENA)) + blockBytes(get(d, D_INDEX)))
  return -1
}

@inline function blockBytes(p: u32): usize { return p == 0 ? 0 : capacityOf(<usize>p) + 8 }

// ---- The closure and the transitions ----------------------------------------------------------

// The descriptor being worked on and where the closure writes.
let code: usize = 0
let codeLen: u32 = 0
let out: usize = 0
let outLen: u32 = 0
let nlLen: u32 = 0
let bits: usize = 0

/**
 * Follows everything reachable from `seed` without consuming a byte, at a position where the next
 * byte is `look` (a byte, LOOK_END, or LOOK_UNKNOWN: threads that need to see it are kept pending).
 * Writes threads to `out`, `\n`-matches to `nl`, end matches to `bits`.
 */
function closure(seed: u32, atStart: bool, look: i32): void {
  store<u32>(stack, seed)
  let sp: usize = 1
  while (sp > 0) {
    sp--
    const pc = load<u32>(stack + (sp << 2))
    const mark = marks + (<usize>pc << 2)
    if (load<u32>(mark) == generation) continue
    store<u32>(mark, generation)
    const w = load<u32>(code + (<usize>pc << 2))
    const o = <i32>(w & 0xff)
    if (o == OP_JMP) {
      store<u32>(stack + (sp << 2), load<u32>(code + (<usize>(pc + 1) << 2))); sp++
    } else if (o == OP_SPLIT) {
      store<u32>(stack + (sp << 2), load<u32>(code + (<usize>(pc + 2) << 2))); sp++
      store<u32>(stack + (sp << 2), load<u32>(code + (<usize>(pc + 1) << 2))); sp++
    } else if (o == OP_ASSERT_START) {
      if (atStart) { store<u32>(stack + (sp << 2), pc + 1); sp++ }
    } else if (o == OP_ASSERT_DOT_OR_END) {
      if (look == LOOK_UNKNOWN) { store<u32>(out + (<usize>outLen << 2), pc); outLen++ }
      else if (look == 0x2e || look == LOOK_END) { store<u32>(stack + (sp << 2), pc + 1); sp++ }
    } else if (o == OP_MATCH) {
      const rule = w >> 8
      if (look == LOOK_UNKNOWN) { store<u32>(out + (<usize>outLen << 2), pc); outLen++ }
      else if (look == LOOK_END) setBit(rule)
      else if (look == 0x0a) addNl(rule)
    } else if (look != LOOK_END) {
      store<u32>(out + (<usize>outLen << 2), pc); outLen++
    }
  }
}

@inline function setBit(rule: u32): void {
  const w = bits + (<usize>(rule >> 5) << 2)
  store<u32>(w, load<u32>(w) | (<u32>1 << (rule & 31)))
}

function addNl(rule: u32): void {
  const mark = marks + (<usize>(codeLen + rule) << 2)
  if (load<u32>(mark) == generation) return
  store<u32>(mark, generation)
  store<u32>(nl + (<usize>nlLen << 2), codeLen + rule)
  nlLen++
}

/** Sorts `n` u32 at `p` ascending (Shell sort: short lists, no allocation). */
function sortList(p: usize, n: u32): void {
  let gap: u32 = 1
  while (gap < n / 3) gap = gap * 3 + 1
  while (gap > 0) {
    for (let i = gap; i < n; i++) {
      const v = load<u32>(p + (<usize>i << 2))
      let j = i
      while (j >= gap && load<u32>(p + (<usize>(j - gap) << 2)) > v) {
        store<u32>(p + (<usize>j << 2), load<u32>(p + (<usize>(j - gap) << 2)))
        j -= gap
      }
      store<u32>(p + (<usize>j << 2), v)
    }
    gap /= 3
  }
}

@inline function record(d: usize, id: u32): usize {
  return <usize>get(d, D_STATES) + (<usize>id * STATE_WORDS << 2)
}

@inline function listOf(d: usize, id: u32): usize {
  return <usize>get(d, D_ARENA) + (<usize>load<u32>(record(d, id) + S_LIST) << 2)
}

function use(d: usize): void {
  code = <usize>get(d, D_CODE)
  codeLen = get(d, D_CODE_LEN)
}

/** The threads of the start state into `next` (sorted); returns their count. */
function startThreads(d: usize): u32 {
  use(d)
  nextGeneration()
  out = next
  outLen = 0
  const entries = <usize>get(d, D_ENTRIES)
  const n = get(d, D_ENTRY_COUNT)
  for (let i: u32 = 0; i < n; i++) closure(load<u32>(entries + (<usize>i << 2)), true, LOOK_UNKNOWN)
  sortList(next, outLen)
  return outLen
}

/** The threads of the state after `id` reads byte `c`, into `next` (sorted); returns their count. */
function stepThreads(d: usize, id: u32, c: i32): u32 {
  use(d)
  const list = listOf(d, id)
  const len = load<u32>(record(d, id) + S_LEN)
  const atStart = id == 1
  // Phase 1: decide the pending look-ahead threads now that the next byte is known.
  nextGeneration()
  out = work
  outLen = 0
  nlLen = 0
  for (let i: u32 = 0; i < len; i++) {
    const pc = load<u32>(list + (<usize>i << 2))
    if (pc < codeLen) closure(pc, atStart, c)
  }
  // Phase 2: consume the byte.
  const count = outLen
  nextGeneration()
  out = next
  outLen = 0
  for (let i: u32 = 0; i < count; i++) {
    const pc = load<u32>(work + (<usize>i << 2))
    const o = <i32>(load<u32>(code + (<usize>pc << 2)) & 0xff)
    if (o == OP_CHAR) {
      if (c == load<i32>(code + (<usize>(pc + 1) << 2))) closure(pc + 2, false, LOOK_UNKNOWN)
    } else if (o == OP_NODOT) {
      if (c != 0x2e) closure(pc + 1, false, LOOK_UNKNOWN)
    } else if (o == OP_ANY) {
      if (c != 0x0a) closure(pc + 1, false, LOOK_UNKNOWN)
    }
  }
  for (let i: u32 = 0; i < nlLen; i++) {
    store<u32>(next + (<usize>outLen << 2), load<u32>(nl + (<usize>i << 2)))
    outLen++
  }
  sortList(next, outLen)
  return outLen
}

// ---- State storage ----------------------------------------------------------------------------

/** Room for ids up to `need` (inclusive) and `words` more arena words; false when memory is out. */
function ensureRoom(d: usize, need: u32, words: u32): bool {
  let cap = get(d, D_STATE_CAP)
  if (need >= cap) {
    let nextCap = cap == 0 ? INITIAL_STATES : cap * 2
    while (nextCap <= need) nextCap *= 2
    const limit = get(d, D_LIMIT) + 1
    if (nextCap > limit) nextCap = limit
    const count = <usize>get(d, D_STATE_COUNT)
    const rows = grow(<usize>get(d, D_TRANS), <usize>nextCap * get(d, D_ROW_BYTES), (count + 1) * get(d, D_ROW_BYTES))
    if (rows == 0) return false
    set(d, D_TRANS, <u32>rows)
    const recs = grow(<usize>get(d, D_STATES), <usize>nextCap * STATE_WORDS * 4, (count + 1) * STATE_WORDS * 4)
    if (recs == 0) return false
    set(d, D_STATES, <u32>recs)
    // Index: at least twice the capacity, rebuilt.
    let size: u32 = 16
    while (size < nextCap * 2) size <<= 1
    const index = alloc(<usize>size * 4)
    if (index == 0) return false
    free(<usize>get(d, D_INDEX))
    memory.fill(index, 0, <usize>size * 4)
    set(d, D_INDEX, <u32>index)
    set(d, D_INDEX_MASK, size - 1)
    for (let id: u32 = 2; id <= <u32>count; id++) indexInsert(d, id, load<u32>(record(d, id) + S_HASH))
    set(d, D_STATE_CAP, nextCap)
    cap = nextCap
  }
  const used = get(d, D_ARENA_USED)
  if (used + words > get(d, D_ARENA_CAP)) {
    // Sizes of 2^k - 2 words fill a 2^(k+2)-byte block exactly; never past the arena's limit.
    const cap = get(d, D_ARENA_CAP)
    let nextCap = cap == 0 ? ARENA_INITIAL_WORDS : cap * 2 + 2
    while (nextCap < used + words) nextCap = nextCap * 2 + 2
    const limit = arenaLimit(d)
    if (nextCap > limit) nextCap = limit
    const arena = grow(<usize>get(d, D_ARENA), <usize>nextCap * 4, <usize>used * 4)
    if (arena == 0) return false
    set(d, D_ARENA, <u32>arena)
    set(d, D_ARENA_CAP, nextCap)
  }
  return true
}

function indexInsert(d: usize, id: u32, h: u32): void {
  const index = <usize>get(d, D_INDEX)
  const mask = get(d, D_INDEX_MASK)
  let i = h & mask
  while (load<u32>(index + (<usize>i << 2)) != 0) i = (i + 1) & mask
  store<u32>(index + (<usize>i << 2), id)
}

/** The id of the non-start state with threads `next[0..n)`, or 0. */
function indexFind(d: usize, n: u32, h: u32): u32 {
  const index = <usize>get(d, D_INDEX)
  if (index == 0) return 0
  const mask = get(d, D_INDEX_MASK)
  let i = h & mask
  while (true) {
    const id = load<u32>(index + (<usize>i << 2))
    if (id == 0) return 0
    const r = record(d, id)
    if (load<u32>(r + S_HASH) == h && load<u32>(r + S_LEN) == n && equalBytes(listOf(d, id), next, <usize>n << 2)) return id
    i = (i + 1) & mask
  }
  return 0
}

/** Adds the state whose threads are `next[0..n)`; returns its id, or 0 when memory is out. */
function addState(d: usize, n: u32, h: u32, isStart: bool): u32 {
  const ruleWords = get(d, D_RULE_WORDS)
  const words = n + ruleWords
  const id = get(d, D_STATE_COUNT) + 1
  if (id > get(d, D_LIMIT) || get(d, D_ARENA_USED) + words > arenaLimit(d)) return 0xffff_ffff
  if (!ensureRoom(d, id, words)) return 0
  const used = get(d, D_ARENA_USED)
  memory.copy(<usize>get(d, D_ARENA) + (<usize>used << 2), next, <usize>n << 2)
  const r = record(d, id)
  store<u32>(r + S_LIST, used)
  store<u32>(r + S_LEN, n)
  store<u32>(r + S_HASH, h)
  store<i32>(r + S_END, END_UNKNOWN)
  set(d, D_ARENA_USED, used + words)
  set(d, D_STATE_COUNT, id)
  const rowBytes = get(d, D_ROW_BYTES)
  memory.fill(<usize>get(d, D_TRANS) + <usize>id * rowBytes, 0, rowBytes)
  if (!isStart) indexInsert(d, id, h)
  if (n == 0) set(d, D_DEAD_ROW, id * rowBytes)
  return id
}

function arenaLimit(d: usize): u32 {
  const oneState = get(d, D_CODE_LEN) + (get(d, D_RULE_WORDS) << 5) + get(d, D_RULE_WORDS)
  const floor = oneState * 4
  return floor > ARENA_BUDGET_WORDS ? floor : ARENA_BUDGET_WORDS
}

/** Empties the DFA (keeping its memory) and makes the start state again. Returns false when out of memory. */
function reset(d: usize): bool {
  set(d, D_RESETS, get(d, D_RESETS) + 1)
  set(d, D_STATE_COUNT, 0)
  set(d, D_ARENA_USED, 0)
  set(d, D_DEAD_ROW, 0xffff_ffff)
  const index = <usize>get(d, D_INDEX)
  if (index != 0) memory.fill(index, 0, (<usize>get(d, D_INDEX_MASK) + 1) * 4)
  return makeStart(d)
}

function makeStart(d: usize): bool {
  const n = startThreads(d)
  const id = addState(d, n, 0, true)
  return id == 1
}

/**
 * The state after `id` reads byte `c` (class `k`), made when new: the target's row offset, or 0
 * when memory is out. A full DFA is reset first; the new state is then made in the empty DFA.
 */
function transition(d: usize, id: u32, c: i32, k: u32): u32 {
  const n = stepThreads(d, id, c)
  const h = hashBytes(next, <usize>n << 2)
  let target = indexFind(d, n, h)
  if (target == 0) {
    target = addState(d, n, h, false)
    if (target == 0xffff_ffff) {
      // Full: start over. The threads are still in `next` (the start state is built in `next` too,
      // so keep a copy in `work`, which the reset does not touch).
      memory.copy(work, next, <usize>n << 2)
      if (!reset(d)) return 0
      memory.copy(next, work, <usize>n << 2)
      target = addState(d, n, h, false)
      if (target == 0xffff_ffff || target == 0) return 0
      // The source state is gone: no row to fill.
      return target * get(d, D_ROW_BYTES)
    }
    if (target == 0) return 0
  }
  const rowBytes = get(d, D_ROW_BYTES)
  store<u32>(<usize>get(d, D_TRANS) + <usize>id * rowBytes + (<usize>k << 2), target * rowBytes)
  return target * rowBytes
}

/**
 * Runs the tag through the DFA. Returns the final state's id (≥ 1), or 0 when memory ran out
 * (the caller then evaluates the rules with the NFA).
 */
export function dfaRun(d: usize, tag: usize, tagLen: usize): u32 {
  if (get(d, D_STATE_COUNT) == 0 && !makeStart(d)) return 0
  const map = <usize>get(d, D_CLASS_MAP)
  const rowBytes = get(d, D_ROW_BYTES)
  let trans = <usize>get(d, D_TRANS)
  let dead = get(d, D_DEAD_ROW)
  let row: u32 = rowBytes // the start state, id 1
  for (let i: usize = 0; i < tagLen && row != dead; i++) {
    const c = load<u8>(tag + i)
    const k = <u32>load<u8>(map + c)
    let to = load<u32>(trans + <usize>row + (<usize>k << 2))
    if (to == 0) {
      to = transition(d, row / rowBytes, <i32>c, k)
      if (to == 0) return 0
      trans = <usize>get(d, D_TRANS)
      dead = get(d, D_DEAD_ROW)
    }
    // Reaching the state with no thread left ends the walk: nothing more can match.
    row = to
  }
  return row / rowBytes
}

/**
 * The rules whose glob alternatives (or `**`) match a tag that ends in state `id`: a bitset of
 * ruleWords words, computed once per state. Never null.
 */
export function dfaEndBits(d: usize, id: u32): usize {
  const r = record(d, id)
  const list = listOf(d, id)
  const len = load<u32>(r + S_LEN)
  const at = list + (<usize>len << 2)
  if (load<i32>(r + S_END) != END_UNKNOWN) return at
  const ruleWords = get(d, D_RULE_WORDS)
  memory.copy(at, <usize>get(d, D_ALWAYS), <usize>ruleWords << 2)
  use(d)
  bits = at
  nextGeneration()
  out = work
  outLen = 0
  const atStart = id == 1
  for (let i: u32 = 0; i < len; i++) {
    const pc = load<u32>(list + (<usize>i << 2))
    if (pc < codeLen) closure(pc, atStart, LOOK_END)
    else setBit(pc - codeLen)
  }
  store<i32>(r + S_END, END_BITS_ONLY)
  return at
}

/** The route cached on state `id` (END_UNKNOWN / END_BITS_ONLY when none). */
export function dfaEndRoute(d: usize, id: u32): i32 {
  return load<i32>(record(d, id) + S_END)
}

/** Caches a route (or ROUTE_NEED_REGEX) on state `id`, whose bits must be computed. */
export function dfaSetEndRoute(d: usize, id: u32, route: i32): void {
  store<i32>(record(d, id) + S_END, route)
}
