/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Word-wise comparison of two payloads, sector by sector.
 *
 * The payloads arrive as pairs of mapped chunks of any length (bio segments
 * need not be sector sized); the state carries what was found across chunks.
 * Pure logic with no kernel state, so userspace unit tests build it as is.
 */
#ifndef DM_VERIFY_DIFF_H
#define DM_VERIFY_DIFF_H

#include <linux/types.h>

#include "dm-verify-extents.h"

#define VERIFY_SECTOR_SHIFT	9
#define VERIFY_SECTOR_SIZE	512
#define VERIFY_DIFF_BYTES	16
#define VERIFY_DIFF_SKIPS	8

struct verify_diff {
	/* Sector ranges relative to the payload start that are not compared. */
	struct verify_extent skip[VERIFY_DIFF_SKIPS];
	unsigned int nr_skip;
	/* Sector from which @skip may miss ranges (too many), or U64_MAX. */
	u64 cut;

	u64 resume;		/* bytes before this need no further look */
	u64 first;		/* byte of the first difference, or U64_MAX */
	unsigned int bad_sectors;
	unsigned int nr_bytes;	/* bytes saved from each side at @first */
	u8 data[VERIFY_DIFF_BYTES];
	u8 ref[VERIFY_DIFF_BYTES];
};

size_t dm_verify_first_diff(const void *a, const void *b, size_t len);
void dm_verify_diff_init(struct verify_diff *d);
void dm_verify_diff_chunk(struct verify_diff *d, const u8 *data, const u8 *ref,
			  u64 pos, size_t len);

#endif
