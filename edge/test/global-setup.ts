/**
 * @module Global setup of the `edge` vitest project (runs in Node, around the workerd tests):
 * a real sluice in_forward (an agent with node-server's in_forward and `@type capture`), another
 * with `<security>` (shared key and user auth: the edge's handshake against sluice's), the
 * Forward peers of aggregator.ts (acking, handshake, silent, closing, wrong ack), an HTTP sink, and
 * a control API the workerd tests read them through: GET /events/<peer>?tag=<prefix>,
 * GET /messages/<peer>, GET /handshakes/<peer>, GET /sink?path=<prefix>, POST /sink/plan.
 * Ports are handed to the tests with `provide('peers', …)`. Tests use unique tags: files run side by side.
 */

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import { startAgent } from '../../test/helpers/agent.ts'
import { captures } from '../../test/helpers/capture-output.ts'
import { inForward, type ForwardInput } from '../../node-server/plugins/in_forward/index.ts'
import { startForwardPeer, startHttpSink, type ForwardPeer, type ReceivedEvent } from './aggregator.ts'
import type { Peers } from './peers.ts'

const json = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v))

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sluice = await startAgent(
    `
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
<match **>
  @type capture
  @id edge_capture
</match>`,
    [inForward],
  )
  const input = sluice.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput
  const capture = captures.get('edge_capture')!
  const secureSluice = await startAgent(
    `
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
  <security>
    self_hostname sluice.test
    shared_key secret
    user_auth true
    <user>
      username edge
      password pw
    </user>
  </security>
</source>
<match **>
  @type capture
  @id edge_secure_capture
</match>`,
    [inForward],
  )
  const secureInput = secureSluice.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput
  const secureCapture = captures.get('edge_secure_capture')!
  const peers: Record<string, ForwardPeer> = {
    plain: await startForwardPeer('plain', { behaviour: 'ack' }),
    secure: await startForwardPeer('secure', { behaviour: 'ack', sharedKey: 'secret', hostname: 'aggregator.test' }),
    silent: await startForwardPeer('silent', { behaviour: 'silent' }),
    closing: await startForwardPeer('closing', { behaviour: 'close' }),
    wrongAck: await startForwardPeer('wrongAck', { behaviour: 'wrong-ack' }),
  }
  const sink = await startHttpSink()

  const captured = (c: typeof capture): ReceivedEvent[] =>
    c.events.map((e) => ({ tag: e.tag, time: [e.time.sec, e.time.nsec], integerTime: false, record: e.record }))
  const eventsOf = (name: string): ReceivedEvent[] =>
    name === 'sluice' ? captured(capture) : name === 'sluiceSecure' ? captured(secureCapture) : (peers[name]?.events ?? [])

  const control: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control')
    const [, what, name] = url.pathname.split('/')
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const answer = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(json(value))
      const tag = url.searchParams.get('tag') ?? ''
      if (what === 'events') return answer(eventsOf(name).filter((e) => e.tag.startsWith(tag)))
      if (what === 'messages') return answer(peers[name].messages.filter((m) => m.tag.startsWith(tag)))
      if (what === 'handshakes') return answer(peers[name].handshakes)
      if (what === 'connections') return answer(peers[name].connections)
      if (what === 'sink' && req.method === 'POST') {
        sink.plan.push(...(JSON.parse(Buffer.concat(chunks).toString()) as number[]))
        return answer({ planned: sink.plan.length })
      }
      if (what === 'sink') return answer(sink.requests.filter((r) => r.path.startsWith(url.searchParams.get('path') ?? '')))
      res.writeHead(404).end()
    })
  })
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve))

  const ports: Peers = {
    control: (control.address() as AddressInfo).port,
    sluice: input.address().port,
    sluiceSecure: secureInput.address().port,
    plain: peers.plain.port,
    secure: peers.secure.port,
    silent: peers.silent.port,
    closing: peers.closing.port,
    wrongAck: peers.wrongAck.port,
    sink: sink.port,
  }
  project.provide('peers', ports)

  return async () => {
    await new Promise((resolve) => control.close(resolve))
    await Promise.all(Object.values(peers).map((peer) => peer.stop()))
    sink.server.closeAllConnections()
    await new Promise((resolve) => sink.server.close(resolve))
    await sluice.stop()
    await secureSluice.stop()
  }
}
