/**
 * @module Two gaps between the typings engine/ is written against (DOM, Node) and
 * @cloudflare/workers-types, bridged for `tsc -p edge`: the CompressionFormat names and
 * clearTimeout / clearInterval(undefined) (which every runtime accepts).
 */
type CompressionFormat = 'gzip' | 'deflate' | 'deflate-raw'
declare function clearTimeout(timeoutId: number | null | undefined): void
declare function clearInterval(timeoutId: number | null | undefined): void
