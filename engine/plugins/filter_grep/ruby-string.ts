/**
 * @module Ruby's `to_s` / `inspect` now live in engine/ruby/string.ts (shared by the config's
 * embedded Ruby, record_transformer and grep); this path re-exports them for existing importers.
 */
export { rubyFloatToS, rubyInspect, rubyToS } from '../../ruby/string.ts'
