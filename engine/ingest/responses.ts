/**
 * @module in_http's answers, byte for byte where Fluentd's are fixed: `200` with an empty
 * text/plain body (or `204`, or the 1×1 GIF), `400 Bad Request\n<error>\n`,
 * `500 Internal Server Error\n<error>\n`, and sluice's `503` with Retry-After for backpressure.
 * They are IngestAnswers (request.ts): the Hono app makes Responses of them, a server writes them.
 */

import type { IngestAnswer } from './request.ts'

/** Fluentd's EMPTY_GIF_IMAGE (35 bytes). */
export const EMPTY_GIF = new Uint8Array([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0xff, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00,
  0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
])

type Headers = Record<string, string>

export function text(status: number, body: string, headers: Headers = {}): IngestAnswer {
  return status === 204 ? { status, headers, body: null } : { status, headers: { 'Content-Type': 'text/plain', ...headers }, body }
}

/** The success answer per use_204_response / respond_with_empty_img. */
export function accepted(options: { use204Response: boolean; respondWithEmptyImg: boolean }, headers: Headers): IngestAnswer {
  if (options.respondWithEmptyImg)
    return { status: 200, headers: { 'Content-Type': 'image/gif; charset=utf-8', ...headers }, body: EMPTY_GIF }
  if (options.use204Response) return text(204, '', headers)
  return text(200, '', headers)
}

export const badRequest = (message: string, headers: Headers = {}) => text(400, `400 Bad Request\n${message}\n`, headers)
export const serverError = (message: string, headers: Headers = {}) => text(500, `500 Internal Server Error\n${message}\n`, headers)
export const tooLarge = (message: string, headers: Headers = {}) => text(413, `413 Request Entity Too Large\n${message}\n`, headers)
export const unavailable = (message: string, retryAfter: number, headers: Headers = {}) =>
  text(503, `503 Service Unavailable\n${message}\n`, { 'Retry-After': String(retryAfter), ...headers })
