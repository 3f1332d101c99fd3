/**
 * @module Compiles Fluentd match patterns into the route-table blob the core interprets
 * (assembly/match/route-table.ts). Glob patterns become programs for the core's pattern machine,
 * built by the same walk as Fluentd's lib/fluent/match.rb GlobMatchPattern (escape, pending dot,
 * `**` forms, `{a,b}` with a stack); `/regex/` alternatives are kept as JS RegExps that the host
 * evaluates, anchored like Ruby's `\A…\Z`. Runs once per configuration, in every runtime.
 */

import type { RouteRule } from './types.ts'

const OP_MATCH = 0
const OP_CHAR = 1
const OP_NODOT = 2
const OP_ANY = 3
const OP_SPLIT = 4
const OP_JMP = 5
const OP_ASSERT_START = 6
const OP_ASSERT_DOT_OR_END = 7

const MAGIC = 0x534c5254
const ALT_ALL = 0
const ALT_GLOB = 1
const ALT_REGEX = 2

/** A glob pattern's syntax tree. */
type Node =
  | { t: 'lit'; bytes: number[] }
  | { t: 'nodot-star' }
  | { t: 'any-star' }
  | { t: 'dot-or-end' }
  | { t: 'start-or-any-dot' }
  | { t: 'alt'; alts: Node[][] }

const utf8 = new TextEncoder()

/** Parses a glob the way match.rb does. */
export function parseGlob(pattern: string): Node[] {
  const chars = Array.from(pattern)
  const stack: Node[][][] = []
  const seqs: Node[][] = [[]]
  const last = () => seqs[seqs.length - 1]
  const lit = (c: string) => last().push({ t: 'lit', bytes: Array.from(utf8.encode(c)) })
  let escape = false
  let dot = false
  let i = 0
  while (i < chars.length) {
    const c = chars[i]
    if (escape) {
      lit(c)
      escape = false
      i++
      continue
    }
    if (c === '*' && chars[i + 1] === '*') {
      if (dot) {
        last().push({ t: 'dot-or-end' })
        dot = false
      }
      if (chars[i + 2] === '.') {
        last().push({ t: 'start-or-any-dot' })
        i += 3
      } else {
        last().push({ t: 'any-star' })
        i += 2
      }
      continue
    }
    if (dot) {
      lit('.')
      dot = false
    }
    if (c === '\\') escape = true
    else if (c === '.') dot = true
    else if (c === '*') last().push({ t: 'nodot-star' })
    else if (c === '{') {
      stack.push([])
      seqs.push([])
    } else if (c === '}' && stack.length > 0) {
      stack[stack.length - 1].push(seqs.pop()!)
      last().push({ t: 'alt', alts: stack.pop()! })
    } else if (c === ',' && stack.length > 0) {
      stack[stack.length - 1].push(seqs.pop()!)
      seqs.push([])
    } else lit(c)
    i++
  }
  while (stack.length > 0) {
    stack[stack.length - 1].push(seqs.pop()!)
    last().push({ t: 'alt', alts: stack.pop()! })
  }
  return seqs[0]
}

/** Emits a program for the pattern machine. */
export function compileGlob(pattern: string): number[] {
  const prog: number[] = []
  const emitSeq = (seq: Node[]) => seq.forEach(emit)
  const star = (op: number) => {
    const loop = prog.length
    prog.push(OP_SPLIT, loop + 3, 0, op, OP_JMP, loop)
    prog[loop + 2] = prog.length
  }
  function emit(node: Node): void {
    switch (node.t) {
      case 'lit':
        for (const b of node.bytes) prog.push(OP_CHAR, b)
        return
      case 'nodot-star':
        return star(OP_NODOT)
      case 'any-star':
        return star(OP_ANY)
      case 'dot-or-end':
        prog.push(OP_ASSERT_DOT_OR_END)
        return
      case 'start-or-any-dot': {
        const split = prog.length
        prog.push(OP_SPLIT, split + 3, 0)
        star(OP_ANY)
        prog.push(OP_CHAR, 0x2e)
        const jmp = prog.length
        prog.push(OP_JMP, 0)
        prog[split + 2] = prog.length
        prog.push(OP_ASSERT_START)
        prog[jmp + 1] = prog.length
        return
      }
      case 'alt': {
        const jumps: number[] = []
        node.alts.forEach((alt, k) => {
          if (k === node.alts.length - 1) {
            emitSeq(alt)
            return
          }
          const split = prog.length
          prog.push(OP_SPLIT, split + 3, 0)
          emitSeq(alt)
          jumps.push(prog.length)
          prog.push(OP_JMP, 0)
          prog[split + 2] = prog.length
        })
        for (const j of jumps) prog[j + 1] = prog.length
        return
      }
    }
  }
  emitSeq(parseGlob(pattern))
  prog.push(OP_MATCH)
  return prog
}

/** One alternative of a directive's pattern. */
export type Alternative = { kind: 'all' } | { kind: 'glob'; program: number[] } | { kind: 'regex'; regex: RegExp }

/** Ruby's `\s`, which is what Fluentd splits directive arguments on (not JS's wider `\s`). */
const RUBY_WHITESPACE = /[ \t\n\v\f\r]+/

/** Splits a directive argument into alternatives (whitespace-separated; empty means `**`). */
export function compilePattern(argument: string): Alternative[] {
  const parts = argument.split(RUBY_WHITESPACE).filter((p) => p.length > 0)
  if (parts.length === 0) return [{ kind: 'all' }]
  return parts.map((p): Alternative => {
    if (p === '**') return { kind: 'all' }
    if (p.length >= 2 && p.startsWith('/') && p.endsWith('/')) return { kind: 'regex', regex: rubyAnchored(p.slice(1, -1)) }
    return { kind: 'glob', program: compileGlob(p) }
  })
}

/** `\A(?:re)\Z` in JS terms: `\Z` also matches before a final newline. */
export function rubyAnchored(source: string): RegExp {
  return new RegExp(`^(?:${source})(?=\\n?$)`)
}

/** A compiled route table: the blob for the core and the regexes the host evaluates. */
export interface CompiledRoutes {
  words: Int32Array
  regexes: RegExp[]
}

export function compileRoutes(rules: readonly RouteRule[]): CompiledRoutes {
  const words: number[] = [MAGIC, rules.length, 0]
  const regexes: RegExp[] = []
  for (const rule of rules) {
    const alts = compilePattern(rule.pattern)
    words.push(rule.kind === 'filter' ? 0 : 1, alts.length)
    for (const alt of alts) {
      if (alt.kind === 'all') words.push(ALT_ALL)
      else if (alt.kind === 'regex') {
        words.push(ALT_REGEX, regexes.length)
        regexes.push(alt.regex)
      } else words.push(ALT_GLOB, alt.program.length, ...alt.program)
    }
  }
  words[2] = regexes.length
  return { words: Int32Array.from(words), regexes }
}
