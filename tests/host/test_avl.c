/*
 * Host tests of mm/avl.c: random inserts, erases and lookups against a
 * sorted array, with avl_check() (and an augmented summary: the subtree's
 * size and largest weight) after every step; in-order walks both ways;
 * the "find link" insertion path; and the checker catching each kind of
 * corruption with its report line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"
#include "mm/arch.h"
#include "mm/avl.h"

struct item {
	unsigned int key;
	unsigned int weight;		/* summarised: the largest below */
	unsigned int size, max_weight;	/* the augmented summary */
	struct avl_node node;
};

#define ITEM(n)	avl_entry(n, struct item, node)

static int item_cmp(const struct avl_node *a, const struct avl_node *b)
{
	unsigned int ka = ITEM(a)->key, kb = ITEM(b)->key;

	return ka < kb ? -1 : ka > kb;
}

static int key_cmp(const void *key, const struct avl_node *n)
{
	unsigned int k = *(const unsigned int *)key, nk = ITEM(n)->key;

	return k < nk ? -1 : k > nk;
}

static unsigned int sub_size(const struct avl_node *n)
{
	return n ? ITEM(n)->size : 0;
}

static unsigned int sub_max(const struct avl_node *n)
{
	return n ? ITEM(n)->max_weight : 0;
}

static unsigned int augment_calls;

static void item_augment(struct avl_node *n)
{
	struct item *it = ITEM(n);

	it->size = 1 + sub_size(n->left) + sub_size(n->right);
	it->max_weight = it->weight;
	if (sub_max(n->left) > it->max_weight)
		it->max_weight = sub_max(n->left);
	if (sub_max(n->right) > it->max_weight)
		it->max_weight = sub_max(n->right);
	augment_calls++;
}

static unsigned int item_check(const struct avl_node *n, void *arg)
{
	const struct item *it = ITEM(n);
	unsigned int size = 1 + sub_size(n->left) + sub_size(n->right);
	unsigned int max = it->weight;

	(void)arg;
	max = sub_max(n->left) > max ? sub_max(n->left) : max;
	max = sub_max(n->right) > max ? sub_max(n->right) : max;
	if (it->size == size && it->max_weight == max)
		return 0;
	printk("test: item %u summary %u/%u, expected %u/%u\n", it->key,
	       it->size, it->max_weight, size, max);
	return 1;
}

#define MAX_ITEMS	200

/* The model: the keys in the tree, sorted (duplicates kept). */
struct model {
	struct item *sorted[MAX_ITEMS];
	unsigned int n;
};

static void model_insert(struct model *m, struct item *it)
{
	unsigned int i = m->n;

	/* equal keys: the new item goes after them, as in avl_insert() */
	while (i > 0 && m->sorted[i - 1]->key > it->key) {
		m->sorted[i] = m->sorted[i - 1];
		i--;
	}
	m->sorted[i] = it;
	m->n++;
}

static void model_erase(struct model *m, unsigned int i)
{
	memmove(&m->sorted[i], &m->sorted[i + 1],
		(m->n - i - 1) * sizeof(m->sorted[0]));
	m->n--;
}

/* The tree in both orders is the model, node for node. */
static void assert_same(const struct avl_root *root, const struct model *m,
			bool augmented)
{
	struct avl_node *n;
	unsigned int i = 0;

	for (n = avl_first(root); n; n = avl_next(n), i++) {
		assert_true(i < m->n);
		assert_ptr_equal(ITEM(n), m->sorted[i]);
	}
	assert_int_equal(i, m->n);
	for (n = avl_last(root); n; n = avl_prev(n))
		assert_ptr_equal(ITEM(n), m->sorted[--i]);
	assert_int_equal(i, 0);
	if (augmented)
		assert_int_equal(sub_size(root->node), m->n);
}

