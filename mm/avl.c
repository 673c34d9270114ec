/*
 * The intrusive AVL tree of include/mm/avl.h.
 *
 * Design.  Nodes carry parent links, so insertion and erasure rebalance
 * bottom up without recursion or a path stack, and in-order steps need no
 * search.  After a change, one loop walks from the lowest node whose
 * subtree changed towards the root: it recomputes the height, calls the
 * augment callback, and rotates where the two sides differ by two.  A
 * rotation recomputes the two nodes it moves, lower one first.  Without
 * an augment callback the walk stops at the first node whose height did
 * not change (nothing above can have changed); with one it goes on to the
 * root, because every summary on the way may depend on the change.  The
 * tree does not know its size; AVL height stays below 1.45 log2(n + 2).
 *
 * Locking: none (see include/mm/avl.h).
 */
#include "mm/arch.h"
#include "mm/avl.h"

static int avl_height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static void avl_update(struct avl_node *n, void (*augment)(struct avl_node *))
{
	n->height = 1 + MAX(avl_height(n->left), avl_height(n->right));
	if (augment)
		augment(n);
}

/* Make the link that held @old (a child of @parent, or the root) hold @new. */
static void avl_replace_child(struct avl_root *root, struct avl_node *parent,
			      const struct avl_node *old, struct avl_node *new)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

/* @x's right child takes its place; returns it. */
static struct avl_node *avl_rotate_left(struct avl_root *root,
					struct avl_node *x,
					void (*augment)(struct avl_node *))
{
	struct avl_node *y = x->right;

	avl_replace_child(root, x->parent, x, y);
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->left = x;
	x->parent = y;
	avl_update(x, augment);
	avl_update(y, augment);
	return y;
}

/* @y's left child takes its place; returns it. */
static struct avl_node *avl_rotate_right(struct avl_root *root,
					 struct avl_node *y,
					 void (*augment)(struct avl_node *))
{
	struct avl_node *x = y->left;

	avl_replace_child(root, y->parent, y, x);
	y->left = x->right;
	if (x->right)
		x->right->parent = y;
	x->right = y;
	y->parent = x;
	avl_update(y, augment);
	avl_update(x, augment);
	return x;
}

/* Update @n (its subtrees are balanced); returns its subtree's new root. */
static struct avl_node *avl_balance(struct avl_root *root, struct avl_node *n,
				    void (*augment)(struct avl_node *))
{
	int bf = avl_height(n->left) - avl_height(n->right);

	if (bf > 1) {
		if (avl_height(n->left->left) < avl_height(n->left->right))
			avl_rotate_left(root, n->left, augment);
		return avl_rotate_right(root, n, augment);
	}
	if (bf < -1) {
		if (avl_height(n->right->right) < avl_height(n->right->left))
			avl_rotate_right(root, n->right, augment);
		return avl_rotate_left(root, n, augment);
	}
	avl_update(n, augment);
	return n;
}

/* From @n up: heights, summaries and balance (see the design note). */
static void avl_fixup(struct avl_root *root, struct avl_node *n,
		      void (*augment)(struct avl_node *))
{
	while (n) {
		int old = n->height;

		n = avl_balance(root, n, augment);
		if (!augment && n->height == old)
			return;
		n = n->parent;
	}
}

void avl_link_node(struct avl_node *node, struct avl_node *parent,
		   struct avl_node **link)
{
	node->left = NULL;
	node->right = NULL;
	node->parent = parent;
	node->height = 1;
	*link = node;
}

void avl_insert_fixup(struct avl_root *root, struct avl_node *node,
		      void (*augment)(struct avl_node *n))
{
	if (augment)
		augment(node);
	avl_fixup(root, node->parent, augment);
}

void avl_insert(struct avl_root *root, struct avl_node *node,
		int (*cmp)(const struct avl_node *a, const struct avl_node *b),
		void (*augment)(struct avl_node *n))
{
	struct avl_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = cmp(node, parent) < 0 ? &parent->left : &parent->right;
	}
	avl_link_node(node, parent, link);
	avl_insert_fixup(root, node, augment);
}

/* @node has two children: its successor takes its place; returns where
 * the rebalancing starts. */
static struct avl_node *avl_erase_inner(struct avl_root *root,
					struct avl_node *node)
{
	struct avl_node *s = node->right, *from;

	while (s->left)
		s = s->left;
	if (s == node->right) {
		from = s;
	} else {
		from = s->parent;
		from->left = s->right;
		if (s->right)
			s->right->parent = from;
		s->right = node->right;
		node->right->parent = s;
	}
	s->left = node->left;
	node->left->parent = s;
	s->height = node->height;
	avl_replace_child(root, node->parent, node, s);
	return from;
}

