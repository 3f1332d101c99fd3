/**
 * @module The relay benchmark's parts that can break silently: every scenario's configs are valid
 * sluice configs (as `sluice check` sees them), and the /proc readers read this process.
 */

import { describe, expect, it } from 'vitest'
import { createLogger } from '../../engine/log.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import { prepareAgent } from '../../node-server/ops/prepare.ts'
import { cpuSeconds, memory } from './proc-stats.ts'
import { FORWARD_BUFFER, FORWARD_FILE_BUFFER, SCENARIOS } from './scenarios.ts'

describe('bench:relay', () => {
  for (const scenario of SCENARIOS) {
    for (const node of scenario.nodes) {
      it(`scenario ${scenario.id} node ${node.name} is a valid config`, async () => {
        const text = node.config
          .replace(/\{\{next:\w+\}\}/g, '24224')
          .replace('{{buffer}}', FORWARD_BUFFER)
          .replace('{{file-buffer}}', FORWARD_FILE_BUFFER)
          .replaceAll('{{dir}}', '/var/lib/sluice')
        const silent = createLogger(() => {}, 'fatal')
        const prepared = await prepareAgent(
          { kind: 'text', text, name: `${scenario.id}-${node.name}.conf` },
          { registry: nodeRegistry(), logger: () => silent },
        )
        expect(prepared.errors.map((e) => e.message)).toEqual([])
        expect(prepared.agent!.plugins.map((p) => p.id)).toContain('out')
      })
    }
  }

  it('reads CPU time and memory from /proc', () => {
    const cpu = cpuSeconds(process.pid)
    expect(cpu).toBeGreaterThan(0)
    const mem = memory(process.pid)!
    expect(mem.rss).toBeGreaterThan(1 << 20)
    expect(mem.peak).toBeGreaterThanOrEqual(mem.rss)
    expect(cpuSeconds(2 ** 22 + 12345)).toBeNull()
  })
})
