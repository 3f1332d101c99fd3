/**
 * @module The request handler of `responses: 'edge'` (the Workers edge): the same tag, params,
 * Content-Encoding, time and decoration rules as in_http, with per-item partial success and JSON
 * answers. Every item is checked on its own (an object, a usable time, at most recordSizeLimit
 * msgpack bytes); the accepted ones are emitted as ONE stream and the answer waits for the emit.
 *
 * JSON and NDJSON go through the core's transcoder (json-body.ts: no JS object per accepted event);
 * msgpack is decoded per item (items.ts).
 *
 * Statuses: 202 when at least one event was accepted (or the body was an empty array); 400 when
 * none was (413 when every refused one was too large); 413 past max_events_per_request or
 * decompression_size_limit (nothing accepted); 415 for an unknown Content-Type or
 * Content-Encoding; 500 / 503 + Retry-After when the emit fails (nothing accepted).
 * Bodies: as in_http (forms, json/ndjson/msgpack types and params), plus text/plain, untyped and
 * application/octet-stream bodies (sendBeacon) read as JSON or NDJSON (octet-stream: msgpack when
 * it does not start like JSON), and form-typed bodies that start like JSON (`curl -d '{…}'`).
 * With a `<parse>` parser (not the default in_http one) the whole body is its one text, whatever
 * the Content-Type (parsed-body.ts; no 415).
 */

import * as abi from '../../wasm/abi.ts'
import { EventTime } from '../event-time.ts'
import { EntriesWriter } from '../records/entries-writer.ts'
import { BodyError, decodeContentEncoding } from './body.ts'
import { corsResponseHeaders } from './cors.ts'
import { edgeErrorAnswer as edgeError, jsonAnswer as json, type Rejected, rejectedList } from './edge-responses.ts'
import { emitRequest } from './emit.ts'
import { multipartBoundary, parseMultipart, parseUrlEncoded, type Params } from './form.ts'
import { readMsgpackItems } from './items.ts'
import { extrasOf, itemProblem, itemsToCheck, type JsonBodies, timeProblem } from './json-body.ts'
import type { ResolvedIngestOptions } from './options.ts'
import type { ParsedBodies, ParsedBody } from './parsed-body.ts'
import { parseBody } from './fluentd.ts'
import { PayloadError } from './payload.ts'
import { buildEvents, headerFields, queryFields, timeFromParam } from './records.ts'
import { type IngestAnswer, type IngestRequest, remoteAddrOf, tagFromPath } from './request.ts'

const SUPPORTED_ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate'])
const textDecoder = new TextDecoder()

/** What a request gave: the entries to emit, the refused items, and how many were too large. */
interface Outcome {
  entries: Uint8Array
  count: number
  rejected: Rejected[]
  tooLarge: number
}

