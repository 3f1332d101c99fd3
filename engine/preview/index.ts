/**
 * @module The route preview's public API (runtime-neutral: the designer's Web Worker, Node tools
 * and the parity test use the same code): samples, previewConfig / Previewer, validation and
 * draft-mode warnings, record diffs and the impact comparison.
 */
export { parseJsonLossless, JsonSyntaxError } from './json.ts'
export { parseSamples, DEFAULT_SAMPLE_TAG } from './samples.ts'
export type { Sample, SampleFormat, SampleOptions, SampleProblem, ParsedSamples } from './samples.ts'
export { createPreviewer, previewConfig, Previewer } from './preview.ts'
export type { PreviewOptions } from './preview.ts'
export { buildDraft, ROOT_ROUTER } from './draft.ts'
export type { Draft } from './draft.ts'
export { PASSTHROUGH_TYPE, ROUTING_OUTPUTS, SINK_TYPE, runsForReal } from './registry.ts'
export { lintModel, alternativesOf, covers } from './lint.ts'
export { validateModel, withoutDisabled } from './validate.ts'
export { diffRecords, sameValue } from './diff.ts'
export { compareRuns, describeElement, destinationOf } from './impact.ts'
export type { Impact, ImpactChange, ImpactRoute } from './impact.ts'
export { Outcome } from './types.ts'
export type {
  CatalogEntry,
  DetailStep,
  Diagnostic,
  ElementPath,
  EventDetails,
  FieldChange,
  PreviewElement,
  PreviewElementKind,
  PreviewMode,
  PreviewSummary,
  RouteCount,
  RouterCount,
  Severity,
} from './types.ts'
export { catalogFromSpecs, mergeCatalogs, schemaEntry } from './catalog.ts'
