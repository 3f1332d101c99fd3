/**
 * @module The reference's msgpack reader: reads one top-level msgpack object header by header, front
 * to back, and either returns a tree of positions (`MsgNode`) or stops exactly where
 * docs/core-abi.md §1.1 says a byte-by-byte scanner stops (NEED_MORE, FRAME_TOO_LARGE, INVALID).
 * It is written for clarity, not speed: it is the test oracle.
 */

/** The msgpack type families the framer cares about. */
export type Kind = 'nil' | 'bool' | 'int' | 'float' | 'str' | 'bin' | 'ext' | 'array' | 'map'

/** One msgpack object found in the bytes. */
export interface MsgNode {
  kind: Kind
  /** Offset of the format (header) byte. */
  start: number
  /** Offset just past the last byte of the object (children included). */
  end: number
  /** Offset just past the header (format byte, length field, ext type byte): str/bin/ext data, a number's value bytes, the first child. */
  body: number
  /** The format byte, e.g. 0xd7 for fixext8. */
  format: number
  /** Ints only: the exact value. */
  int: bigint
  /** Ext only: the signed ext type. */
  extType: number
  /** Arrays: the elements. Maps: keys and values interleaved (k0, v0, k1, v1, ...). */
  children: MsgNode[]
}

/** Why reading stopped. `at` is the offset of the header byte being read. */
export type ScanStop = { kind: 'needMore'; at: number; need: number } | { kind: 'tooLarge'; at: number } | { kind: 'invalid'; at: number }

/**
 * How a format byte is laid out: `header` bytes (the format byte, its length field, and for ext
 * the type byte), then a payload of a fixed or announced size, or `count` children.
 */
interface Layout {
  kind: Kind
  /** Format byte + length field + ext type byte (1 to 6). */
  header: number
  /** Width of the length or count field after the format byte (0, 1, 2 or 4). */
  lengthWidth: number
  /** Payload size when no length field gives it (fixed-size numbers, fixext data, fixstr). */
  fixedPayload: number
  /** Children per announced element: 1 for arrays, 2 for maps, 0 otherwise. */
  childrenPerCount: number
  /** Element count encoded in the format byte itself (fixarray, fixmap). */
  fixCount: number
}

function layout(kind: Kind, header: number, rest: Partial<Layout> = {}): Layout {
  return { kind, header, lengthWidth: 0, fixedPayload: 0, childrenPerCount: 0, fixCount: 0, ...rest }
}

/** The layout of the object whose format byte is `b` (never called with 0xc1). */
export function layoutOf(b: number): Layout {
  if (b <= 0x7f) return layout('int', 1)
  if (b <= 0x8f) return layout('map', 1, { childrenPerCount: 2, fixCount: b & 0x0f })
  if (b <= 0x9f) return layout('array', 1, { childrenPerCount: 1, fixCount: b & 0x0f })
  if (b <= 0xbf) return layout('str', 1, { fixedPayload: b & 0x1f })
  if (b >= 0xe0) return layout('int', 1)
  switch (b) {
    case 0xc0:
      return layout('nil', 1)
    case 0xc2:
    case 0xc3:
      return layout('bool', 1)
    case 0xc4:
      return layout('bin', 2, { lengthWidth: 1 })
    case 0xc5:
      return layout('bin', 3, { lengthWidth: 2 })
    case 0xc6:
      return layout('bin', 5, { lengthWidth: 4 })
    case 0xc7:
      return layout('ext', 3, { lengthWidth: 1 })
    case 0xc8:
      return layout('ext', 4, { lengthWidth: 2 })
    case 0xc9:
      return layout('ext', 6, { lengthWidth: 4 })
    case 0xca:
      return layout('float', 1, { fixedPayload: 4 })
    case 0xcb:
      return layout('float', 1, { fixedPayload: 8 })
    case 0xcc:
    case 0xd0:
      return layout('int', 1, { fixedPayload: 1 })
    case 0xcd:
    case 0xd1:
      return layout('int', 1, { fixedPayload: 2 })
    case 0xce:
    case 0xd2:
      return layout('int', 1, { fixedPayload: 4 })
    case 0xcf:
    case 0xd3:
      return layout('int', 1, { fixedPayload: 8 })
    case 0xd4:
      return layout('ext', 2, { fixedPayload: 1 })
    case 0xd5:
      return layout('ext', 2, { fixedPayload: 2 })
    case 0xd6:
      return layout('ext', 2, { fixedPayload: 4 })
    case 0xd7:
      return layout('ext', 2, { fixedPayload: 8 })
    case 0xd8:
      return layout('ext', 2, { fixedPayload: 16 })
    case 0xd9:
      return layout('str', 2, { lengthWidth: 1 })
    case 0xda:
      return layout('str', 3, { lengthWidth: 2 })
    case 0xdb:
      return layout('str', 5, { lengthWidth: 4 })
    case 0xdc:
      return layout('array', 3, { childrenPerCount: 1, lengthWidth: 2 })
    case 0xdd:
      return layout('array', 5, { childrenPerCount: 1, lengthWidth: 4 })
    case 0xde:
      return layout('map', 3, { childrenPerCount: 2, lengthWidth: 2 })
    default:
      return layout('map', 5, { childrenPerCount: 2, lengthWidth: 4 }) // 0xdf
  }
}

