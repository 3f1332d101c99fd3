/**
 * @module Lossless JSON reading for samples: the reader lives in engine/records/json-reader.ts
 * (shared with parser_json); this keeps the preview's import path.
 */

export { JsonSyntaxError, parseJsonLossless } from '../records/json-reader.ts'
