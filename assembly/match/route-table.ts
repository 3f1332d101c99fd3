/**
 * @module Route tables: one ordered list of `<filter>` and `<match>` rules, compiled by
 * wasm/match-compiler.ts into a blob of i32 words. A lookup walks the rules: matching filters
 * accumulate, the first matching match ends the walk (Fluentd's EventRouter). Each distinct
 * (filters, match) result is interned as a route id, and tag → route id is cached in a bounded
 * set-associative cache (1,024 sets × 2 ways, tags up to 104 bytes, FIFO within a set), allocated
 * on the first lookup.
 *
 * Blob: [MAGIC, ruleCount, regexCount, then per rule: kind (0 filter, 1 match), altCount, then per
 * alternative: 0 (all) | 1 progWords prog… | 2 regexIndex].
 * `/regex/` alternatives are evaluated by the host: a lookup on an uncached tag whose route
 * depends on a regex returns ROUTE_NEED_REGEX, and the host calls lookupWithRegex with one byte
 * per regex.
 *
 * A cache miss runs the table's lazily built DFA (assembly/match/dfa.ts: all rules at once, one
 * table load per tag byte, bounded, reset when full); its end state gives the rules whose globs
 * match, cached per state as a route. With the DFA off (routesSetDfaLimit(t, 0)) every miss
 * runs each rule's program on the Pike NFA (assembly/match/program.ts), as before the DFA.
 */

import { ROUTE_NEED_REGEX, ROUTE_BAD_TABLE, ROUTE_NO_MEMORY } from '../abi'
import { alloc, free, grow } from '../util/alloc'
import { runProgram, reserveProgramScratch } from './program'
import {
  dfaAddAlways, dfaAddProgram, dfaCreate, dfaEnabled, dfaEndBits, dfaEndRoute, dfaFinish, dfaFree, dfaRun,
  dfaSetEndRoute, dfaStat, setLimit, END_BITS_ONLY, END_UNKNOWN,
} from './dfa'
import { bytesEqual } from '../forward/options'
import { equalBytes, hashBytes } from '../util/bytes'

const MAGIC: i32 = 0x534c5254
const ALT_ALL: i32 = 0
const ALT_GLOB: i32 = 1
const ALT_REGEX: i32 = 2

const SETS: u32 = 1024
const WAYS: u32 = 2
// 2,048 slots of 120 bytes: 240 KiB, which fits the allocator's 256 KiB class with its header.
const SLOT_SIZE: usize = 120
const SLOT_TAG: usize = 16
export const MAX_CACHED_TAG: usize = SLOT_SIZE - SLOT_TAG

// Table fields (u32 each).
const T_BLOB: usize = 0
const T_RULES: usize = 4
const T_REGEXES: usize = 8
const T_RULE_OFFSETS: usize = 12
const T_CACHE: usize = 16
const T_ROUTES: usize = 20      // arena of words: [match, filterCount, filters…] per route
const T_ROUTES_USED: usize = 24 // words used
const T_ROUTE_INDEX: usize = 28 // word offset of each route in the arena
const T_ROUTE_COUNT: usize = 32
const T_ROUTE_INDEX_CAP: usize = 36
const T_ROUTES_CAP: usize = 40  // words
const T_DFA: usize = 44         // the DFA descriptor (assembly/match/dfa.ts)
const T_RULE_REGEX: usize = 48  // one byte per rule: 1 when it has a `/regex/` alternative
const TABLE_SIZE: usize = 64

// Scratch for one evaluation.
let filterScratch: usize = 0
let filterScratchCap: u32 = 0

@inline function get(t: usize, f: usize): u32 { return load<u32>(t + f) }
@inline function set(t: usize, f: usize, v: u32): void { store<u32>(t + f, v) }
@inline function word(p: usize, i: u32): i32 { return load<i32>(p + (<usize>i << 2)) }

/**
 * Loads a compiled table from `words` i32 words at `ptr` (copied). Returns a handle (> 0), or
 * ROUTE_BAD_TABLE / ROUTE_NO_MEMORY.
 */
