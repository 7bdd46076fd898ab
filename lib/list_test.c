// Tests for lib/list.h: insertion order, removal, moving and splicing
// entries, and the iterators.
#include "kernel/ktest.h"
#include "lib/list.h"

struct item {
	int value;
	struct list_head link;
};

// Fills items[i].value = i and leaves every link unlinked.
static void items_init(struct item *items, int n)
{
	for (int i = 0; i < n; i++) {
		items[i].value = i;
		INIT_LIST_HEAD(&items[i].link);
	}
}

// The list's values as decimal digits in order, e.g. "0123", so a test can
// check a whole list with one comparison (values must be 0..9).
static const char *list_digits(struct list_head *head)
{
	static char buf[16];
	struct item *it;
	int n = 0;

	list_for_each_entry(it, head, link)
		if (n < (int)sizeof(buf) - 1)
			buf[n++] = '0' + it->value;
	buf[n] = '\0';
	return buf;
}

KTEST(list, new_list_is_empty)
{
	LIST_HEAD(head);
	struct list_head dynamic;

	INIT_LIST_HEAD(&dynamic);
	EXPECT_TRUE(list_empty(&head));
	EXPECT_TRUE(list_empty(&dynamic));
	EXPECT_EQ(list_count(&head), 0);
	EXPECT_EQ(list_first_entry_or_null(&head, struct item, link), NULL);
}

KTEST(list, add_inserts_at_the_front)
{
	LIST_HEAD(head);
	struct item items[3];

	items_init(items, 3);
	for (int i = 0; i < 3; i++)
		list_add(&items[i].link, &head);
	EXPECT_STREQ(list_digits(&head), "210");
}

KTEST(list, add_tail_inserts_at_the_back)
{
	LIST_HEAD(head);
	struct item items[3];

	items_init(items, 3);
	for (int i = 0; i < 3; i++)
		list_add_tail(&items[i].link, &head);
	EXPECT_STREQ(list_digits(&head), "012");
	EXPECT_EQ(list_count(&head), 3);
	EXPECT_EQ(list_first_entry(&head, struct item, link), &items[0]);
	EXPECT_EQ(list_first_entry_or_null(&head, struct item, link), &items[0]);
	EXPECT_EQ(list_entry(head.prev, struct item, link), &items[2]);
}

KTEST(list, del_unlinks_and_poisons_the_entry)
{
	LIST_HEAD(head);
	struct item items[3];

	items_init(items, 3);
	for (int i = 0; i < 3; i++)
		list_add_tail(&items[i].link, &head);
	list_del(&items[1].link);
	EXPECT_STREQ(list_digits(&head), "02");
	EXPECT_EQ(items[1].link.next, LIST_POISON1);
	EXPECT_EQ(items[1].link.prev, LIST_POISON2);
}

KTEST(list, del_init_leaves_an_empty_entry)
{
	LIST_HEAD(head);
	struct item items[2];

	items_init(items, 2);
	list_add_tail(&items[0].link, &head);
	list_add_tail(&items[1].link, &head);
	list_del_init(&items[0].link);
	EXPECT_TRUE(list_empty(&items[0].link));
	EXPECT_STREQ(list_digits(&head), "1");
	list_del_init(&items[1].link);
	EXPECT_TRUE(list_empty(&head));
}

KTEST(list, is_singular_means_exactly_one_entry)
{
	LIST_HEAD(head);
	struct item items[2];

	items_init(items, 2);
	EXPECT_FALSE(list_is_singular(&head));
	list_add(&items[0].link, &head);
	EXPECT_TRUE(list_is_singular(&head));
	list_add(&items[1].link, &head);
	EXPECT_FALSE(list_is_singular(&head));
}

KTEST(list, move_and_move_tail_transfer_between_lists)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	struct item items[4];

	items_init(items, 4);
	for (int i = 0; i < 4; i++)
		list_add_tail(&items[i].link, &a);
	list_move(&items[2].link, &b);
	list_move_tail(&items[0].link, &b);
	list_move(&items[3].link, &b);
	EXPECT_STREQ(list_digits(&a), "1");
	EXPECT_STREQ(list_digits(&b), "320");
	list_move_tail(&items[3].link, &b); // within the same list
	EXPECT_STREQ(list_digits(&b), "203");
}

KTEST(list, splice_init_moves_all_entries_to_the_front)
{
	LIST_HEAD(from);
	LIST_HEAD(to);
	struct item items[5];

	items_init(items, 5);
	for (int i = 0; i < 3; i++)
		list_add_tail(&items[i].link, &from);
	for (int i = 3; i < 5; i++)
		list_add_tail(&items[i].link, &to);
	list_splice_init(&from, &to);
	EXPECT_TRUE(list_empty(&from));
	EXPECT_STREQ(list_digits(&to), "01234");
	list_splice_init(&from, &to); // splicing an empty list does nothing
	EXPECT_STREQ(list_digits(&to), "01234");
	EXPECT_EQ(to.prev, &items[4].link);
}

KTEST(list, for_each_visits_every_node)
{
	LIST_HEAD(head);
	struct item items[4];
	struct list_head *pos;
	int sum = 0;

	items_init(items, 4);
	for (int i = 0; i < 4; i++)
		list_add_tail(&items[i].link, &head);
	list_for_each(pos, &head)
		sum += list_entry(pos, struct item, link)->value;
	EXPECT_EQ(sum, 0 + 1 + 2 + 3);
}

KTEST(list, for_each_entry_reverse_walks_backwards)
{
	LIST_HEAD(head);
	struct item items[4], *it;
	char order[5];
	int n = 0;

	items_init(items, 4);
	for (int i = 0; i < 4; i++)
		list_add_tail(&items[i].link, &head);
	list_for_each_entry_reverse(it, &head, link)
		order[n++] = '0' + it->value;
	order[n] = '\0';
	EXPECT_STREQ(order, "3210");
}

KTEST(list, for_each_entry_safe_allows_deleting_the_current_entry)
{
	LIST_HEAD(head);
	struct item items[6], *it, *next;

	items_init(items, 6);
	for (int i = 0; i < 6; i++)
		list_add_tail(&items[i].link, &head);
	list_for_each_entry_safe(it, next, &head, link)
		if (it->value % 2 == 0)
			list_del(&it->link);
	EXPECT_STREQ(list_digits(&head), "135");
	list_for_each_entry_safe(it, next, &head, link)
		list_del(&it->link);
	EXPECT_TRUE(list_empty(&head));
}
