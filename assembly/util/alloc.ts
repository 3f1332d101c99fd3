/**
 * @module A small region allocator over linear memory: power-of-two size classes (16 B … 2 GiB)
 * with one free list each, bumping from the heap top and growing memory in pages when needed.
 * The core allocates only at configuration time and when a buffer must grow, so this stays simple.
 * Every block carries an 8-byte header holding its class; freed blocks are reused by later
 * allocations of the same class. Returns 0 when memory cannot grow.
 */

const HEADER: usize = 8
const MIN_CLASS: u32 = 4 // 16 bytes
const CLASSES: u32 = 32

let heapTop: usize = 0
// Free-list heads, one per class, kept in a static array of CLASSES words.
const freeLists: usize = memory.data(<i32>(CLASSES * 4), 8)

function classOf(size: usize): u32 {
  const need = size + HEADER
  let c: u32 = 32 - clz<u32>(<u32>(need - 1))
  return c < MIN_CLASS ? MIN_CLASS : c
}

function ensureMemory(end: usize): bool {
  const have = (<usize>memory.size()) << 16
  if (end <= have) return true
  const pages = <i32>((end - have + 0xffff) >> 16)
  return memory.grow(pages) >= 0
}

/** Allocates at least `size` bytes, 8-byte aligned. Returns 0 when memory is exhausted. */
export function alloc(size: usize): usize {
  if (size > 0x7fff_0000) return 0
  const c = classOf(size)
  const head = load<usize>(freeLists + (<usize>c << 2))
  if (head != 0) {
    store<usize>(freeLists + (<usize>c << 2), load<usize>(head))
    return head
  }
  if (heapTop == 0) heapTop = (__heap_base + 15) & ~15
  const block = heapTop
  const end = block + ((<usize>1) << c)
  if (!ensureMemory(end)) return 0
  heapTop = end
  store<u32>(block, c)
  return block + HEADER
}

/** Returns a block obtained from `alloc` to its free list. `free(0)` does nothing. */
export function free(ptr: usize): void {
  if (ptr == 0) return
  const block = ptr - HEADER
  const c = load<u32>(block)
  store<usize>(ptr, load<usize>(freeLists + (<usize>c << 2)))
  store<usize>(freeLists + (<usize>c << 2), ptr)
}

/** The usable size of a block from `alloc`. */
export function capacityOf(ptr: usize): usize {
  return ((<usize>1) << load<u32>(ptr - HEADER)) - HEADER
}

/** Grows a block to at least `size` bytes, keeping the first `keep` bytes. Returns 0 on failure (the old block stays valid). */
export function grow(ptr: usize, size: usize, keep: usize): usize {
  if (ptr != 0 && capacityOf(ptr) >= size) return ptr
  let want = ptr == 0 ? size : capacityOf(ptr) * 2
  if (want < size) want = size
  const next = alloc(want)
  if (next == 0) return 0
  if (ptr != 0) {
    if (keep > 0) memory.copy(next, ptr, keep)
    free(ptr)
  }
  return next
}
