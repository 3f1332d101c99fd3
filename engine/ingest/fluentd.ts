/**
 * @module The POST handler of `responses: 'fluentd'` (in_http's answers): `POST /a/b` → events
 * tagged `a.b`. The payload is picked per Content-Type or the json / ndjson / msgpack params
 * (Fluentd's `parse_params_default`: msgpack, then json, then ndjson). JSON and NDJSON go through
 * the core's transcoder straight into entries (json-body.ts); msgpack is decoded (payload.ts) and
 * timed and decorated per records.ts. One EventStream is emitted; the answer waits for the emit.
 *
 * With a `<parse>` parser (not the default in_http one) the whole body is its text, whatever the
 * Content-Type (parsed-body.ts): what does not match is skipped (200, debug log, as Fluentd), what
 * the parser refuses as invalid (a time that does not fit time_format…) is a 400.
 *
 * Statuses: 200 (empty text/plain; 204 / GIF when configured) — also for syntactically invalid
 * JSON, which emits nothing (Fluentd's behaviour, logged at debug); 400 for undecodable bodies,
 * bad params or times (body: the error); 500 when the emit fails; 503 + Retry-After when it fails
 * for backpressure (a full buffer, or one shutting down): nothing of the request was accepted.
 */

import * as abi from '../../wasm/abi.ts'
import { type EventStream, streamFromEvents } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { BodyError, decodeContentEncoding } from './body.ts'
import { corsResponseHeaders } from './cors.ts'
import { emitRequest } from './emit.ts'
import { multipartBoundary, parseMultipart, parseUrlEncoded, type Params } from './form.ts'
import { extrasOf, itemProblem, itemsToCheck, type JsonBodies, timeProblem } from './json-body.ts'
import type { ResolvedIngestOptions } from './options.ts'
import { decorationEntries, type ParsedBodies, type ParsedBody } from './parsed-body.ts'
import { PARAM_REQUIRED, parseMsgpackPayload, PayloadError } from './payload.ts'
import { buildEvents, headerFields, queryFields, timeFromParam } from './records.ts'
import { type IngestAnswer, type IngestRequest, remoteAddrOf, tagFromPath } from './request.ts'
import { accepted, badRequest, serverError, unavailable } from './responses.ts'

const textDecoder = new TextDecoder()

