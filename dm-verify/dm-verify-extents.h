/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bounded set of sector ranges, kept sorted and disjoint.
 *
 * dm-verify uses it for the regions whose content is undefined (failed or
 * discarded writes).  When the set is full it merges neighbours, so it only
 * ever grows a range: a sector may be skipped that could have been compared,
 * but a sector that must be skipped is never compared.  No locking and no
 * allocation here: the caller owns both, and userspace unit tests build this
 * file unchanged.
 */
#ifndef DM_VERIFY_EXTENTS_H
#define DM_VERIFY_EXTENTS_H

#include <linux/types.h>

struct verify_extent {
	sector_t start;
	sector_t end;		/* exclusive */
};

struct verify_extents {
	struct verify_extent *ext;
	unsigned int nr;
	unsigned int max;
	unsigned int merges;	/* times the set was full and merged ranges */
};

void verify_extents_init(struct verify_extents *s, struct verify_extent *buf,
			 unsigned int max);
void verify_extents_clear(struct verify_extents *s);
void verify_extents_add(struct verify_extents *s, sector_t start, sector_t end);
void verify_extents_remove(struct verify_extents *s, sector_t start,
			   sector_t end);
unsigned int verify_extents_query(const struct verify_extents *s,
				  sector_t start, sector_t end,
				  struct verify_extent *out, unsigned int max);
sector_t verify_extents_sectors(const struct verify_extents *s);

#endif
