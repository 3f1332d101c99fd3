/**
 * @module The route config of the `edge` project's test Worker (SLUICE_CONFIG), with the ports of
 * the peers global-setup.ts started; read by vitest.config.ts (Node) and handed to miniflare.
 */

import type { Peers } from './peers.ts'

export function testWorkerConfig(peers: Peers): string {
  return `
<source>
  @type http
</source>
<match queue.ok.**>
  @type queue
  @id q_ok
  retry_wait 0
  <store>
    @type capture
    @id q_ok_store
  </store>
</match>
<match queue.flaky.**>
  @type queue
  @id q_flaky
  retry_wait 0
  <store>
    @type flaky
    @id q_flaky_store
    fail_times 2
  </store>
</match>
<match queue.dead.**>
  @type queue
  @id q_dead
  retry_wait 0
  <store>
    @type flaky
    @id q_dead_store
    fail_times 1000000
  </store>
</match>
<match queue.fwd.**>
  @type queue
  @id q_fwd
  <store>
    @type forward
    <server>
      host 127.0.0.1
      port ${peers.sluice}
    </server>
  </store>
</match>
<match fwd.**>
  @type forward
  <server>
    host 127.0.0.1
    port ${peers.sluice}
  </server>
</match>
<match **>
  @type capture
  @id worker_capture
</match>
`
}
