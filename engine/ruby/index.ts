/**
 * @module sluice's Ruby expression subset: parse and check once (`compileRuby`), then `evaluate`
 * the AST over an injected environment. Serves the config's `"#{...}"` (CONFIG_DIALECT) and
 * record_transformer's `enable_ruby` (RECORD_DIALECT). Nothing is ever executed as code.
 */
export type { RubyNode } from './ast.ts'
export { compileRuby, CONFIG_DIALECT, RECORD_DIALECT, supported, type CompileResult, type RubyDialect } from './compile.ts'
export { evaluate, HostError, UseDefaultSignal, UseNilSignal, type RubyEnv } from './evaluate.ts'
export { fromRecord, RFloat, RTime, RubyError, toRecord, toS, truthy, type RValue } from './values.ts'