export function routesLoad(ptr: usize, words: u32): i32 {
  if (words < 3 || word(ptr, 0) != MAGIC) return ROUTE_BAD_TABLE
  const rules = <u32>word(ptr, 1)
  const regexes = <u32>word(ptr, 2)
  if (rules > words) return ROUTE_BAD_TABLE
  // Validate the blob and find each rule's offset.
  const offsets = alloc(<usize>(rules + 1) * 4)
  if (offsets == 0) return ROUTE_NO_MEMORY
  let i: u32 = 3
  let maxProg: u32 = 1
  let codeWords: u32 = 0
  let globs: u32 = 0
  for (let r: u32 = 0; r < rules; r++) {
    store<u32>(offsets + (<usize>r << 2), i)
    if (i + 2 > words) { free(offsets); return ROUTE_BAD_TABLE }
    const kind = word(ptr, i)
    const alts = <u32>word(ptr, i + 1)
    if (kind != 0 && kind != 1) { free(offsets); return ROUTE_BAD_TABLE }
    i += 2
    for (let a: u32 = 0; a < alts; a++) {
      if (i >= words) { free(offsets); return ROUTE_BAD_TABLE }
      const altKind = word(ptr, i)
      if (altKind == ALT_ALL) { i += 1; continue }
      if (i + 2 > words) { free(offsets); return ROUTE_BAD_TABLE }
      if (altKind == ALT_REGEX) {
        if (<u32>word(ptr, i + 1) >= regexes) { free(offsets); return ROUTE_BAD_TABLE }
        i += 2
        continue
      }
      if (altKind != ALT_GLOB) { free(offsets); return ROUTE_BAD_TABLE }
      const n = <u32>word(ptr, i + 1)
      if (n > words || i + 2 + n > words || !programValid(ptr + (<usize>(i + 2) << 2), n)) { free(offsets); return ROUTE_BAD_TABLE }
      if (n > maxProg) maxProg = n
      codeWords += n
      globs++
      i += 2 + n
    }
  }
  if (i != words) { free(offsets); return ROUTE_BAD_TABLE }
  const blob = alloc(<usize>words * 4)
  const t = alloc(TABLE_SIZE)
  const ruleRegex = alloc(<usize>(rules == 0 ? 1 : rules))
  const dfa = dfaCreate(rules, codeWords, globs)
  if (blob == 0 || t == 0 || ruleRegex == 0 || dfa == 0 || !reserveProgramScratch(maxProg) || !reserveFilters(rules)) {
    free(blob); free(t); free(offsets); free(ruleRegex); dfaFree(dfa)
    return ROUTE_NO_MEMORY
  }
  memory.copy(blob, ptr, <usize>words * 4)
  memory.fill(t, 0, TABLE_SIZE)
  set(t, T_BLOB, <u32>blob)
  set(t, T_RULES, rules)
  set(t, T_REGEXES, regexes)
  set(t, T_RULE_OFFSETS, <u32>offsets)
  set(t, T_DFA, <u32>dfa)
  set(t, T_RULE_REGEX, <u32>ruleRegex)
  // Hand every glob program (and every `**` rule) to the DFA; note the rules with a regex.
  for (let r: u32 = 0; r < rules; r++) {
    let k = load<u32>(offsets + (<usize>r << 2))
    const alts = <u32>word(blob, k + 1)
    let hasRegex: u8 = 0
    k += 2
    for (let a: u32 = 0; a < alts; a++) {
      const altKind = word(blob, k)
      if (altKind == ALT_ALL) { dfaAddAlways(dfa, r); k += 1; continue }
      if (altKind == ALT_REGEX) { hasRegex = 1; k += 2; continue }
      const n = <u32>word(blob, k + 1)
      dfaAddProgram(dfa, r, blob + (<usize>(k + 2) << 2), n)
      k += 2 + n
    }
    store<u8>(ruleRegex + r, hasRegex)
  }
  dfaFinish(dfa)
  return <i32>t
}

/**
 * Sets the most states the table's DFA may hold (0: no DFA, every cache miss runs the NFA) and
 * empties it. Returns the limit in force (clamped to [DFA_MIN_STATES, the transition budget]).
 */
export function routesSetDfaLimit(t: usize, states: u32): i32 {
  return <i32>setLimit(<usize>get(t, T_DFA), states)
}

/** One of the DFA's statistics (docs/core-abi.md §3.2). */
export function routesDfaStat(t: usize, which: i32): i32 {
  return dfaStat(<usize>get(t, T_DFA), which)
}

