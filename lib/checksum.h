// A 32-bit checksum of a memory image: FNV-1a taken over 32-bit
// little-endian words (four times fewer steps than over bytes, which
// matters under QEMU TCG), then over the bytes of a tail shorter than a
// word. Not cryptographic: it catches damage, not tampering.
//
// Used by the compressed ISO kernel: scripts/lz4pack.c computes it over
// the kernel's image on the build host and the boot stub
// (arch/x86/compressed/head.S) checks the image it decompressed against
// it. Freestanding, so the stub (32-bit) and the host tool build it too.
#ifndef LIB_CHECKSUM_H
#define LIB_CHECKSUM_H

#include <stdint.h>

#define FNV32_OFFSET_BASIS 0x811c9dc5u
#define FNV32_PRIME 16777619u

uint32_t checksum32(const void *p, unsigned long n);

#endif
