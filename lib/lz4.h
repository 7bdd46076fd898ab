// LZ4 block decompression (the "block format" of lz4's lz4_Block_format.md:
// sequences of literals and back-references into the last 64 KiB, without
// the frame around them).
//
// Used by the boot stub of the compressed ISO kernel (arch/x86/compressed/,
// 32-bit, before the kernel runs) and compiled into the kernel for its unit
// tests. scripts/lz4pack.c is the compressor (on the build host).
#ifndef LIB_LZ4_H
#define LIB_LZ4_H

#include "kernel/types.h"

// Decompresses the block src[0, src_len) into dst, which has room for
// dst_cap bytes. Returns the number of bytes written, or -1 if the block is
// malformed: truncated, a length past dst_cap, an offset of 0 or reaching
// before dst. Never reads or writes outside the two buffers.
long lz4_decompress(u8 *dst, unsigned long dst_cap, const u8 *src, unsigned long src_len);

#endif