/** Every jump target inside the program, every op known. */
function programValid(prog: usize, n: u32): bool {
  let pc: u32 = 0
  while (pc < n) {
    const o = word(prog, pc)
    // Ops that fall through need a next instruction; MATCH, JMP and SPLIT do not fall through.
    if (o == 0) { pc += 1; continue }
    if (o == 2 || o == 3 || o == 6 || o == 7) {
      if (pc + 1 >= n) return false
      pc += 1
      continue
    }
    if (o == 1) {
      if (pc + 2 >= n) return false
      pc += 2
      continue
    }
    if (o == 5) {
      if (pc + 2 > n || <u32>word(prog, pc + 1) >= n) return false
      pc += 2
      continue
    }
    if (o == 4) {
      if (pc + 3 > n || <u32>word(prog, pc + 1) >= n || <u32>word(prog, pc + 2) >= n) return false
      pc += 3
      continue
    }
    return false
  }
  return true
}

function reserveFilters(rules: u32): bool {
  if (rules <= filterScratchCap) return true
  const next = grow(filterScratch, <usize>rules * 4, 0)
  if (next == 0) return false
  filterScratch = next
  filterScratchCap = rules
  return true
}

export function routesFree(t: usize): void {
  if (t == 0) return
  free(<usize>get(t, T_BLOB))
  free(<usize>get(t, T_RULE_OFFSETS))
  free(<usize>get(t, T_CACHE))
  free(<usize>get(t, T_ROUTES))
  free(<usize>get(t, T_ROUTE_INDEX))
  free(<usize>get(t, T_RULE_REGEX))
  dfaFree(<usize>get(t, T_DFA))
  free(t)
}


function ruleMatches(t: usize, r: u32, tag: usize, tagLen: usize, regexBits: usize): bool {
  const blob = <usize>get(t, T_BLOB)
  let i = load<u32>(<usize>get(t, T_RULE_OFFSETS) + (<usize>r << 2))
  const alts = <u32>word(blob, i + 1)
  i += 2
  for (let a: u32 = 0; a < alts; a++) {
    const altKind = word(blob, i)
    if (altKind == ALT_ALL) return true
    if (altKind == ALT_REGEX) {
      if (regexBits != 0 && load<u8>(regexBits + <usize>word(blob, i + 1)) != 0) return true
      i += 2
      continue
    }
    const n = <u32>word(blob, i + 1)
    const prog = blob + (<usize>(i + 2) << 2)
    if (literalPrefixFits(prog, n, tag, tagLen) && runProgram(prog, n, tag, tagLen)) return true
    i += 2 + n
  }
  return false
}

/**
 * Quick reject: a program that starts with CHAR ops can only match a tag that starts with those
 * bytes. Exact (never rejects a match), and it spares the machine for most rules of a table.
 */
function literalPrefixFits(prog: usize, n: u32, tag: usize, tagLen: usize): bool {
  let pc: u32 = 0
  let pos: usize = 0
  while (pc + 1 < n && load<i32>(prog + (<usize>pc << 2)) == 1) {
    if (pos >= tagLen || <i32>load<u8>(tag + pos) != load<i32>(prog + (<usize>(pc + 1) << 2))) return false
    pc += 2
    pos++
  }
  return true
}

/** Finds or adds the route (match, filters in filterScratch[0..count)). Returns its id or ROUTE_NO_MEMORY. */
function internRoute(t: usize, match: i32, count: u32): i32 {
  const arena = <usize>get(t, T_ROUTES)
  const index = <usize>get(t, T_ROUTE_INDEX)
  const routes = get(t, T_ROUTE_COUNT)
  for (let id: u32 = 0; id < routes; id++) {
    const r = arena + (<usize>load<u32>(index + (<usize>id << 2)) << 2)
    if (load<i32>(r) != match || load<u32>(r + 4) != count) continue
    if (count == 0 || bytesEqual(r + 8, filterScratch, <usize>count * 4)) return <i32>id
  }
  // Add it.
  const used = get(t, T_ROUTES_USED)
  const needWords = used + 2 + count
  if (needWords > get(t, T_ROUTES_CAP)) {
    let cap = get(t, T_ROUTES_CAP) * 2
    if (cap < 256) cap = 256
    while (cap < needWords) cap *= 2
    const next = grow(arena, <usize>cap * 4, <usize>used * 4)
    if (next == 0) return ROUTE_NO_MEMORY
    set(t, T_ROUTES, <u32>next)
    set(t, T_ROUTES_CAP, cap)
  }
  if (routes >= get(t, T_ROUTE_INDEX_CAP)) {
    let cap = get(t, T_ROUTE_INDEX_CAP) * 2
    if (cap < 64) cap = 64
    const next = grow(index, <usize>cap * 4, <usize>routes * 4)
    if (next == 0) return ROUTE_NO_MEMORY
    set(t, T_ROUTE_INDEX, <u32>next)
    set(t, T_ROUTE_INDEX_CAP, cap)
  }
  const r = <usize>get(t, T_ROUTES) + (<usize>used << 2)
  store<i32>(r, match)
  store<u32>(r + 4, count)
  memory.copy(r + 8, filterScratch, <usize>count * 4)
  store<u32>(<usize>get(t, T_ROUTE_INDEX) + (<usize>routes << 2), used)
  set(t, T_ROUTES_USED, needWords)
  set(t, T_ROUTE_COUNT, routes + 1)
  return <i32>routes
}

