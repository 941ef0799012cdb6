/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A set of sector ranges, kept disjoint in an rb-tree that grows as needed.
 *
 * dm-verify uses it for the regions whose content is undefined (failed or
 * discarded writes), which must not be compared.  Ranges are allocated with
 * @gfp: GFP_NOWAIT unless the owner sets otherwise, as the set changes under
 * a spinlock in completion context.
 * When a range cannot be had (no memory, or @max ranges held), the set
 * widens a neighbour instead, so it only ever errs by skipping a sector that
 * could have been compared, never by comparing one that must be skipped;
 * @merges counts those widenings.  One spare range, kept while the set is
 * empty, means the first range never fails.  No locking here: the caller
 * owns it, and userspace unit tests build this file unchanged.
 */
#ifndef DM_VERIFY_EXTENTS_H
#define DM_VERIFY_EXTENTS_H

#include <linux/rbtree.h>
#include <linux/types.h>

struct verify_extent {
	sector_t start;
	sector_t end;		/* exclusive */
};

struct verify_range {
	struct rb_node node;
	struct verify_extent e;
};

struct verify_extents {
	struct rb_root root;
	struct verify_range *spare;
	unsigned long nr;	/* ranges held */
	unsigned long max;	/* most ranges to hold; 0: no limit */
	sector_t sectors;	/* sectors held */
	u64 merges;		/* ranges widened for want of a new range */
	gfp_t gfp;		/* for new ranges */
};

int dm_verify_extents_init(struct verify_extents *s, unsigned long max);
void dm_verify_extents_destroy(struct verify_extents *s);
void dm_verify_extents_add(struct verify_extents *s, sector_t start, sector_t end);
void dm_verify_extents_remove(struct verify_extents *s, sector_t start,
			      sector_t end);
void dm_verify_extents_move(struct verify_extents *dst, struct verify_extents *src);
unsigned int dm_verify_extents_query(const struct verify_extents *s,
				     sector_t start, sector_t end,
				  struct verify_extent *out, unsigned int max);
bool dm_verify_extents_first(const struct verify_extents *s, sector_t start,
			     sector_t end, struct verify_extent *e);
unsigned int dm_verify_extents_union(struct verify_extent *out, unsigned int max,
				     const struct verify_extent *a, unsigned int na,
				     const struct verify_extent *b, unsigned int nb);
bool dm_verify_extents_bounds(const struct verify_extents *s,
			      struct verify_extent *e);
const struct verify_range *dm_verify_extents_next(const struct verify_extents *s,
						  const struct verify_range *r);
const struct verify_range *dm_verify_extents_from(const struct verify_extents *s,
						  sector_t sector);

#endif
