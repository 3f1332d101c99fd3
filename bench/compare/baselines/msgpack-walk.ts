/**
 * @module Plain-JS msgpack walking for the baseline servers of `bench:compare`: the size of one
 * object's header and payload from its first bytes, skipping whole objects, and framing a buffer
 * into complete top-level objects with a lower bound of the bytes still needed (so a large message
 * is scanned once, when it is all there). No JS object per msgpack object.
 */

/** `head(b, p, end)` writes here: header bytes, payload bytes, child objects; returns false when the header is cut. */
export const H = { size: 0, payload: 0, children: 0 }

/** Reads the header of the object at `p`. Throws on 0xc1 (never used). */
export function head(b: Buffer, p: number, end: number): boolean {
  const t = b[p]
  H.payload = 0
  H.children = 0
  if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) {
    H.size = 1
    return true
  }
  if (t >= 0xa0 && t <= 0xbf) {
    H.size = 1
    H.payload = t & 0x1f
    return true
  }
  if (t >= 0x90 && t <= 0x9f) {
    H.size = 1
    H.children = t & 0x0f
    return true
  }
  if (t >= 0x80 && t <= 0x8f) {
    H.size = 1
    H.children = 2 * (t & 0x0f)
    return true
  }
  const left = end - p
  switch (t) {
    case 0xc4:
    case 0xd9:
      if (left < 2) return false
      H.size = 2
      H.payload = b[p + 1]
      return true
    case 0xc5:
    case 0xda:
      if (left < 3) return false
      H.size = 3
      H.payload = b.readUInt16BE(p + 1)
      return true
    case 0xc6:
    case 0xdb:
      if (left < 5) return false
      H.size = 5
      H.payload = b.readUInt32BE(p + 1)
      return true
    case 0xc7:
      if (left < 3) return false
      H.size = 3
      H.payload = b[p + 1]
      return true
    case 0xc8:
      if (left < 4) return false
      H.size = 4
      H.payload = b.readUInt16BE(p + 1)
      return true
    case 0xc9:
      if (left < 6) return false
      H.size = 6
      H.payload = b.readUInt32BE(p + 1)
      return true
    case 0xca:
    case 0xce:
    case 0xd2:
      H.size = 1
      H.payload = 4
      return true
    case 0xcb:
    case 0xcf:
    case 0xd3:
      H.size = 1
      H.payload = 8
      return true
    case 0xcc:
    case 0xd0:
      H.size = 1
      H.payload = 1
      return true
    case 0xcd:
    case 0xd1:
      H.size = 1
      H.payload = 2
      return true
    case 0xd4:
      H.size = 2
      H.payload = 1
      return true
    case 0xd5:
      H.size = 2
      H.payload = 2
      return true
    case 0xd6:
      H.size = 2
      H.payload = 4
      return true
    case 0xd7:
      H.size = 2
      H.payload = 8
      return true
    case 0xd8:
      H.size = 2
      H.payload = 16
      return true
    case 0xdc:
      if (left < 3) return false
      H.size = 3
      H.children = b.readUInt16BE(p + 1)
      return true
    case 0xdd:
      if (left < 5) return false
      H.size = 5
      H.children = b.readUInt32BE(p + 1)
      return true
    case 0xde:
      if (left < 3) return false
      H.size = 3
      H.children = 2 * b.readUInt16BE(p + 1)
      return true
    case 0xdf:
      if (left < 5) return false
      H.size = 5
      H.children = 2 * b.readUInt32BE(p + 1)
      return true
  }
  throw new Error(`invalid msgpack byte 0x${t.toString(16)} at ${p}`)
}

/** Where skipFrom stopped when the bytes ran out: the incomplete object's start and the objects still owed. */
export const W = { pos: 0, pending: 0 }

/**
 * The end of the object at `p` when it is complete before `end`; otherwise `-need`, where `need`
 * is a lower bound of the object's end (at least `end + 1`).
 */
export function skip(b: Buffer, p: number, end: number): number {
  return skipFrom(b, p, 1, end)
}

/**
 * Like skip, from a walk that stopped earlier: `pending` objects are owed from `p` on. When the
 * bytes run out again, W says where to resume (so a large message is walked once, not once per
 * read).
 */
export function skipFrom(b: Buffer, p: number, pending: number, end: number): number {
  while (pending > 0) {
    if (p >= end || !head(b, p, end)) {
      W.pos = p
      W.pending = pending
      return p >= end ? -(p + pending) : -(end + 1)
    }
    const next = p + H.size + H.payload
    if (next > end) {
      W.pos = p
      W.pending = pending
      return -(next + pending - 1 + H.children)
    }
    pending += H.children - 1
    p = next
  }
  return p
}

/** Map headers: fixmap, map16, map32 (Fluent Bit writes its options as map32). */
export const isMap = (t: number): boolean => (t & 0xf0) === 0x80 || t === 0xde || t === 0xdf

/** Array headers: fixarray, array16, array32. */
export const isArray = (t: number): boolean => (t & 0xf0) === 0x90 || t === 0xdc || t === 0xdd

/** str (fixstr, str8/16/32) or bin (8/16/32) headers: a packed payload. */
export const isRaw = (t: number): boolean =>
  (t >= 0xa0 && t <= 0xbf) || t === 0xd9 || t === 0xda || t === 0xdb || t === 0xc4 || t === 0xc5 || t === 0xc6

/** True when the str at `p` (header included) equals `text` (ASCII). */
export function strEquals(b: Buffer, p: number, end: number, text: string): boolean {
  const t = b[p]
  let len: number
  let at: number
  if (t >= 0xa0 && t <= 0xbf) {
    len = t & 0x1f
    at = p + 1
  } else if (t === 0xd9) {
    len = b[p + 1]
    at = p + 2
  } else return false
  if (len !== text.length || at + len > end) return false
  for (let i = 0; i < len; i++) if (b[at + i] !== text.charCodeAt(i)) return false
  return true
}
