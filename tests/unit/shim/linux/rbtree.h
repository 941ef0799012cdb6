/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's rb-tree: the same interface over a
 * plain binary search tree (no balancing, so the shape differs, never the
 * order).  The kernel's own rbtree runs under KUnit (tests/debug/002).
 */
#ifndef SHIM_LINUX_RBTREE_H
#define SHIM_LINUX_RBTREE_H
#include <stddef.h>

struct rb_node {
	struct rb_node *parent, *rb_left, *rb_right;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT ((struct rb_root) { NULL })
#define rb_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->parent = parent;
	node->rb_left = node->rb_right = NULL;
	*link = node;
}

static inline void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	(void)node;
	(void)root;
}

static inline struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_left)
		n = n->rb_left;
	return n;
}

static inline struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_right)
		n = n->rb_right;
	return n;
}

static inline struct rb_node *rb_next(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->rb_right) {
		n = n->rb_right;
		while (n->rb_left)
			n = n->rb_left;
		return (struct rb_node *)n;
	}
	while ((p = n->parent) && n == p->rb_right)
		n = p;
	return (struct rb_node *)p;
}

static inline struct rb_node *rb_prev(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->rb_left) {
		n = n->rb_left;
		while (n->rb_right)
			n = n->rb_right;
		return (struct rb_node *)n;
	}
	while ((p = n->parent) && n == p->rb_left)
		n = p;
	return (struct rb_node *)p;
}

static inline void rb_shim_replace(struct rb_node *old, struct rb_node *new,
				   struct rb_root *root)
{
	struct rb_node *p = old->parent;

	if (!p)
		root->rb_node = new;
	else if (p->rb_left == old)
		p->rb_left = new;
	else
		p->rb_right = new;
	if (new)
		new->parent = p;
}

static inline void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *s;

	if (!node->rb_left) {
		rb_shim_replace(node, node->rb_right, root);
	} else if (!node->rb_right) {
		rb_shim_replace(node, node->rb_left, root);
	} else {
		s = node->rb_right;
		while (s->rb_left)
			s = s->rb_left;
		if (s->parent != node) {
			rb_shim_replace(s, s->rb_right, root);
			s->rb_right = node->rb_right;
			s->rb_right->parent = s;
		}
		rb_shim_replace(node, s, root);
		s->rb_left = node->rb_left;
		s->rb_left->parent = s;
	}
}

static inline struct rb_node *rb_shim_first_postorder(struct rb_node *n)
{
	while (n && (n->rb_left || n->rb_right))
		n = n->rb_left ? n->rb_left : n->rb_right;
	return n;
}

static inline struct rb_node *rb_shim_next_postorder(struct rb_node *n)
{
	struct rb_node *p = n->parent;

	if (p && n == p->rb_left && p->rb_right)
		return rb_shim_first_postorder(p->rb_right);
	return p;
}

#define rbtree_postorder_for_each_entry_safe(pos, n, root, field)		\
	for (pos = (root)->rb_node ?						\
		rb_entry(rb_shim_first_postorder((root)->rb_node),		\
			 __typeof__(*pos), field) : NULL;			\
	     pos && ({ struct rb_node *_x = rb_shim_next_postorder(&pos->field); \
		       n = _x ? rb_entry(_x, __typeof__(*pos), field) : NULL; 1; }); \
	     pos = n)

#endif