export async function ingestFluentd(
  req: IngestRequest,
  o: ResolvedIngestOptions,
  bodies: JsonBodies,
  parsed: ParsedBodies | null,
): Promise<IngestAnswer> {
  const headers = corsResponseHeaders(req.header('origin') ?? null, o.corsAllowOrigins, o.corsAllowCredentials)
  const path = req.path
  const tag = tagFromPath(path, o.addTagPrefix)
  const fail = (message: string, level: 'error' | 'warn' = 'error') => {
    if (o.metrics) o.metrics.errors++
    if (o.dumpErrorLog || level === 'warn') o.log?.[level]('failed to process request', { path, error: message })
    return badRequest(message, headers)
  }
  if (tag === null) return fail('the tag is the request path: POST /<tag>, e.g. /app.web or /app/web')

  const raw = await req.body()
  if (o.metrics) o.metrics.bytesIn += raw.length
  let body: Uint8Array
  try {
    body = await decodeContentEncoding(raw, req.header('content-encoding') ?? null, o.decompressionSizeLimit)
  } catch (error) {
    if (error instanceof BodyError) return fail(error.message, 'warn')
    throw error
  }

  const query = parseUrlEncoded(req.query)
  if (parsed !== null) {
    let outcome: ParsedBody
    try {
      outcome = parseBody(req, o, parsed, body, query)
    } catch (error) {
      if (error instanceof PayloadError) return fail(error.message)
      throw error
    }
    // Fluentd: a parser that raises (a time that does not fit time_format…) → 400, nothing emitted.
    if (outcome.failure?.kind === 'invalid') return fail(outcome.failure.reason)
    if (outcome.failure !== null) skipped(o, path, outcome.failure.count, outcome.failure.reason)
    const large = outcome.tooLarge
    if (large.length > 0) skipped(o, path, large.length, `record is ${large[0].size} bytes (msgpack), more than record_size_limit`)
    if (outcome.count === 0) return accepted(o, headers)
    return emitAnswer(o, { tag, entries: outcome.entries, count: outcome.count }, headers)
  }
  const params: Params = new Map(query)
  const contentType = req.header('content-type') ?? ''
  const type = contentType.toLowerCase()
  try {
    if (type.startsWith('application/x-www-form-urlencoded')) parseUrlEncoded(body, params)
    else if (type.startsWith('multipart/form-data')) {
      const boundary = multipartBoundary(contentType)
      if (boundary === null) return fail('multipart/form-data without a boundary')
      parseMultipart(body, boundary, params)
    } else if (type.startsWith('application/json') || type.startsWith('application/csp-report')) params.set('json', body)
    else if (type.startsWith('application/msgpack') || type.startsWith('application/x-msgpack')) params.set('msgpack', body)
    else if (type.startsWith('application/x-ndjson')) params.set('ndjson', body)
  } catch (error) {
    return fail(`invalid form body: ${error instanceof Error ? error.message : String(error)}`)
  }

  let stream: EventStream
  try {
    const headerPairs = o.addHttpHeaders ? headerFields(req.headers()) : null
    const queryPairs = o.addQueryParams ? queryFields(query) : null
    const remoteAddr = o.addRemoteAddr ? remoteAddrOf(req) : undefined
    const timeParam = params.get('time')
    const msgpack = params.get('msgpack')
    const json = msgpack === undefined ? params.get('json') : undefined
    const ndjson = msgpack === undefined && json === undefined ? params.get('ndjson') : undefined
    if (msgpack !== undefined) {
      const payload = parseMsgpackPayload(msgpack)
      skipped(o, path, payload.skipped, payload.skipReason)
      stream = streamFromEvents(tag, buildEvents(payload.records, { headers: headerPairs, query: queryPairs, remoteAddr, timeParam }, o))
    } else if (json !== undefined || ndjson !== undefined) {
      const text = (json ?? ndjson)!
      const fixed = timeParam === undefined ? null : timeFromParam(textDecoder.decode(timeParam), o.now)
      const now = fixed ?? EventTime.now(o.now)
      const parser = bodies.parser(fixed === null, extrasOf(headerPairs, queryPairs, remoteAddr))
      parser.runBytes(text, json !== undefined ? 'value' : 'lines', now.sec, now.nsec)
      // The `time` param sets every event's time and leaves the field alone.
      const check = itemsToCheck(parser, fixed === null)
      let dropped = 0
      let reason: string | null = null
      for (const i of check) {
        if (parser.item(i, abi.I_STATUS) !== abi.ITEM_OK) {
          dropped++
          reason = itemProblem(parser, i, text)
          continue
        }
        const problem = timeProblem(parser, i, text, o.timeKey)
        if (problem === null) continue
        // Fluentd numbers the request's records (objects), from 0.
        let records = 0
        for (let k = 0; k < i; k++) if (parser.item(k, abi.I_STATUS) === abi.ITEM_OK) records++
        throw new PayloadError(`record ${records}: ${problem}`)
      }
      skipped(o, path, dropped, reason)
      stream = { tag, entries: parser.entries(), count: parser.entryCount }
    } else {
      return fail(PARAM_REQUIRED)
    }
  } catch (error) {
    if (error instanceof PayloadError) return fail(error.message)
    throw error
  }
  if (stream.count === 0) return accepted(o, headers)
  return emitAnswer(o, stream, headers)
}

/** Emits the request's stream; the answer waits for it. */
async function emitAnswer(o: ResolvedIngestOptions, stream: EventStream, headers: Record<string, string>): Promise<IngestAnswer> {
  const outcome = await emitRequest(o, stream)
  if (!outcome.ok) {
    if (outcome.backpressure) return unavailable(outcome.message, o.retryAfterSeconds, headers)
    if (o.dumpErrorLog) o.log?.error('failed to emit data', { tag: stream.tag, count: stream.count, error: outcome.message })
    return serverError(outcome.message, headers)
  }
  return accepted(o, headers)
}

/** The body through the `<parse>` parser, decorated and timed as the request says (both answer styles). */
export function parseBody(req: IngestRequest, o: ResolvedIngestOptions, parsed: ParsedBodies, body: Uint8Array, query: Params): ParsedBody {
  const timeParam = query.get('time')
  const fixed = timeParam === undefined ? null : timeFromParam(textDecoder.decode(timeParam), o.now)
  const set = decorationEntries(
    o.addHttpHeaders ? headerFields(req.headers()) : null,
    o.addQueryParams ? queryFields(query) : null,
    o.addRemoteAddr ? remoteAddrOf(req) : undefined,
  )
  return parsed.parse(body, fixed ?? EventTime.now(o.now), fixed, set)
}

/** Fluentd's "incoming event is invalid" (debug), counted as dropped. */
function skipped(o: ResolvedIngestOptions, path: string, count: number, reason: string | null): void {
  if (count === 0) return
  if (o.metrics) o.metrics.dropped += count
  o.log?.debug('incoming event is invalid', { path, skipped: count, reason })
}