void avl_erase(struct avl_root *root, struct avl_node *node,
	       void (*augment)(struct avl_node *n))
{
	struct avl_node *from;

	if (node->left && node->right) {
		from = avl_erase_inner(root, node);
	} else {
		from = node->parent;
		avl_replace_child(root, from, node,
				  node->left ? node->left : node->right);
	}
	avl_fixup(root, from, augment);
	node->left = node->right = node->parent = NULL;
}

void avl_propagate(struct avl_node *node, void (*augment)(struct avl_node *n))
{
	for (; node; node = node->parent)
		augment(node);
}

struct avl_node *avl_first(const struct avl_root *root)
{
	struct avl_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct avl_node *avl_last(const struct avl_root *root)
{
	struct avl_node *n = root->node;

	while (n && n->right)
		n = n->right;
	return n;
}

struct avl_node *avl_next(const struct avl_node *node)
{
	struct avl_node *n = node->right;

	if (n) {
		while (n->left)
			n = n->left;
		return n;
	}
	while (node->parent && node->parent->right == node)
		node = node->parent;
	return node->parent;
}

struct avl_node *avl_prev(const struct avl_node *node)
{
	struct avl_node *n = node->left;

	if (n) {
		while (n->right)
			n = n->right;
		return n;
	}
	while (node->parent && node->parent->left == node)
		node = node->parent;
	return node->parent;
}

struct avl_node *avl_find(const struct avl_root *root, const void *key,
			  int (*cmp)(const void *key, const struct avl_node *n))
{
	struct avl_node *n = root->node;

	while (n) {
		int c = cmp(key, n);

		if (c == 0)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

struct avl_node *avl_find_le(const struct avl_root *root, const void *key,
			     int (*cmp)(const void *key,
					const struct avl_node *n))
{
	struct avl_node *n = root->node, *best = NULL;

	while (n) {
		if (cmp(key, n) >= 0) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct avl_node *avl_find_gt(const struct avl_root *root, const void *key,
			     int (*cmp)(const void *key,
					const struct avl_node *n))
{
	struct avl_node *n = root->node, *best = NULL;

	while (n) {
		if (cmp(key, n) < 0) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* --- invariants --------------------------------------------------------- */

#define AVL_MAX_DEPTH	64	/* deeper than any AVL tree in 32-bit memory */

struct avl_check_ctx {
	int (*cmp)(const struct avl_node *a, const struct avl_node *b);
	unsigned int (*node_check)(const struct avl_node *n, void *arg);
	void *arg;
	const struct avl_node *prev;	/* in-order predecessor */
	unsigned int bad;
};

/* T1-T5 below @n (child of @parent); returns the real height. */
static int avl_check_node(struct avl_check_ctx *c, const struct avl_node *n,
			  const struct avl_node *parent, unsigned int depth)
{
	int hl, hr;

	if (!n)
		return 0;
	if (depth > AVL_MAX_DEPTH) {
		printk("avl_check: T1 node %p deeper than %u: a cycle\n", n,
		       AVL_MAX_DEPTH);
		c->bad++;
		return 0;
	}
	if (n->parent != parent) {
		printk("avl_check: T1 node %p has parent %p, hangs below %p\n",
		       n, n->parent, parent);
		c->bad++;
	}
	hl = avl_check_node(c, n->left, n, depth + 1);
	if (c->prev && c->cmp(c->prev, n) > 0) {
		printk("avl_check: T4 node %p sorts before its predecessor %p\n",
		       n, c->prev);
		c->bad++;
	}
	c->prev = n;
	if (c->node_check)
		c->bad += c->node_check(n, c->arg);
	hr = avl_check_node(c, n->right, n, depth + 1);
	if (n->height != 1 + MAX(hl, hr)) {
		printk("avl_check: T2 node %p height %d, subtrees %d and %d\n",
		       n, n->height, hl, hr);
		c->bad++;
	}
	if (hl - hr > 1 || hr - hl > 1) {
		printk("avl_check: T3 node %p unbalanced, subtrees %d and %d\n",
		       n, hl, hr);
		c->bad++;
	}
	return 1 + MAX(hl, hr);
}

unsigned int avl_check(const struct avl_root *root,
		       int (*cmp)(const struct avl_node *a,
				  const struct avl_node *b),
		       unsigned int (*node_check)(const struct avl_node *n,
						  void *arg),
		       void *arg)
{
	struct avl_check_ctx c = { cmp, node_check, arg, NULL, 0 };

	avl_check_node(&c, root->node, NULL, 0);
	return c.bad;
}
