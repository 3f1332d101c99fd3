/**
 * @module The config layer's public API: parse and print Fluentd .conf, the canonical JSON model,
 * typed values, plugin schemas and their validation, directive structure checks, v0.12 compatibility.
 */
export { asError, ConfigError, ConfigErrors, formatConfigError, formatPosition, ParamError } from './errors.ts'
export type { ConfigErrorInit, ConfigSeverity, SourcePosition } from './errors.ts'
export {
  CONFIG_MODEL_VERSION,
  ConfigJsonError,
  cloneElement,
  createElement,
  deleteParam,
  elementLoc,
  emptyModel,
  fromJson,
  getParam,
  hasParam,
  paramLoc,
  RESERVED_PARAMS,
  ROOT_NAME,
  setParam,
  toJson,
} from './model.ts'
export type { ConfigElement, ConfigLocs, ConfigModel, ElementLoc, JsonModelIssue, SourceLoc } from './model.ts'
export { parseConfig, parseConfigFile } from './parse.ts'
export { globToRegExp, memoryHost } from './memory-host.ts'
export type { ConfigHost, ParseResult } from './parse.ts'
export { SUPPORTED_EMBEDDED } from './embedded.ts'
export { printConfig, printElement } from './print.ts'
export {
  parseArray,
  parseBool,
  parseEnum,
  parseFloatValue,
  parseHash,
  parseInteger,
  parseRegexp,
  parseSize,
  parseTime,
  parseTyped,
  TYPE_EXAMPLES,
} from './types.ts'
export type { ParamType, RegexpValue, TypedValue, TypeResult } from './types.ts'
export { checkSchema, sectionTag, validateElement } from './schema.ts'
export type { ConfigOf, ParamSpec, PluginSchema, SectionSpec, ValidateOptions, ValidationResult } from './schema.ts'
export { compatKeys, convertCompatParams, normalizeReservedNames } from './compat.ts'
export type { CompatHelper, CompatResult, CompatSpec } from './compat.ts'
export { checkStructure } from './structure.ts'
export { closest, editDistance } from './suggest.ts'