function evaluate(t: usize, tag: usize, tagLen: usize, regexBits: usize): i32 {
  const rules = get(t, T_RULES)
  const blob = <usize>get(t, T_BLOB)
  const offsets = <usize>get(t, T_RULE_OFFSETS)
  let filters: u32 = 0
  let match: i32 = -1
  for (let r: u32 = 0; r < rules; r++) {
    if (!ruleMatches(t, r, tag, tagLen, regexBits)) continue
    if (word(blob, load<u32>(offsets + (<usize>r << 2))) == 0) {
      store<u32>(filterScratch + (<usize>filters << 2), r)
      filters++
    } else {
      match = <i32>r
      break
    }
  }
  return internRoute(t, match, filters)
}

function cacheFind(t: usize, tag: usize, tagLen: usize, h: u32): i32 {
  const setBase = <usize>get(t, T_CACHE) + <usize>(h & (SETS - 1)) * WAYS * SLOT_SIZE
  for (let w: u32 = 0; w < WAYS; w++) {
    const slot = setBase + <usize>w * SLOT_SIZE
    if (load<u32>(slot) == h && load<u32>(slot + 4) == <u32>tagLen + 1 && equalBytes(slot + SLOT_TAG, tag, tagLen)) {
      return load<i32>(slot + 8)
    }
  }
  return -1
}

function cacheInsert(t: usize, tag: usize, tagLen: usize, h: u32, route: i32): void {
  const setBase = <usize>get(t, T_CACHE) + <usize>(h & (SETS - 1)) * WAYS * SLOT_SIZE
  // The set's next victim is kept in way 0's spare word.
  const victim = load<u32>(setBase + 12) % WAYS
  const slot = setBase + <usize>victim * SLOT_SIZE
  store<u32>(slot, h)
  store<u32>(slot + 4, <u32>tagLen + 1)
  store<i32>(slot + 8, route)
  memory.copy(slot + SLOT_TAG, tag, tagLen)
  store<u32>(setBase + 12, (victim + 1) % WAYS)
}

/** The table's cache, allocated on first use (a table that is compiled and never used costs little). */
function ensureCache(t: usize): bool {
  if (get(t, T_CACHE) != 0) return true
  const size = <usize>SETS * WAYS * SLOT_SIZE
  const cache = alloc(size)
  if (cache == 0) return false
  memory.fill(cache, 0, size)
  set(t, T_CACHE, <u32>cache)
  return true
}

/** Tag → route id (≥ 0), or ROUTE_NEED_REGEX, or ROUTE_NO_MEMORY. */
export function routesLookup(t: usize, tag: usize, tagLen: usize): i32 {
  const cacheable = tagLen <= MAX_CACHED_TAG && ensureCache(t)
  let h: u32 = 0
  if (cacheable) {
    h = hashBytes(tag, tagLen)
    const hit = cacheFind(t, tag, tagLen, h)
    if (hit >= 0) return hit
  }
  const dfa = <usize>get(t, T_DFA)
  let route: i32
  if (dfaEnabled(dfa)) {
    route = dfaRoute(t, dfa, tag, tagLen)
  } else {
    if (get(t, T_REGEXES) > 0) return ROUTE_NEED_REGEX
    route = evaluate(t, tag, tagLen, 0)
  }
  if (cacheable && route >= 0) cacheInsert(t, tag, tagLen, h, route)
  return route
}

