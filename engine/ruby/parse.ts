/**
 * @module Parser of the Ruby expression subset: tokens → `RubyNode`. Precedence follows Ruby's
 * (high to low): `!`, unary `-`, `* / %`, `+ -`, `< <= > >=`, `== != =~ !~`, `&&`, `||`,
 * `?:`, modifier `rescue`, `not`, `and`/`or`. Calls are `recv.name(args)`, `recv.name arg, ...`
 * (a spaced command call) or `name(args)`; indexes `recv[args]`.
 */

import type { BinaryOp, RubyNode } from './ast.ts'
import { RubySyntaxError, tokenize, type Token } from './lexer.ts'

/**
 * Parses one expression. Throws RubySyntaxError (with the offset) on anything outside the subset's grammar.
 *
 * @example
 * parseRuby("ENV['HOME'] || '/root'") // { t: 'or', l: { t: 'index', ... }, r: { t: 'str', v: '/root' } }
 */
export function parseRuby(code: string): RubyNode {
  const parser = new Parser(tokenize(code))
  if (parser.peek().kind === 'eof') throw new RubySyntaxError('empty expression', 0)
  const node = parser.statement()
  const rest = parser.peek()
  if (rest.kind !== 'eof') throw new RubySyntaxError(`unexpected ${describe(rest)}`, rest.at)
  return node
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of expression'
  if (t.kind === 'str' || t.kind === 'dstr') return 'string'
  return JSON.stringify(t.text)
}

/** Tokens that can start a command-call argument (`File.expand_path './x'`). */
function startsArgument(t: Token): boolean {
  if (!t.spaced) return false
  if (t.kind === 'kw') return t.text === 'nil' || t.text === 'true' || t.text === 'false'
  return (
    t.kind === 'str' ||
    t.kind === 'dstr' ||
    t.kind === 'int' ||
    t.kind === 'float' ||
    t.kind === 'regexp' ||
    t.kind === 'ident' ||
    t.kind === 'const'
  )
}