/* Lookups of @key agree with a scan of the model. */
static void assert_lookups(const struct avl_root *root, const struct model *m,
			   unsigned int key)
{
	struct avl_node *found = avl_find(root, &key, key_cmp);
	struct avl_node *le = avl_find_le(root, &key, key_cmp);
	struct avl_node *gt = avl_find_gt(root, &key, key_cmp);
	struct item *want_le = NULL, *want_gt = NULL;
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		if (m->sorted[i]->key <= key)
			want_le = m->sorted[i];
		else if (!want_gt)
			want_gt = m->sorted[i];
	}
	assert_ptr_equal(avl_entry_safe(le, struct item, node), want_le);
	assert_ptr_equal(avl_entry_safe(gt, struct item, node), want_gt);
	if (want_le && want_le->key == key)
		assert_int_equal(ITEM(found)->key, key);
	else
		assert_null(found);
}

static void run_random(bool augmented, unsigned int steps, unsigned int keys)
{
	void (*aug)(struct avl_node *) = augmented ? item_augment : NULL;
	static struct item pool[MAX_ITEMS];
	struct avl_root root = AVL_ROOT_INIT;
	struct model m = { .n = 0 };
	struct item *free_items[MAX_ITEMS];
	unsigned int nfree = MAX_ITEMS, step, i;

	for (i = 0; i < MAX_ITEMS; i++)
		free_items[i] = &pool[i];
	srand(augmented ? 7 : 11);
	for (step = 0; step < steps; step++) {
		unsigned int key = (unsigned int)rand() % keys;
		bool grow = m.n < MAX_ITEMS / 4 || (unsigned int)rand() % 100 <
			    (m.n < MAX_ITEMS * 3 / 4 ? 55 : 40);

		if (nfree && (grow || m.n == 0)) {
			struct item *it = free_items[--nfree];

			it->key = key;
			it->weight = (unsigned int)rand() % 1000;
			avl_insert(&root, &it->node, item_cmp, aug);
			model_insert(&m, it);
		} else {
			i = (unsigned int)rand() % m.n;
			avl_erase(&root, &m.sorted[i]->node, aug);
			free_items[nfree++] = m.sorted[i];
			model_erase(&m, i);
		}
		assert_int_equal(avl_check(&root, item_cmp, augmented ?
					   item_check : NULL, NULL), 0);
		assert_lookups(&root, &m, (unsigned int)rand() % keys);
		if (step % 16 == 0)
			assert_same(&root, &m, augmented);
	}
	while (m.n) {
		avl_erase(&root, &m.sorted[0]->node, aug);
		model_erase(&m, 0);
		assert_int_equal(avl_check(&root, item_cmp, augmented ?
					   item_check : NULL, NULL), 0);
	}
	assert_null(root.node);
	assert_null(avl_first(&root));
	assert_null(avl_last(&root));
}

/* Random operations with many duplicates, no summary. */
static void test_random_plain(void **state)
{
	(void)state;
	host_log_clear();
	run_random(false, 40000, 150);
	assert_false(host_log_contains("avl_check"));
}

/* Random operations on an augmented tree: summaries exact every step. */
static void test_random_augmented(void **state)
{
	(void)state;
	host_log_clear();
	run_random(true, 40000, 100000);
	assert_false(host_log_contains("avl_check"));
}

/* Ascending inserts stay balanced; heights bound log2. */
static void test_sorted_inserts_balanced(void **state)
{
	static struct item items[1023];
	struct avl_root root = AVL_ROOT_INIT;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i].key = i;
		avl_insert(&root, &items[i].node, item_cmp, NULL);
	}
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 0);
	assert_int_equal(root.node->height, 10);	/* perfect: 2^10 - 1 */
	for (i = 0; i < ARRAY_SIZE(items); i += 2)
		avl_erase(&root, &items[i].node, NULL);
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 0);
	assert_true(root.node->height <= 13);		/* 1.44 log2(513) */
}