/** Reads a big-endian unsigned integer of `width` bytes (0, 1, 2, 4 or 8) at `p`. */
export function readUint(bytes: Uint8Array, p: number, width: number): bigint {
  let v = 0n
  for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(bytes[p + i])
  return v
}

/** Reads a big-endian two's-complement integer of `width` bytes at `p`. */
export function readInt(bytes: Uint8Array, p: number, width: number): bigint {
  return BigInt.asIntN(width * 8, readUint(bytes, p, width))
}

/** The value of an int object whose format byte is at `p` (the bytes must be there). */
function intValue(bytes: Uint8Array, p: number): bigint {
  const b = bytes[p]
  if (b <= 0x7f) return BigInt(b)
  if (b >= 0xe0) return BigInt(b - 0x100)
  const width = { 204: 1, 205: 2, 206: 4, 207: 8, 208: 1, 209: 2, 210: 4, 211: 8 }[b] ?? 0
  return b <= 0xcf ? readUint(bytes, p + 1, width) : readInt(bytes, p + 1, width)
}

/**
 * Where an object may lie. In a stream (`frame`), `avail` is the end of the bytes given and
 * `limit` is `start + maxFrame`. In a bounded region (a PackedForward payload), both are the
 * region's end and the caller turns every stop into INVALID at the stop's `at`.
 */
export interface Bounds {
  avail: number
  limit: number
}

/**
 * Reads the header of the object at `p` (rules 1–5 of §1.1). `pending` is the number of objects
 * still owed by the open containers, not counting this one. Scalars come back complete; a
 * container comes back with no children yet, `end` at its body, and `owes` elements.
 */
function readHeader(bytes: Uint8Array, p: number, pending: number, bounds: Bounds): { node: MsgNode; owes: number } | ScanStop {
  // Rule 1: the header byte itself.
  if (p >= bounds.limit) return { kind: 'tooLarge', at: p }
  if (p >= bounds.avail) return { kind: 'needMore', at: p, need: p + 1 + pending }
  const format = bytes[p]
  // Rule 2: the never-used byte.
  if (format === 0xc1) return { kind: 'invalid', at: p }
  const lay = layoutOf(format)
  // Rule 3: the rest of the header (the length field, the ext type byte).
  const body = p + lay.header
  if (body > bounds.avail) return { kind: 'needMore', at: p, need: body + pending }
  const lengthField = Number(readUint(bytes, p + 1, lay.lengthWidth))
  const node: MsgNode = { kind: lay.kind, start: p, end: body, body, format, int: 0n, extType: 0, children: [] }

  if (lay.childrenPerCount > 0) {
    // Rule 5: a container announcing k elements (a map 2k objects); each owed object needs a byte.
    const owes = (lay.header === 1 ? lay.fixCount : lengthField) * lay.childrenPerCount
    if (body + pending + owes > bounds.limit) return { kind: 'tooLarge', at: p }
    return { node, owes }
  }

  // Rule 4: a payload of n bytes (str, bin and ext data, fixed-size numbers).
  const q = body + (lay.lengthWidth > 0 ? lengthField : lay.fixedPayload)
  if (q > bounds.limit) return { kind: 'tooLarge', at: p }
  if (q > bounds.avail) return { kind: 'needMore', at: p, need: q + pending }
  node.end = q
  if (lay.kind === 'int') node.int = intValue(bytes, p)
  if (lay.kind === 'ext') node.extType = Number(readInt(bytes, body - 1, 1))
  return { node, owes: 0 }
}

/**
 * Reads one whole object at `start` with nothing owed around it, header by header, front to back
 * (rule 6: it is complete when its last owed object is read). Returns its tree, or where reading
 * stopped. The open containers are kept on an explicit stack so deep nesting cannot overflow.
 */
export function scanObject(bytes: Uint8Array, start: number, bounds: Bounds): MsgNode | ScanStop {
  const open: { node: MsgNode; owes: number }[] = []
  let root: MsgNode | undefined
  let p = start
  let pending = 0
  for (;;) {
    const read = readHeader(bytes, p, pending, bounds)
    if (!('node' in read)) return read
    const { node, owes } = read
    const parent = open.at(-1)
    if (parent === undefined) root = node
    else parent.node.children.push(node)
    p = node.end
    if (owes > 0) {
      open.push({ node, owes })
      pending += owes
    }
    // Close every container whose last element was just read.
    while (open.length > 0 && open[open.length - 1].owes === 0) {
      const done = open.pop()!
      done.node.end = p
    }
    if (open.length === 0) return root!
    // The next object read is one the innermost open container owes.
    open[open.length - 1].owes -= 1
    pending -= 1
  }
}

/** True when `x` is a stop rather than an object. */
export function isStop(x: MsgNode | ScanStop): x is ScanStop {
  return !('children' in x)
}

/** The payload of a str/bin/ext node (for ext: the data after the type byte). */
export function payloadOf(bytes: Uint8Array, node: MsgNode): Uint8Array {
  return bytes.subarray(node.body, node.end)
}
