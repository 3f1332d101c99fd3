/**
 * @module The AST of sluice's Ruby expression subset: plain JSON-able data (no functions, no
 * classes), produced once at config time by `parseRuby` and walked by `evaluate` at run time, so
 * the same compiled expression runs on Node, in Workers (which forbid eval) and in the browser.
 */

/** A literal scalar: nil, true/false, an Integer (`int`), a Float (`float`) or a String. */
export type Literal =
  | { t: 'nil' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: string }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }

export type RubyNode =
  | Literal
  /** A double-quoted string with `#{...}` parts. */
  | { t: 'interp'; parts: (string | RubyNode)[] }
  | { t: 'regexp'; source: string; flags: string }
  | { t: 'array'; items: RubyNode[] }
  /** A bare lowercase name: a local (`record`, `tag`, `hostname`…) or a zero-argument helper (`use_nil`). */
  | { t: 'var'; name: string }
  /** A constant (`ENV`, `File`, `Time`…); only valid as the receiver of a call or an index. */
  | { t: 'const'; name: string }
  /** `recv.name(args)`; `recv` is null for a bare `name(args)`. */
  | { t: 'call'; recv: RubyNode | null; name: string; args: RubyNode[] }
  /** `recv[args]`. */
  | { t: 'index'; recv: RubyNode; args: RubyNode[] }
  | { t: 'not'; e: RubyNode }
  | { t: 'neg'; e: RubyNode }
  | { t: 'and' | 'or'; l: RubyNode; r: RubyNode }
  | { t: 'op'; op: BinaryOp; l: RubyNode; r: RubyNode }
  | { t: 'if'; cond: RubyNode; then: RubyNode; else: RubyNode }
  /** `body rescue fallback` (the modifier form: catches StandardError). */
  | { t: 'rescue'; body: RubyNode; fallback: RubyNode }

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~'