class Parser {
  private i = 0

  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]
  }

  private next(): Token {
    const t = this.peek()
    if (t.kind !== 'eof') this.i++
    return t
  }

  private isOp(text: string): boolean {
    const t = this.peek()
    return t.kind === 'op' && t.text === text
  }

  private isKw(text: string): boolean {
    const t = this.peek()
    return t.kind === 'kw' && t.text === text
  }

  private expectOp(text: string): void {
    const t = this.next()
    if (t.kind !== 'op' || t.text !== text) throw new RubySyntaxError(`expected ${text}, found ${describe(t)}`, t.at)
  }

  /** and/or (lowest), `not`. */
  statement(): RubyNode {
    let left = this.notExpr()
    while (this.isKw('and') || this.isKw('or')) {
      const op = this.next().text as 'and' | 'or'
      left = { t: op, l: left, r: this.notExpr() }
    }
    return left
  }

  private notExpr(): RubyNode {
    if (this.isKw('not')) {
      this.next()
      return { t: 'not', e: this.notExpr() }
    }
    return this.rescueExpr()
  }

  private rescueExpr(): RubyNode {
    let body = this.ternary()
    while (this.isKw('rescue')) {
      this.next()
      body = { t: 'rescue', body, fallback: this.ternary() }
    }
    return body
  }

  private ternary(): RubyNode {
    const cond = this.oror()
    if (!this.isOp('?')) return cond
    this.next()
    const then = this.ternary()
    this.expectOp(':')
    return { t: 'if', cond, then, else: this.ternary() }
  }

  private oror(): RubyNode {
    let left = this.andand()
    while (this.isOp('||')) {
      this.next()
      left = { t: 'or', l: left, r: this.andand() }
    }
    return left
  }

  private andand(): RubyNode {
    let left = this.equality()
    while (this.isOp('&&')) {
      this.next()
      left = { t: 'and', l: left, r: this.equality() }
    }
    return left
  }

  private equality(): RubyNode {
    const left = this.comparison()
    const t = this.peek()
    if (t.kind === 'op' && (t.text === '==' || t.text === '!=' || t.text === '=~' || t.text === '!~')) {
      this.next()
      return { t: 'op', op: t.text as BinaryOp, l: left, r: this.comparison() }
    }
    return left
  }

  private comparison(): RubyNode {
    let left = this.additive()
    for (;;) {
      const t = this.peek()
      if (t.kind !== 'op' || !['<', '<=', '>', '>='].includes(t.text)) return left
      this.next()
      left = { t: 'op', op: t.text as BinaryOp, l: left, r: this.additive() }
    }
  }

  private additive(): RubyNode {
    let left = this.multiplicative()
    for (;;) {
      const t = this.peek()
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left
      this.next()
      left = { t: 'op', op: t.text, l: left, r: this.multiplicative() }
    }
  }

  private multiplicative(): RubyNode {
    let left = this.unaryMinus()
    for (;;) {
      const t = this.peek()
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '%')) return left
      this.next()
      left = { t: 'op', op: t.text, l: left, r: this.unaryMinus() }
    }
  }

  private unaryMinus(): RubyNode {
    if (this.isOp('-')) {
      this.next()
      const operand = this.unaryMinus()
      if (operand.t === 'int') return { t: 'int', v: operand.v.startsWith('-') ? operand.v.slice(1) : `-${operand.v}` }
      if (operand.t === 'float') return { t: 'float', v: -operand.v }
      return { t: 'neg', e: operand }
    }
    return this.bang()
  }

  private bang(): RubyNode {
    if (this.isOp('!')) {
      this.next()
      return { t: 'not', e: this.bang() }
    }
    return this.postfix(this.primary())
  }

  private postfix(node: RubyNode): RubyNode {
    for (;;) {
      if (this.isOp('.')) {
        this.next()
        const name = this.next()
        if (name.kind !== 'ident' && name.kind !== 'const' && name.kind !== 'kw')
          throw new RubySyntaxError(`expected a method name after ., found ${describe(name)}`, name.at)
        node = { t: 'call', recv: node, name: name.text, args: this.callArgs(true) }
      } else if (this.isOp('::')) {
        const t = this.next()
        throw new RubySyntaxError(':: (constant paths) is not supported', t.at)
      } else if (this.isOp('[') && !this.peek().spaced) {
        this.next()
        node = { t: 'index', recv: node, args: this.list(']') }
      } else return node
    }
  }

  /** `(a, b)`, or a spaced command argument list when `command` (a method after `.`). */
  private callArgs(command: boolean): RubyNode[] {
    if (this.isOp('(') && !this.peek().spaced) {
      this.next()
      return this.list(')')
    }
    if (!command || !startsArgument(this.peek())) return []
    const args = [this.ternary()]
    while (this.isOp(',')) {
      this.next()
      args.push(this.ternary())
    }
    return args
  }

  /** Comma-separated expressions up to the closing `end`. */
  private list(end: string): RubyNode[] {
    const items: RubyNode[] = []
    if (this.isOp(end)) {
      this.next()
      return items
    }
    for (;;) {
      items.push(this.statementInList())
      if (this.isOp(',')) {
        this.next()
        continue
      }
      this.expectOp(end)
      return items
    }
  }

  private statementInList(): RubyNode {
    return this.rescueExpr()
  }

  private primary(): RubyNode {
    const t = this.next()
    switch (t.kind) {
      case 'int':
        return { t: 'int', v: t.text }
      case 'float':
        return { t: 'float', v: Number(t.text) }
      case 'str':
        return { t: 'str', v: t.text }
      case 'dstr': {
        const parts = t.parts!
        if (parts.every((p) => !p.code)) return { t: 'str', v: t.text }
        return {
          t: 'interp',
          parts: parts.map((p) => {
            if (!p.code) return p.text
            try {
              return parseRuby(p.text)
            } catch (error) {
              if (error instanceof RubySyntaxError) throw new RubySyntaxError(`in #{${p.text}}: ${error.message}`, t.at)
              throw error
            }
          }),
        }
      }
      case 'regexp':
        return { t: 'regexp', source: t.text, flags: t.flags ?? '' }
      case 'kw':
        if (t.text === 'nil') return { t: 'nil' }
        if (t.text === 'true' || t.text === 'false') return { t: 'bool', v: t.text === 'true' }
        throw new RubySyntaxError(`unexpected ${t.text}`, t.at)
      case 'const':
        return { t: 'const', name: t.text }
      case 'ident': {
        if (this.isOp('(') && !this.peek().spaced) return { t: 'call', recv: null, name: t.text, args: this.callArgs(false) }
        return { t: 'var', name: t.text }
      }
      case 'op':
        if (t.text === '(') {
          const inner = this.statement()
          this.expectOp(')')
          return inner
        }
        if (t.text === '[') return { t: 'array', items: this.list(']') }
        throw new RubySyntaxError(`unexpected ${describe(t)}`, t.at)
      case 'eof':
        throw new RubySyntaxError('the expression ends too early', t.at)
    }
  }
}
