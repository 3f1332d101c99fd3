/**
 * @module in_http's `<parse>` (a parser other than the default in_http one) as ONE suite, run
 * against node-server's in_http over real HTTP and the Workers edge runtime inside workerd, with
 * in_http's answers (`responses fluentd`) and the edge's: the whole body (after Content-Encoding,
 * whatever its Content-Type) is the parser's one text, as Fluentd's `parse_params_with_parser`;
 * each record gets the decorations and the `time` param; what does not match is skipped (Fluentd:
 * 200) or refused (edge: 400 with the reason); what the parser calls invalid is a 400. A runner
 * supplies `makeTarget(source, now)`: the app built by an agent from `<source>` lines (params and
 * sections, as written in a .conf) and the given clock. Runtime-neutral.
 */

import { encode } from '@msgpack/msgpack'
import { afterEach, describe, expect, it } from 'vitest'
import { EventTime } from '../event-time.ts'
import { compress, type IngestTarget, NOW_MS, post } from './ingest-cases/support.ts'

/** A target from the lines inside `<source> @type http … </source>`. */
export type MakeParseTarget = (source: string, now: () => number) => Promise<IngestTarget>

const NOW = EventTime.now(() => NOW_MS)

const REGEXP =
  '<parse>\n  @type regexp\n  expression /^(?<host>\\S+) (?<time>\\S+) (?<msg>.*)$/\n  time_format %Y-%m-%dT%H:%M:%S%z\n</parse>'