/* The caller's own descent, then avl_link_node() + avl_insert_fixup(). */
static void test_link_and_propagate(void **state)
{
	static struct item items[64];
	struct avl_root root = AVL_ROOT_INIT;
	struct avl_node **link, *parent;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i].key = (i * 37) % 64;
		items[i].weight = items[i].key;
		link = &root.node;
		parent = NULL;
		while (*link) {
			parent = *link;
			link = items[i].key < ITEM(parent)->key ?
			       &parent->left : &parent->right;
		}
		avl_link_node(&items[i].node, parent, link);
		avl_insert_fixup(&root, &items[i].node, item_augment);
	}
	assert_int_equal(avl_check(&root, item_cmp, item_check, NULL), 0);
	assert_int_equal(ITEM(root.node)->max_weight, 63);
	/* a weight changes: the summaries above it follow */
	items[5].weight = 500;
	host_log_clear();
	assert_int_equal(avl_check(&root, item_cmp, item_check, NULL) > 0, 1);
	assert_true(host_log_contains("test: item "));
	augment_calls = 0;
	avl_propagate(&items[5].node, item_augment);
	assert_true(augment_calls >= 1 && augment_calls <= 7);
	assert_int_equal(avl_check(&root, item_cmp, item_check, NULL), 0);
	assert_int_equal(ITEM(root.node)->max_weight, 500);
}

struct walk {
	unsigned int calls;
	unsigned int last_key;
};

/* A node check that records the order it is called in. */
static unsigned int walk_check(const struct avl_node *n, void *arg)
{
	struct walk *w = arg;
	unsigned int key = ITEM(n)->key;

	if (w->calls++ && key < w->last_key)
		return 1;
	w->last_key = key;
	return 0;
}

/* avl_check() calls the node check once per node, in order, with @arg. */
static void test_check_calls_in_order(void **state)
{
	static struct item items[100];
	struct avl_root root = AVL_ROOT_INIT;
	struct walk w = { 0, 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i].key = (i * 61) % 100;
		avl_insert(&root, &items[i].node, item_cmp, NULL);
	}
	assert_int_equal(avl_check(&root, item_cmp, walk_check, &w), 0);
	assert_int_equal(w.calls, ARRAY_SIZE(items));
	assert_int_equal(w.last_key, 99);
}

/* Each kind of damage is found and named. */
static void test_check_catches_corruption(void **state)
{
	static struct item items[15];
	struct avl_root root = AVL_ROOT_INIT;
	struct avl_node *n, *saved;
	unsigned int i;
	int h;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		items[i].key = i * 10;
		avl_insert(&root, &items[i].node, item_cmp, NULL);
	}
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 0);
	host_log_clear();
	n = root.node->left;
	saved = n->parent;
	n->parent = NULL;					/* T1 */
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 1);
	assert_true(host_log_contains("avl_check: T1 node 0x"));
	n->parent = saved;
	h = root.node->height;
	root.node->height = h + 1;				/* T2 */
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 1);
	assert_true(host_log_contains("avl_check: T2 node 0x"));
	root.node->height = h;
	ITEM(avl_first(&root))->key = 1000;			/* T4 */
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 1);
	assert_true(host_log_contains("avl_check: T4 node 0x"));
	ITEM(avl_first(&root))->key = 0;
	saved = root.node->right;				/* T3 */
	root.node->right = NULL;
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 1);
	assert_true(host_log_contains("avl_check: T3 node 0x"));
	root.node->right = saved;
	n = avl_last(&root);					/* a cycle */
	n->right = root.node;
	assert_true(avl_check(&root, item_cmp, NULL, NULL) >= 1);
	assert_true(host_log_contains("a cycle"));
	n->right = NULL;
	assert_int_equal(avl_check(&root, item_cmp, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_plain),
		cmocka_unit_test(test_random_augmented),
		cmocka_unit_test(test_sorted_inserts_balanced),
		cmocka_unit_test(test_link_and_propagate),
		cmocka_unit_test(test_check_calls_in_order),
		cmocka_unit_test(test_check_catches_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
