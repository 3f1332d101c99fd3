/**
 * @module The relay benchmark's scenarios as sluice configs (port 0 everywhere; the driver reads
 * the bound ports from each process's `listening` lines):
 * (a) in_forward → out_null;
 * (b) in_forward → filter_grep on one field (a pattern every line matches, so every record is
 *     tested and kept) → out_null;
 * (c) in_forward → filter_grep → out_forward (require_ack_response) → a second sluice's
 *     in_forward → out_null;
 * (d) as (c) with a file buffer (`{{dir}}` is the run's scratch directory): RSS stays bounded
 *     because chunks are on disk, whatever the queue length.
 */

export interface NodeSpec {
  /** Name in the report (A is the one the load hits). */
  name: string
  /** Config text; `{{next:<name>}}` is replaced by that node's in_forward port. */
  config: string
}

export interface Scenario {
  id: 'a' | 'b' | 'c' | 'd'
  title: string
  /** Started last to first, so a node's downstream is listening before its config is written. */
  nodes: NodeSpec[]
  /** The plugin types it needs: `input:forward`, `output:null` … */
  needs: string[]
}

const SOURCE = `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
`

const GREP = `<filter **>
  @type grep
  @id grep
  <regexp>
    key message
    pattern /./
  </regexp>
</filter>
`

const NULL = `<match **>
  @type null
  @id out
</match>
`

/**
 * out_forward with acks; a short flush interval so the relay adds little latency. The `<buffer>`
 * is left out while out_forward has no buffer section (it then sends each stream as it comes).
 */
const FORWARD = `<match **>
  @type forward
  @id out
  require_ack_response true
  <server>
    host 127.0.0.1
    port {{next:B}}
  </server>
{{buffer}}</match>
`

/** out_forward as in (c) with the same buffer kept in files. */
const FORWARD_FILE = FORWARD.replace('{{buffer}}', '{{file-buffer}}')

export const FORWARD_BUFFER = `  <buffer tag>
    flush_mode interval
    flush_interval 0.1s
    flush_thread_count 4
    chunk_limit_size 4m
    total_limit_size 512m
    overflow_action block
  </buffer>
`

/** FORWARD_BUFFER's limits with the chunks in files under the run's scratch directory. */
export const FORWARD_FILE_BUFFER = FORWARD_BUFFER.replace('<buffer tag>\n', '<buffer tag>\n    @type file\n    path {{dir}}/relay-buffer\n')

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'a',
    title: 'forward → null',
    nodes: [{ name: 'A', config: SOURCE + NULL }],
    needs: ['input:forward', 'output:null'],
  },
  {
    id: 'b',
    title: 'forward → grep → null',
    nodes: [{ name: 'A', config: SOURCE + GREP + NULL }],
    needs: ['input:forward', 'filter:grep', 'output:null'],
  },
  {
    id: 'c',
    title: 'forward → grep → forward(ack) → sluice → null',
    nodes: [
      { name: 'A', config: SOURCE + GREP + FORWARD },
      { name: 'B', config: SOURCE + NULL },
    ],
    needs: ['input:forward', 'filter:grep', 'output:forward', 'output:null'],
  },
  {
    id: 'd',
    title: 'as (c), out_forward with a file buffer',
    nodes: [
      { name: 'A', config: SOURCE + GREP + FORWARD_FILE },
      { name: 'B', config: SOURCE + NULL },
    ],
    needs: ['input:forward', 'filter:grep', 'output:forward', 'output:null'],
  },
]

/** The node whose out_null counts delivered events: the last one. */
export function sinkNode(s: Scenario): NodeSpec {
  return s.nodes[s.nodes.length - 1]
}
