// Task heaps: the memory behind an app's malloc.
//
// Each app task has its own heap: ranges ("segments") of virtual addresses
// in the vmap area (not the direct map), reserved as the heap grows, into
// which pages are mapped one by one as the app's allocations need them,
// from the nodes the task may use. A fresh heap reserves HEAP_SEGMENT_MIN
// of addresses (so ten thousand sleeping tasks take 20 GiB of the 1 TiB
// area, and no memory); each later segment is twice the last (up to
// HEAP_SEGMENT_MAX) or as large as the block that needs it, so a heap can
// grow until memory runs out, and the addresses it holds stay within a
// small factor of what it allocated. Because the app only ever sees these virtual addresses,
// heap_migrate() can move the pages to other nodes underneath a running
// app (memset's memory_migrate), and heap_destroy() gives back everything
// the task allocated when it exits.
//
//   heap_create()                    an empty heap (no pages yet), one
//                                    reference (the owner's)
//   heap_get(h) / heap_put(h)        more references, for other tasks
//   heap_alloc(h, size, align)       a block, or NULL (out of memory/space)
//   heap_free(h, p), heap_realloc(h, p, size), heap_usable_size(h, p)
//   heap_destroy(h)                  the owner is done: drop its reference;
//                                    the last one unmaps and frees every
//                                    page and the range
//   heap_allocated_bytes(h)          bytes the app holds (usable sizes)
//   heap_node_pages(h, nid)          pages of the heap on node nid
//   heap_mapped_pages(h)             pages of the heap on all nodes
//   heap_migrate(h, to)              move every page off nodes not in *to
//   heap_migrate_prepare(h, to)      the same in two steps, for callers that
//   heap_migrate_commit(h) / _cancel(h)  may still refuse: prepare takes
//                                    every page the move needs (or fails
//                                    with nothing changed), commit cannot
//                                    fail
//   heap_set_nodes(h, mask)          allocate only from *mask (tests)
//   heap_set_stack(h, base, size)    the owner runs on this block as its
//                                    stack from now on (NULL: no longer)
//   heap_settle_stack(h)             the owner, at a kernel call's end:
//                                    move the stack pages a move left
//
// Inside the region: small blocks (up to HEAP_SMALL_MAX bytes with their
// header) come from power-of-two size classes, carved out of whole pages
// and kept on one free list per class; larger blocks are runs of whole
// pages, unmapped and given back to the page allocator when freed. Every
// block starts with a 16-byte header giving its class or run length, so
// free() and realloc() need only the pointer.
//
// Migration is safe while the owner runs on another CPU: pages move by
// fault-and-wait (vmap_move_pages in mm/vmap.h), so an access to a page in
// flight waits until its copy is in place. Except for a stack: the CPU
// pushes an exception frame onto the stack, so a not-present stack page
// is a double fault, which nothing can wait out. So the pages of the
// block the owner said it runs on (heap_set_stack; the shell's big
// stack) are moved only by the owner: another mover sets aside what they
// need and leaves them, and the owner moves them from a stack of its own
// at the end of its next kernel call (heap_settle_stack, from user/libc).
// Until then they stay where they were.
//
// Locking: a heap is used by its own task, but another task may migrate it
// or read its counters, so h->lock (a mutex) guards everything in the
// heap -- the allocator state, the mapping of its pages and the counters.
// heap_migrate_prepare returns with h->lock held (the owner's allocations
// wait) until commit or cancel.
// Another task must hold a reference (heap_get) while it uses h. Freeing
// the heap at the last heap_put takes no lock and never sleeps (it may run
// in the exit path). Lock order: h->lock before the vmap and page
// allocator locks.
#ifndef MM_TASK_HEAP_H
#define MM_TASK_HEAP_H

#include "kernel/types.h"
#include "lib/cpumask.h"

#define HEAP_SEGMENT_MIN (2ULL << 20)   // a fresh heap's addresses
#define HEAP_SEGMENT_MAX (1ULL << 30)   // the largest doubling step
#define HEAP_SMALL_MAX 2048             // largest small block, header included

struct task_heap;

struct task_heap *heap_create(void);
void heap_destroy(struct task_heap *h); // NULL is ignored
void heap_get(struct task_heap *h);
void heap_put(struct task_heap *h);

// size 0 gives a unique minimal block. align must be a power of two; up to
// 16 is free, larger alignments use a page run.
void *heap_alloc(struct task_heap *h, size_t size, size_t align);
// NULL is ignored; a pointer that is not a live block of h is reported and
// ignored (never a crash).
void heap_free(struct task_heap *h, void *p);
// realloc semantics: p NULL = alloc, size 0 = free (returns NULL). The
// contents up to the smaller size are kept; NULL on failure (p untouched).
void *heap_realloc(struct task_heap *h, void *p, size_t size);
size_t heap_usable_size(struct task_heap *h, void *p); // 0 for NULL / bad

u64 heap_allocated_bytes(struct task_heap *h);
u64 heap_node_pages(struct task_heap *h, int nid);
u64 heap_mapped_pages(struct task_heap *h);

// Moves every page of h that is on a node outside *to to a node in *to
// (nearest first), keeping its virtual address, while the owner may run.
// All or nothing: 0, or -ENOMEM if *to lacks the free pages (nothing
// moved), -EINVAL for an empty mask. Pages allocated afterwards come from
// the task's (new) nodes anyway.
int heap_migrate(struct task_heap *h, const nodemask_t *to);
// heap_migrate in two steps. prepare: 0 with h->lock held and every page
// the move needs set aside, or -errno with nothing held or changed. Then
// exactly one of commit (moves; cannot fail) or cancel, by the same task.
int heap_migrate_prepare(struct task_heap *h, const nodemask_t *to);
void heap_migrate_commit(struct task_heap *h);
void heap_migrate_cancel(struct task_heap *h);
// Pages moved by heap migrations since boot, and migrations refused for
// want of memory (/proc/vmstat's pgmigrate_success, pgmigrate_fail).
u64 heap_pages_migrated(void);
u64 heap_migrations_failed(void);
void heap_set_stack(struct task_heap *h, void *base, size_t size);
void heap_settle_stack(struct task_heap *h); // NULL is ignored
// Segments (reserved address ranges) the heap holds, for tests.
int heap_segments(struct task_heap *h);

// Take pages only from *mask from now on (NULL: the current task's
// mems_allowed, the default).
void heap_set_nodes(struct task_heap *h, const nodemask_t *mask);

#endif
