/**
 * @module msgpack markers and the object kinds the header reader reports.
 */

export const NIL: u8 = 0xc0
export const NEVER_USED: u8 = 0xc1
export const FIXEXT4: u8 = 0xd6
export const FIXEXT8: u8 = 0xd7
export const EXT8: u8 = 0xc7
export const ARRAY2: u8 = 0x92

export const K_NIL: i32 = 0
export const K_BOOL: i32 = 1
export const K_UINT: i32 = 2
export const K_INT: i32 = 3
export const K_FLOAT: i32 = 4
export const K_STR: i32 = 5
export const K_BIN: i32 = 6
export const K_EXT: i32 = 7
export const K_ARRAY: i32 = 8
export const K_MAP: i32 = 9