export function runParseIngestSuite(name: string, responses: 'fluentd' | 'edge', makeTarget: MakeParseTarget): void {
  describe(`in_http <parse> (${name}, responses ${responses})`, () => {
    const open: IngestTarget[] = []
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()))
    })
    const target = async (source: string) => {
      const t = await makeTarget(source, () => NOW_MS)
      open.push(t)
      return t
    }
    /** The answer of an accepted request: in_http's empty 200, or the edge's 202 with the count. */
    const acceptedAs = async (res: Response, count: number) => {
      if (responses === 'fluentd') {
        expect(res.status).toBe(200)
        expect(await res.text()).toBe('')
      } else {
        expect(res.status).toBe(202)
        expect(await res.json()).toEqual({ accepted: count, rejected: [], rejected_count: 0 })
      }
    }

    it('@type none: the whole body is one record, whatever the Content-Type (JSON too)', async () => {
      const t = await target('<parse>\n  @type none\n</parse>')
      await acceptedAs(await t.fetch(post('/app/web', '{"a":1}\nsecond line', 'application/json')), 1)
      await acceptedAs(await t.fetch(post('/app/plain', 'plain text', 'text/plain')), 1)
      expect(t.events()).toEqual([
        { tag: 'app.web', time: NOW, record: { message: '{"a":1}\nsecond line' } },
        { tag: 'app.plain', time: NOW, record: { message: 'plain text' } },
      ])
    })

    it('@type regexp: named captures, the time from the text by time_format', async () => {
      const t = await target(REGEXP)
      await acceptedAs(await t.fetch(post('/access', 'web1 2023-06-14T15:16:17+0000 GET /index.html', 'text/plain')), 1)
      expect(t.events()).toEqual([{ tag: 'access', time: new EventTime(1686755777), record: { host: 'web1', msg: 'GET /index.html' } }])
    })

    it('a form-typed body is not read as a form: ltsv gets its bytes', async () => {
      const t = await target('<parse>\n  @type ltsv\n</parse>')
      await acceptedAs(await t.fetch(post('/ltsv', 'a:1\tb:x=y&z', 'application/x-www-form-urlencoded')), 1)
      expect(t.events().map((e) => e.record)).toEqual([{ a: '1', b: 'x=y&z' }])
    })

    it('a gzip body is inflated first; the time param sets every time; QUERY_* and HTTP_* are added', async () => {
      const t = await target('add_query_params true\nadd_http_headers true\n<parse>\n  @type none\n  message_key log\n</parse>')
      const body = await compress('compressed line', 'gzip')
      const res = await t.fetch(post('/z?time=1441588984.5&env=prod', body, 'text/plain', { 'content-encoding': 'gzip', 'x-trace': 'abc' }))
      await acceptedAs(res, 1)
      const [event] = t.events()
      expect(event.time).toEqual(new EventTime(1441588984, 500_000_000))
      expect(event.record).toMatchObject({ log: 'compressed line', QUERY_TIME: '1441588984.5', QUERY_ENV: 'prod', HTTP_X_TRACE: 'abc' })
      // The parser's own key comes first, the decorations after it.
      expect(Object.keys(event.record)[0]).toBe('log')
    })

    it('a decoration replaces a parsed key of the same name in place', async () => {
      const t = await target('add_query_params true\n<parse>\n  @type ltsv\n</parse>')
      await acceptedAs(await t.fetch(post('/q?a=from-query', 'QUERY_A:from-body\tz:1', 'text/plain')), 1)
      expect(t.events().map((e) => e.record)).toEqual([{ QUERY_A: 'from-query', z: '1' }])
    })

    it('@type json: an array body gives one event per object, timed by the parser’s time_key', async () => {
      const t = await target('<parse>\n  @type json\n  time_key ts\n</parse>')
      await acceptedAs(await t.fetch(post('/j', '[{"ts":1441588984,"a":1},{"ts":1441588985.25,"a":2}]', 'text/plain')), 2)
      expect(t.events()).toEqual([
        { tag: 'j', time: new EventTime(1441588984), record: { a: 1 } },
        { tag: 'j', time: new EventTime(1441588985, 250_000_000), record: { a: 2 } },
      ])
    })

    it('@type msgpack: every object of the body is an event', async () => {
      const t = await target('<parse>\n  @type msgpack\n</parse>')
      const body = new Uint8Array([...encode({ a: 1 }), ...encode({ b: 'two' })])
      await acceptedAs(await t.fetch(post('/m', body, 'application/octet-stream')), 2)
      expect(t.events().map((e) => [e.time, e.record])).toEqual([
        [NOW, { a: 1 }],
        [NOW, { b: 'two' }],
      ])
    })

    it('@type multiline: a posted stack trace is one record (its formats over the whole body)', async () => {
      const t = await target(
        '<parse>\n  @type multiline\n  format_firstline /^\\d{4}-/\n  format1 /^(?<time>\\S+) (?<level>[A-Z]+) (?<message>.*)/\n  time_format %Y-%m-%dT%H:%M:%S%z\n</parse>',
      )
      const trace = '2023-06-14T15:16:17+0000 ERROR boom\n  at a (app.js:1)\n  at b (app.js:2)'
      await acceptedAs(await t.fetch(post('/trace', trace, 'text/plain')), 1)
      expect(t.events()).toEqual([
        {
          tag: 'trace',
          time: new EventTime(1686755777),
          record: { level: 'ERROR', message: 'boom\n  at a (app.js:1)\n  at b (app.js:2)' },
        },
      ])
    })

    it('REMOTE_ADDR is the first X-Forwarded-For address', async () => {
      const t = await target('add_remote_addr true\n<parse>\n  @type none\n</parse>')
      await acceptedAs(await t.fetch(post('/ip', 'x', 'text/plain', { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' })), 1)
      expect(t.events().map((e) => e.record)).toEqual([{ message: 'x', REMOTE_ADDR: '203.0.113.7' }])
    })

    it('v0.12 flat `format` is read as the <parse> section', async () => {
      const t = await target('format none\nmessage_key text')
      await acceptedAs(await t.fetch(post('/flat', 'old style', 'application/json')), 1)
      expect(t.events().map((e) => e.record)).toEqual([{ text: 'old style' }])
    })

    it('a body that does not match emits nothing: 200 as Fluentd (edge: 400 with the reason)', async () => {
      const t = await target(REGEXP)
      const res = await t.fetch(post('/nomatch', 'no-spaces-here', 'text/plain'))
      if (responses === 'fluentd') {
        expect(res.status).toBe(200)
      } else {
        expect(res.status).toBe(400)
        const a = (await res.json()) as { accepted: number; rejected: { line: number; error: string }[]; rejected_count: number }
        expect(a).toMatchObject({ accepted: 0, rejected_count: 1 })
        expect(a.rejected[0].line).toBe(1)
        expect(a.rejected[0].error).toMatch(/not match/)
      }
      expect(t.events()).toEqual([])
    })

    it('a time that does not fit time_format is a 400 naming the problem; nothing is emitted', async () => {
      const t = await target(REGEXP)
      const res = await t.fetch(post('/badtime', 'web1 yesterday GET /', 'text/plain'))
      expect(res.status).toBe(400)
      expect(await res.text()).toMatch(/yesterday/)
      expect(t.events()).toEqual([])
    })

    it('an emit failure is a 500 with the error; nothing is kept', async () => {
      const t = await target('<parse>\n  @type none\n</parse>')
      t.failEmits(new Error('output is broken'))
      const res = await t.fetch(post('/fail', 'x', 'text/plain'))
      expect(res.status).toBe(500)
      expect(await res.text()).toMatch(/output is broken/)
    })

    if (responses === 'edge') {
      it('edge limits: a record over record_size_limit is refused on its own; more than max_events_per_request → 413', async () => {
        const t = await target('record_size_limit 64\nmax_events_per_request 2\n<parse>\n  @type json\n</parse>')
        const res = await t.fetch(post('/big', JSON.stringify([{ a: 1 }, { pad: 'x'.repeat(100) }]), 'application/json'))
        expect(res.status).toBe(202)
        const a = (await res.json()) as { accepted: number; rejected: { line: number; index: number; error: string }[] }
        expect(a.accepted).toBe(1)
        expect(a.rejected).toEqual([{ line: 1, index: 1, error: expect.stringMatching(/record_size_limit \(64\)/) }])
        const many = await t.fetch(post('/many', '[{"a":1},{"a":2},{"a":3}]', 'application/json'))
        expect(many.status).toBe(413)
        expect(t.events().map((e) => e.record)).toEqual([{ a: 1 }])
      })

      it('an empty body is a 400', async () => {
        const t = await target('<parse>\n  @type none\n</parse>')
        expect((await t.fetch(post('/empty', '', 'text/plain'))).status).toBe(400)
      })
    } else {
      it('an empty body is the parser’s empty text (Fluentd passes "")', async () => {
        const t = await target('<parse>\n  @type none\n</parse>')
        await acceptedAs(await t.fetch(post('/empty', '', 'text/plain')), 1)
        expect(t.events().map((e) => e.record)).toEqual([{ message: '' }])
      })
    }
  })
}
