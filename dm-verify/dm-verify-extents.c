// SPDX-License-Identifier: GPL-2.0-only
/*
 * Growing set of disjoint sector ranges; see dm-verify-extents.h.
 */
#include "dm-verify-extents.h"

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/slab.h>

int dm_verify_extents_init(struct verify_extents *s, unsigned long max)
{
	s->root = RB_ROOT;
	s->nr = 0;
	s->max = max;
	s->sectors = 0;
	s->merges = 0;
	s->gfp = GFP_NOWAIT | __GFP_NOWARN;
	s->spare = kmalloc(sizeof(*s->spare), GFP_KERNEL);
	return s->spare ? 0 : -ENOMEM;
}

void dm_verify_extents_destroy(struct verify_extents *s)
{
	struct verify_range *r, *tmp;

	rbtree_postorder_for_each_entry_safe(r, tmp, &s->root, node)
		kfree(r);
	kfree(s->spare);
	s->root = RB_ROOT;
	s->spare = NULL;
	WRITE_ONCE(s->nr, 0);
	s->sectors = 0;
}

static struct verify_range *verify_range_of(struct rb_node *node)
{
	return node ? rb_entry(node, struct verify_range, node) : NULL;
}

/* First range whose end is past @sector (or, if @touching, reaches it). */
static struct verify_range *verify_extents_find(const struct verify_extents *s,
						sector_t sector, bool touching)
{
	struct rb_node *n = s->root.rb_node;
	struct verify_range *found = NULL, *r;

	while (n) {
		r = verify_range_of(n);
		if (r->e.end > sector || (touching && r->e.end == sector)) {
			found = r;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

static struct verify_range *verify_range_next(struct verify_range *r)
{
	return verify_range_of(rb_next(&r->node));
}

/* A new range, or NULL: never dips into reserves. */
static struct verify_range *verify_range_alloc(struct verify_extents *s)
{
	struct verify_range *r = NULL;

	if (!s->max || s->nr < s->max)
		r = kmalloc(sizeof(*r), s->gfp);
	if (!r && !s->nr) {
		/* The spare is there whenever the set is empty. */
		r = s->spare;
		s->spare = NULL;
	}
	return r;
}

static void verify_range_free(struct verify_extents *s, struct verify_range *r)
{
	rb_erase(&r->node, &s->root);
	/* Read without the lock to see if the set is empty. */
	WRITE_ONCE(s->nr, s->nr - 1);
	s->sectors -= r->e.end - r->e.start;
	if (!s->spare)
		s->spare = r;
	else
		kfree(r);
}

/* Link @r, which overlaps no range, into the tree. */
static void verify_range_insert(struct verify_extents *s, struct verify_range *r)
{
	struct rb_node **link = &s->root.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (r->e.start < verify_range_of(parent)->e.start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, &s->root);
	WRITE_ONCE(s->nr, s->nr + 1);
	s->sectors += r->e.end - r->e.start;
}

void dm_verify_extents_add(struct verify_extents *s, sector_t start, sector_t end)
{
	struct verify_range *r, *next, *prev;

	if (start >= end)
		return;
	r = verify_extents_find(s, start, true);
	if (r && r->e.start <= end) {
		/* Grow @r over [start, end) and swallow what it now reaches. */
		if (start < r->e.start) {
			s->sectors += r->e.start - start;
			r->e.start = start;
		}
		while ((next = verify_range_next(r)) && next->e.start <= end) {
			if (next->e.end > end)
				end = next->e.end;
			verify_range_free(s, next);
		}
		if (end > r->e.end) {
			s->sectors += end - r->e.end;
			r->e.end = end;
		}
		return;
	}
	next = r;
	r = verify_range_alloc(s);
	if (r) {
		r->e.start = start;
		r->e.end = end;
		verify_range_insert(s, r);
		return;
	}
	/*
	 * No range to be had, and the set is not empty: widen the nearer
	 * neighbour over the gap, which only adds sectors to the set.
	 */
	prev = next ? verify_range_of(rb_prev(&next->node)) :
		      verify_range_of(rb_last(&s->root));
	if (prev && (!next || start - prev->e.end <= next->e.start - end)) {
		s->sectors += end - prev->e.end;
		prev->e.end = end;
	} else {
		s->sectors += next->e.start - start;
		next->e.start = start;
	}
	s->merges++;
}

void dm_verify_extents_remove(struct verify_extents *s, sector_t start,
			      sector_t end)
{
	struct verify_range *r, *next, *split;

	if (start >= end)
		return;
	for (r = verify_extents_find(s, start, false); r && r->e.start < end;
	     r = next) {
		next = verify_range_next(r);
		if (r->e.start < start && r->e.end > end) {
			split = verify_range_alloc(s);
			if (!split) {
				/* Keep the range whole: the safe side. */
				s->merges++;
				return;
			}
			split->e.start = end;
			split->e.end = r->e.end;
			s->sectors -= r->e.end - start;
			r->e.end = start;
			verify_range_insert(s, split);
			return;
		}
		if (r->e.end > end) {
			s->sectors -= end - r->e.start;
			r->e.start = end;
			return;
		}
		if (r->e.start < start) {
			s->sectors -= r->e.end - start;
			r->e.end = start;
			continue;
		}
		verify_range_free(s, r);
	}
}

/*
 * Hand every range of @src to @dst, which must be empty; @src ends empty.
 * The spares swap too, as only an empty set needs one.
 */
void dm_verify_extents_move(struct verify_extents *dst, struct verify_extents *src)
{
	swap(dst->root, src->root);
	swap(dst->spare, src->spare);
	swap(dst->nr, src->nr);
	swap(dst->sectors, src->sectors);
	swap(dst->merges, src->merges);
}

/*
 * Copy the parts of the set inside [@start, @end) to @out.  If more than @max
 * ranges intersect, the last one reported is stretched to @end, so the caller
 * skips at least everything it must.
 */
unsigned int dm_verify_extents_query(const struct verify_extents *s,
				     sector_t start, sector_t end,
				  struct verify_extent *out, unsigned int max)
{
	struct verify_range *r;
	unsigned int n = 0;

	if (!max)
		return 0;
	for (r = verify_extents_find(s, start, false); r && r->e.start < end;
	     r = verify_range_next(r)) {
		if (n == max) {
			out[n - 1].end = end;
			break;
		}
		out[n].start = r->e.start > start ? r->e.start : start;
		out[n].end = r->e.end < end ? r->e.end : end;
		n++;
	}
	return n;
}

/*
 * The first range of the set inside [@start, @end), clipped to it, in *@e;
 * false if there is none.  Exact, unlike a query past its @max: a caller
 * walks the ranges with it, one lookup each.
 */
bool dm_verify_extents_first(const struct verify_extents *s, sector_t start,
			     sector_t end, struct verify_extent *e)
{
	const struct verify_range *r = verify_extents_find(s, start, false);

	if (!r || r->e.start >= end)
		return false;
	e->start = r->e.start > start ? r->e.start : start;
	e->end = r->e.end < end ? r->e.end : end;
	return true;
}

/*
 * The union of two sorted lists of disjoint extents (two query results),
 * sorted and disjoint, in at most @max entries: past that the last entry
 * stretches over the rest, gaps included, as a query's does; it errs by
 * skipping more, never less.  Returns the number of entries in @out.
 */
unsigned int dm_verify_extents_union(struct verify_extent *out, unsigned int max,
				     const struct verify_extent *a, unsigned int na,
				     const struct verify_extent *b, unsigned int nb)
{
	const struct verify_extent *e;
	unsigned int i = 0, j = 0, n = 0;

	if (!max)
		return 0;
	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i].start <= b[j].start))
			e = &a[i++];
		else
			e = &b[j++];
		if (n && (e->start <= out[n - 1].end || n == max)) {
			if (e->end > out[n - 1].end)
				out[n - 1].end = e->end;
			continue;
		}
		out[n++] = *e;
	}
	return n;
}

/* The range after @r, or the first one if @r is NULL; NULL at the end. */
const struct verify_range *dm_verify_extents_next(const struct verify_extents *s,
						  const struct verify_range *r)
{
	return verify_range_of(r ? rb_next(&r->node) : rb_first(&s->root));
}

/* The first range that ends after @sector; NULL if none does. */
const struct verify_range *dm_verify_extents_from(const struct verify_extents *s,
						  sector_t sector)
{
	return verify_extents_find(s, sector, false);
}

/* From the first range's start to the last's end; false if the set is empty. */
bool dm_verify_extents_bounds(const struct verify_extents *s,
			      struct verify_extent *e)
{
	if (!s->nr)
		return false;
	e->start = verify_range_of(rb_first(&s->root))->e.start;
	e->end = verify_range_of(rb_last(&s->root))->e.end;
	return true;
}
