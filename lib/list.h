// Intrusive circular doubly linked lists, in the shape of Linux's
// <linux/list.h>.
//
// A list is a struct list_head "head" that is never itself an entry; each
// object that can be on the list embeds a struct list_head and is found back
// from it with list_entry() (container_of). An empty list's head points to
// itself. Nothing here locks: whoever owns the list says which lock guards it.
//
// list_del() leaves the removed entry's pointers poisoned with non-canonical
// addresses, so a use after removal faults at once instead of corrupting the
// list; use list_del_init() if the entry will be tested with list_empty().
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include "kernel/types.h"

struct list_head {
	struct list_head *next, *prev;
};

// Non-canonical on x86-64: dereferencing them raises #GP.
#define LIST_POISON1 ((struct list_head *)0xdead000000000100UL)
#define LIST_POISON2 ((struct list_head *)0xdead000000000122UL)

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

// Links entry between two adjacent entries prev and next.
static inline void __list_add(struct list_head *entry, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

// Adds entry right after head (stack order).
static inline void list_add(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head, head->next);
}

// Adds entry right before head, i.e. at the end of the list (queue order).
static inline void list_add_tail(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head->prev, head);
}

static inline void __list_del_entry(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

static inline bool list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

// True if the list has exactly one entry.
static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

// Moves entry from its list to just after head.
static inline void list_move(struct list_head *entry, struct list_head *head)
{
	__list_del_entry(entry);
	list_add(entry, head);
}

// Moves entry from its list to the end of the list at head.
static inline void list_move_tail(struct list_head *entry,
				  struct list_head *head)
{
	__list_del_entry(entry);
	list_add_tail(entry, head);
}

// Moves every entry of list to the front of head, leaving list empty.
static inline void list_splice_init(struct list_head *list,
				    struct list_head *head)
{
	struct list_head *first = list->next, *last = list->prev;
	struct list_head *at = head->next;

	if (list_empty(list))
		return;
	first->prev = head;
	head->next = first;
	last->next = at;
	at->prev = last;
	INIT_LIST_HEAD(list);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member)                                 \
	list_entry((head)->next, type, member)
#define list_last_entry(head, type, member)                                  \
	list_entry((head)->prev, type, member)
#define list_first_entry_or_null(head, type, member)                         \
	(list_empty(head) ? NULL : list_first_entry(head, type, member))
#define list_next_entry(pos, member)                                         \
	list_entry((pos)->member.next, typeof(*(pos)), member)
#define list_prev_entry(pos, member)                                         \
	list_entry((pos)->member.prev, typeof(*(pos)), member)

// Iterates pos (a struct list_head *) over the list. Do not remove pos
// inside the loop.
#define list_for_each(pos, head)                                             \
	for (pos = (head)->next; pos != (head); pos = pos->next)

// Iterates pos (a pointer to the containing type) over the list.
#define list_for_each_entry(pos, head, member)                               \
	for (pos = list_first_entry(head, typeof(*pos), member);             \
	     &pos->member != (head); pos = list_next_entry(pos, member))

#define list_for_each_entry_reverse(pos, head, member)                       \
	for (pos = list_last_entry(head, typeof(*pos), member);              \
	     &pos->member != (head); pos = list_prev_entry(pos, member))

// Like list_for_each_entry, but pos may be removed (or freed) in the body:
// n already holds the next entry.
#define list_for_each_entry_safe(pos, n, head, member)                       \
	for (pos = list_first_entry(head, typeof(*pos), member),             \
	    n = list_next_entry(pos, member);                                \
	     &pos->member != (head); pos = n, n = list_next_entry(n, member))

// Number of entries on the list; walks it, so O(n).
static inline size_t list_count(const struct list_head *head)
{
	const struct list_head *pos;
	size_t n = 0;

	for (pos = head->next; pos != head; pos = pos->next)
		n++;
	return n;
}

#endif