export async function ingestEdge(
  req: IngestRequest,
  o: ResolvedIngestOptions,
  bodies: JsonBodies,
  parsed: ParsedBodies | null,
): Promise<IngestAnswer> {
  const headers = corsResponseHeaders(req.header('origin') ?? null, o.corsAllowOrigins, o.corsAllowCredentials)
  const path = req.path
  const fail = (status: number, message: string, extra: Record<string, unknown> = {}) => {
    if (o.metrics) o.metrics.errors++
    if (o.dumpErrorLog) o.log?.warn('request refused', { path, status, error: message })
    return edgeError(status, message, headers, extra)
  }
  const tag = tagFromPath(path, o.addTagPrefix)
  if (tag === null) return fail(400, 'the tag is the request path: POST /<tag>, e.g. /app.web or /app/web')

  const encoding = (req.header('content-encoding') ?? '').trim().toLowerCase()
  if (!SUPPORTED_ENCODINGS.has(encoding)) return fail(415, `unsupported Content-Encoding: ${encoding} (supported: gzip, deflate)`)
  const raw = await req.body()
  if (o.metrics) o.metrics.bytesIn += raw.length
  let body: Uint8Array
  try {
    body = await decodeContentEncoding(raw, encoding, o.decompressionSizeLimit)
  } catch (error) {
    if (error instanceof BodyError) return fail(error.status, error.message)
    throw error
  }

  const query = parseUrlEncoded(req.query)
  if (parsed !== null) {
    if (body.length === 0) return fail(400, 'no events: the body is empty')
    let outcome: Outcome | number
    try {
      outcome = parsedOutcome(parseBody(req, o, parsed, body, query), o)
    } catch (error) {
      if (error instanceof PayloadError) return fail(400, error.message)
      throw error
    }
    return answerOutcome(o, tag, path, outcome, headers, fail)
  }
  const params: Params = new Map(query)
  const contentType = req.header('content-type') ?? ''
  let known: boolean
  try {
    known = bodyParams(contentType, body, params)
  } catch (error) {
    return fail(400, `invalid form body: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!known) {
    return fail(
      415,
      `unsupported Content-Type: ${contentType} (send application/json, application/x-ndjson, application/msgpack, text/plain or a form with json=, ndjson= or msgpack=)`,
    )
  }
  const chosen = pickPayload(params)
  if (chosen.bytes.length === 0) return fail(400, 'no events: the body is empty (or its form has no json=, ndjson= or msgpack= field)')

  const headerPairs = o.addHttpHeaders ? headerFields(req.headers()) : null
  const queryPairs = o.addQueryParams ? queryFields(query) : null
  const remoteAddr = o.addRemoteAddr ? remoteAddrOf(req) : undefined
  const timeParam = params.get('time')
  let outcome: Outcome | number
  try {
    outcome =
      chosen.format === 'msgpack'
        ? msgpackOutcome(chosen.bytes, o, { headers: headerPairs, query: queryPairs, remoteAddr, timeParam })
        : jsonOutcome(chosen.bytes, chosen.format, o, bodies, extrasOf(headerPairs, queryPairs, remoteAddr), timeParam)
  } catch (error) {
    if (error instanceof PayloadError) return fail(400, error.message)
    throw error
  }
  return answerOutcome(o, tag, path, outcome, headers, fail)
}

/** The answer to a request's outcome: 413 past max_events_per_request, else 202 / 400 / 413 and the emit. */
async function answerOutcome(
  o: ResolvedIngestOptions,
  tag: string,
  path: string,
  outcome: Outcome | number,
  headers: Record<string, string>,
  fail: (status: number, message: string) => IngestAnswer,
): Promise<IngestAnswer> {
  if (typeof outcome === 'number') {
    return fail(413, `the request carries ${outcome} events, more than max_events_per_request (${o.maxEventsPerRequest}): split it`)
  }
  const { rejected, count } = outcome
  if (rejected.length > 0) {
    if (o.metrics) o.metrics.dropped += rejected.length
    o.log?.warn('refused events of a request', {
      path,
      tag,
      refused: rejected.length,
      accepted: count,
      first: rejectedList(rejected.slice(0, 1))[0],
    })
  }
  const answer = { accepted: count, rejected: rejectedList(rejected), rejected_count: rejected.length }
  if (count === 0) {
    if (rejected.length === 0) return json(202, answer, headers)
    if (o.metrics) o.metrics.errors++
    return json(outcome.tooLarge === rejected.length ? 413 : 400, { error: 'no event of the request was accepted', ...answer }, headers)
  }

  const stream = { tag, entries: outcome.entries, count }
  const emitted = await emitRequest(o, stream)
  if (!emitted.ok) {
    if (emitted.backpressure)
      return edgeError(503, emitted.message, { 'Retry-After': String(o.retryAfterSeconds), ...headers }, { accepted: 0 })
    o.log?.error('failed to emit data', { tag, count: stream.count, error: emitted.message })
    return edgeError(500, emitted.message, headers, { accepted: 0 })
  }
  return json(202, answer, headers)
}

const tooLargeError = (size: number, limit: number) => `record is ${size} bytes (msgpack), more than record_size_limit (${limit})`

/**
 * JSON or NDJSON through the core's transcoder: the whole text as one JSON value first ('text';
 * when it is not one, line by line), every item checked on its own. Returns the item count when
 * it passes max_events_per_request.
 */
function jsonOutcome(
  bytes: Uint8Array,
  format: 'text' | 'ndjson',
  o: ResolvedIngestOptions,
  bodies: JsonBodies,
  extras: Uint8Array | null,
  timeParam: Uint8Array | undefined,
): Outcome | number {
  const fixed = timeParam === undefined ? null : timeFromParam(textDecoder.decode(timeParam), o.now)
  const now = fixed ?? EventTime.now(o.now)
  const parser = bodies.parser(fixed === null, extras)
  let st = format === 'text' ? parser.runBytes(bytes, 'value', now.sec, now.nsec) : abi.STATUS_INVALID
  if (st !== abi.STATUS_OK) st = parser.runBytes(bytes, 'lines', now.sec, now.nsec)
  const n = parser.itemCount
  if (n > o.maxEventsPerRequest) return n
  const rejected: Rejected[] = []
  let tooLarge = 0
  let refusedOk = false
  for (const i of itemsToCheck(parser, fixed === null)) {
    const status = parser.item(i, abi.I_STATUS)
    let error: string | null
    if (status === abi.ITEM_OK) {
      error = fixed === null ? timeProblem(parser, i, bytes, o.timeKey) : null
      if (error !== null) {
        parser.reject(i)
        refusedOk = true
      }
    } else if (status === abi.ITEM_TOO_LARGE) {
      tooLarge++
      error = tooLargeError(parser.item(i, abi.I_RECORD_SIZE), o.recordSizeLimit)
    } else {
      error = itemProblem(parser, i, bytes)
    }
    if (error === null) continue
    const index = parser.item(i, abi.I_INDEX)
    rejected.push(index < 0 ? { line: parser.item(i, abi.I_LINE), error } : { line: parser.item(i, abi.I_LINE), index, error })
  }
  if (refusedOk) parser.compact()
  return { entries: parser.entries(), count: parser.entryCount, rejected, tooLarge }
}

/** msgpack: decoded items (objects), timed and decorated per records.ts, written by EntriesWriter. */
function msgpackOutcome(bytes: Uint8Array, o: ResolvedIngestOptions, fields: Parameters<typeof buildEvents>[1]): Outcome | number {
  const items = readMsgpackItems(bytes)
  if (items.length > o.maxEventsPerRequest) return items.length
  const entries = new EntriesWriter(Math.max(1024, bytes.length))
  const rejected: Rejected[] = []
  let tooLarge = 0
  for (const item of items) {
    if (item.record === undefined) {
      rejected.push({ line: item.line, index: item.index, error: item.error! })
      continue
    }
    const before = entries.length
    try {
      const [event] = buildEvents([item.record], fields, o)
      const size = entries.append(event.time, event.record)
      if (size > o.recordSizeLimit) {
        entries.truncate(before, entries.count - 1)
        tooLarge++
        rejected.push({ line: item.line, index: item.index, error: tooLargeError(size, o.recordSizeLimit) })
      }
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error
      rejected.push({ line: item.line, index: item.index, error: error.message.replace(/^record 0: /, '') })
    }
  }
  return { entries: entries.bytes(), count: entries.count, rejected, tooLarge }
}

/**
 * The `<parse>` parser's outcome for the body (one text: its `line` is 1): records over
 * record_size_limit are refused on their own (with their index), a body that did not (wholly)
 * parse is one refused item with the parser's reason — the records it did yield stay accepted,
 * except when the parser calls the text invalid (Fluentd raises: nothing of it is taken).
 */
function parsedOutcome(parsed: ParsedBody, o: ResolvedIngestOptions): Outcome | number {
  const total = parsed.count + parsed.tooLarge.length
  if (total > o.maxEventsPerRequest) return total
  const rejected: Rejected[] = parsed.tooLarge.map(({ index, size }) => ({ line: 1, index, error: tooLargeError(size, o.recordSizeLimit) }))
  const invalid = parsed.failure?.kind === 'invalid'
  if (parsed.failure !== null) rejected.push({ line: 1, error: parsed.failure.reason })
  return {
    entries: invalid ? new Uint8Array(0) : parsed.entries,
    count: invalid ? 0 : parsed.count,
    rejected,
    tooLarge: parsed.tooLarge.length,
  }
}

/**
 * Puts the body where its Content-Type says (form fields, or a payload param; `text` for JSON or
 * NDJSON text); false for a type the edge does not read.
 */
function bodyParams(contentType: string, body: Uint8Array, params: Params): boolean {
  const type = contentType.toLowerCase().split(';')[0].trim()
  // `curl -d '{"k":"v"}'` sends JSON as a form: a form body that starts like JSON is read as JSON.
  if (type === 'application/x-www-form-urlencoded' && looksLikeJson(body)) params.set('text', body)
  else if (type === 'application/x-www-form-urlencoded') parseUrlEncoded(body, params)
  else if (type === 'multipart/form-data') {
    const boundary = multipartBoundary(contentType)
    if (boundary === null) throw new Error('multipart/form-data without a boundary')
    parseMultipart(body, boundary, params)
  } else if (type === 'application/json' || type === 'application/csp-report' || type === 'text/plain' || type === '')
    params.set('text', body)
  else if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/jsonlines') params.set('ndjson', body)
  else if (type === 'application/msgpack' || type === 'application/x-msgpack' || type === 'application/vnd.msgpack')
    params.set('msgpack', body)
  else if (type === 'application/octet-stream') params.set(looksLikeJson(body) ? 'text' : 'msgpack', body)
  else return false
  return true
}

/** The payload by in_http's precedence (msgpack, json, ndjson params), else the raw body. */
function pickPayload(params: Params): { bytes: Uint8Array; format: 'text' | 'ndjson' | 'msgpack' } {
  const msgpack = params.get('msgpack')
  if (msgpack !== undefined) return { bytes: msgpack, format: 'msgpack' }
  const jsonText = params.get('json')
  if (jsonText !== undefined) return { bytes: jsonText, format: 'text' }
  const ndjson = params.get('ndjson')
  if (ndjson !== undefined) return { bytes: ndjson, format: 'ndjson' }
  return { bytes: params.get('text') ?? new Uint8Array(0), format: 'text' }
}

function looksLikeJson(body: Uint8Array): boolean {
  for (const b of body) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue
    return b === 0x7b || b === 0x5b
  }
  return false
}