/** Like routesLookup, with the host's answers for the regex alternatives (one byte each). */
export function routesLookupWithRegex(t: usize, tag: usize, tagLen: usize, regexBits: usize): i32 {
  const dfa = <usize>get(t, T_DFA)
  let route: i32 = -1
  let done = false
  if (dfaEnabled(dfa)) {
    const id = dfaRun(dfa, tag, tagLen)
    if (id != 0) {
      route = routeFromBits(t, dfaEndBits(dfa, id), regexBits)
      done = true
    }
  }
  if (!done) route = evaluate(t, tag, tagLen, regexBits)
  if (tagLen <= MAX_CACHED_TAG && route >= 0 && ensureCache(t)) cacheInsert(t, tag, tagLen, hashBytes(tag, tagLen), route)
  return route
}

/**
 * The route of a tag by the DFA: its end state's route, computed once per state. ROUTE_NEED_REGEX
 * only when a rule that no glob of it matched has a regex and comes before the first matching
 * match. Falls back to the NFA when the DFA cannot get memory.
 */
function dfaRoute(t: usize, dfa: usize, tag: usize, tagLen: usize): i32 {
  const id = dfaRun(dfa, tag, tagLen)
  if (id == 0) return get(t, T_REGEXES) > 0 ? ROUTE_NEED_REGEX : evaluate(t, tag, tagLen, 0)
  const cached = dfaEndRoute(dfa, id)
  if (cached != END_UNKNOWN && cached != END_BITS_ONLY) return cached
  const route = routeFromBits(t, dfaEndBits(dfa, id), 0)
  if (route >= 0 || route == ROUTE_NEED_REGEX) dfaSetEndRoute(dfa, id, route)
  return route
}

/**
 * The route from the rules whose globs match (`bits`, one bit per rule) and, when `regexBits` is
 * not 0, the host's regex answers. Without them, a rule whose answer would be needed gives
 * ROUTE_NEED_REGEX.
 */
function routeFromBits(t: usize, bits: usize, regexBits: usize): i32 {
  const rules = get(t, T_RULES)
  const blob = <usize>get(t, T_BLOB)
  const offsets = <usize>get(t, T_RULE_OFFSETS)
  const ruleRegex = <usize>get(t, T_RULE_REGEX)
  let filters: u32 = 0
  let match: i32 = -1
  for (let r: u32 = 0; r < rules; r++) {
    let hit = (load<u32>(bits + (<usize>(r >> 5) << 2)) & (<u32>1 << (r & 31))) != 0
    if (!hit && load<u8>(ruleRegex + r) != 0) {
      if (regexBits == 0) return ROUTE_NEED_REGEX
      hit = regexAltMatches(blob, load<u32>(offsets + (<usize>r << 2)), regexBits)
    }
    if (!hit) continue
    if (word(blob, load<u32>(offsets + (<usize>r << 2))) == 0) {
      store<u32>(filterScratch + (<usize>filters << 2), r)
      filters++
    } else {
      match = <i32>r
      break
    }
  }
  return internRoute(t, match, filters)
}

/** True when one of the rule's `/regex/` alternatives matched, by the host's answers. */
function regexAltMatches(blob: usize, offset: u32, regexBits: usize): bool {
  let i = offset
  const alts = <u32>word(blob, i + 1)
  i += 2
  for (let a: u32 = 0; a < alts; a++) {
    const altKind = word(blob, i)
    if (altKind == ALT_ALL) { i += 1; continue }
    if (altKind == ALT_REGEX) {
      if (load<u8>(regexBits + <usize>word(blob, i + 1)) != 0) return true
      i += 2
      continue
    }
    i += 2 + <u32>word(blob, i + 1)
  }
  return false
}

function routeAt(t: usize, id: u32): usize {
  if (id >= get(t, T_ROUTE_COUNT)) return 0
  return <usize>get(t, T_ROUTES) + (<usize>load<u32>(<usize>get(t, T_ROUTE_INDEX) + (<usize>id << 2)) << 2)
}

/** The route's match rule index, −1 for "no patterns matched", −3 for an unknown id. */
export function routeMatch(t: usize, id: u32): i32 {
  const r = routeAt(t, id)
  return r == 0 ? ROUTE_BAD_TABLE : load<i32>(r)
}

export function routeFilterCount(t: usize, id: u32): i32 {
  const r = routeAt(t, id)
  return r == 0 ? ROUTE_BAD_TABLE : load<i32>(r + 4)
}

export function routeFilter(t: usize, id: u32, i: u32): i32 {
  const r = routeAt(t, id)
  if (r == 0 || i >= load<u32>(r + 4)) return ROUTE_BAD_TABLE
  return load<i32>(r + 8 + (<usize>i << 2))
}
