/*
 * An intrusive AVL tree: the node lives inside the user's structure, the
 * tree never allocates, and the user's callbacks give the order and,
 * optionally, a per-node summary of the subtree ("augment").
 *
 * Use, with struct thing { uintptr_t key; struct avl_node node; }:
 *
 *	avl_insert(&root, &t->node, thing_cmp, NULL);
 *	n = avl_find(&root, &key, key_cmp);	t = avl_entry(n, ...)
 *	for (n = avl_first(&root); n; n = avl_next(n)) ...
 *	avl_erase(&root, &t->node, NULL);
 *
 * An augmented tree passes the same @augment to every call that changes
 * its shape; @augment(n) recomputes n's summary from n and its children
 * and is called on every node whose subtree changed, bottom up.  When the
 * user changes what a node's summary depends on, avl_propagate() repairs
 * the summaries from that node to the root.
 *
 * Locking: none; the owner of the tree serialises every call, readers
 * included.  No function sleeps or allocates; all run in any context.
 */
#ifndef MM_AVL_H
#define MM_AVL_H

#include "mm/types.h"

/*
 * A node.  Invariants (avl_check()):
 *  T1. Each child's parent is its node; the root's parent is NULL.
 *  T2. height = 1 + the larger height of the two subtrees (none: 0).
 *  T3. The two subtrees' heights differ by at most one.
 *  T4. In order, no node sorts before its predecessor.
 *  T5. The user's per-node check (summaries) holds at every node.
 * Fields change only through the functions below.
 */
struct avl_node {
	struct avl_node *left, *right;
	struct avl_node *parent;
	int height;			/* of the subtree: 1 for a leaf */
};

struct avl_root {
	struct avl_node *node;		/* NULL: empty */
};

#define AVL_ROOT_INIT	{ NULL }

/* The structure of type @type whose member @member is the node @ptr. */
#define avl_entry(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Like avl_entry(), but NULL stays NULL. */
#define avl_entry_safe(ptr, type, member)				\
	((ptr) ? avl_entry(ptr, type, member) : (type *)NULL)

/*
 * avl_link_node - hang @node, alone, at @link (a child pointer of @parent
 * found by the caller's own descent, or &root->node), before
 * avl_insert_fixup().  Context: any.  Returns: nothing.
 */
void avl_link_node(struct avl_node *node, struct avl_node *parent,
		   struct avl_node **link);

/*
 * avl_insert_fixup - rebalance after avl_link_node() and bring the
 * heights and summaries above @node up to date.
 * Context: any.  Returns: nothing.
 */
void avl_insert_fixup(struct avl_root *root, struct avl_node *node,
		      void (*augment)(struct avl_node *n));

/*
 * avl_insert - put @node in order: @cmp(a, b) < 0 when a sorts before b;
 * a node equal to others goes after them.
 * Context: any.  Returns: nothing.
 */
void avl_insert(struct avl_root *root, struct avl_node *node,
		int (*cmp)(const struct avl_node *a, const struct avl_node *b),
		void (*augment)(struct avl_node *n));

/*
 * avl_erase - take @node (in the tree) out and rebalance.
 * Context: any.  Returns: nothing.
 */
void avl_erase(struct avl_root *root, struct avl_node *node,
	       void (*augment)(struct avl_node *n));

/*
 * avl_propagate - call @augment on @node and each of its ancestors, after
 * the user changed what @node's summary depends on.
 * Context: any.  Returns: nothing.
 */
void avl_propagate(struct avl_node *node, void (*augment)(struct avl_node *n));

/*
 * avl_first, avl_last - the lowest and highest node; avl_next, avl_prev -
 * the node after and before @node in order.  O(1) amortised per step.
 * Context: any.  Returns: the node, or NULL.
 */
struct avl_node *avl_first(const struct avl_root *root);
struct avl_node *avl_last(const struct avl_root *root);
struct avl_node *avl_next(const struct avl_node *node);
struct avl_node *avl_prev(const struct avl_node *node);

/*
 * Lookups by key: @cmp(key, n) < 0 when @key sorts before node n, 0 when
 * n matches it, > 0 after.  avl_find - a node that matches; avl_find_le -
 * the last node at or before @key; avl_find_gt - the first node after it.
 * Context: any.  Returns: the node, or NULL.
 */
struct avl_node *avl_find(const struct avl_root *root, const void *key,
			  int (*cmp)(const void *key, const struct avl_node *n));
struct avl_node *avl_find_le(const struct avl_root *root, const void *key,
			     int (*cmp)(const void *key,
					const struct avl_node *n));
struct avl_node *avl_find_gt(const struct avl_root *root, const void *key,
			     int (*cmp)(const void *key,
					const struct avl_node *n));

/*
 * avl_check - invariants T1-T4 of the tree under @root, with @cmp the
 * order of avl_insert(), and T5: @node_check (may be NULL) is called on
 * every node, in order, with @arg, and returns its own violations,
 * printing each.  A cycle is reported, never followed for ever.
 * Context: any.
 * Returns: the number of violations, each printed in one line.
 */
unsigned int avl_check(const struct avl_root *root,
		       int (*cmp)(const struct avl_node *a,
				  const struct avl_node *b),
		       unsigned int (*node_check)(const struct avl_node *n,
						  void *arg),
		       void *arg);

#endif /* MM_AVL_H */
