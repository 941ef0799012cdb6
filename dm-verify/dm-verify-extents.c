// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded sorted set of sector ranges; see dm-verify-extents.h.
 */
#include "dm-verify-extents.h"

#include <linux/string.h>

void verify_extents_init(struct verify_extents *s, struct verify_extent *buf,
			 unsigned int max)
{
	s->ext = buf;
	s->max = max;
	s->nr = 0;
	s->merges = 0;
}

void verify_extents_clear(struct verify_extents *s)
{
	s->nr = 0;
}

/* Index of the first range whose end is past @sector (or touches it). */
static unsigned int verify_extents_find(const struct verify_extents *s,
					sector_t sector, bool touching)
{
	unsigned int lo = 0, hi = s->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		sector_t end = s->ext[mid].end;

		if (end > sector || (touching && end == sector))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void verify_extents_delete(struct verify_extents *s, unsigned int i,
				  unsigned int n)
{
	memmove(&s->ext[i], &s->ext[i + n],
		(s->nr - i - n) * sizeof(s->ext[0]));
	s->nr -= n;
}

static void verify_extents_insert(struct verify_extents *s, unsigned int i,
				  sector_t start, sector_t end)
{
	memmove(&s->ext[i + 1], &s->ext[i], (s->nr - i) * sizeof(s->ext[0]));
	s->ext[i].start = start;
	s->ext[i].end = end;
	s->nr++;
}

/*
 * The set is full: merge the two neighbours with the smallest gap.  This
 * only adds sectors to the set, which is the safe direction.
 */
static void verify_extents_squeeze(struct verify_extents *s)
{
	unsigned int i, best = 0;
	sector_t gap, best_gap = (sector_t)-1;

	for (i = 0; i + 1 < s->nr; i++) {
		gap = s->ext[i + 1].start - s->ext[i].end;
		if (gap < best_gap) {
			best_gap = gap;
			best = i;
		}
	}
	s->ext[best].end = s->ext[best + 1].end;
	verify_extents_delete(s, best + 1, 1);
	s->merges++;
}

void verify_extents_add(struct verify_extents *s, sector_t start, sector_t end)
{
	unsigned int i, j;

	if (start >= end || !s->max)
		return;
again:
	i = verify_extents_find(s, start, true);
	for (j = i; j < s->nr && s->ext[j].start <= end; j++)
		;
	if (j > i) {
		if (s->ext[i].start < start)
			start = s->ext[i].start;
		if (s->ext[j - 1].end > end)
			end = s->ext[j - 1].end;
		s->ext[i].start = start;
		s->ext[i].end = end;
		verify_extents_delete(s, i + 1, j - i - 1);
		return;
	}
	if (s->nr == s->max) {
		if (s->max == 1) {
			/* Only one slot: it must cover both ranges. */
			if (s->ext[0].start < start)
				start = s->ext[0].start;
			if (s->ext[0].end > end)
				end = s->ext[0].end;
			s->ext[0].start = start;
			s->ext[0].end = end;
			s->merges++;
			return;
		}
		verify_extents_squeeze(s);
		goto again;
	}
	verify_extents_insert(s, i, start, end);
}

void verify_extents_remove(struct verify_extents *s, sector_t start,
			   sector_t end)
{
	unsigned int i;
	struct verify_extent *e;

	if (start >= end)
		return;
again:
	i = verify_extents_find(s, start, false);
	while (i < s->nr && s->ext[i].start < end) {
		e = &s->ext[i];
		if (e->start < start && e->end > end) {
			/* Splitting needs a slot; when full, keep the range. */
			if (s->nr == s->max) {
				if (s->max < 2)
					return;
				verify_extents_squeeze(s);
				goto again;
			}
			verify_extents_insert(s, i + 1, end, e->end);
			e->end = start;
			return;
		}
		if (e->end > end) {
			e->start = end;
			return;
		}
		if (e->start < start) {
			e->end = start;
			i++;
			continue;
		}
		verify_extents_delete(s, i, 1);
	}
}

/*
 * Copy the parts of the set inside [@start, @end) to @out.  If more than @max
 * ranges intersect, the last one reported is stretched to @end, so the caller
 * skips at least everything it must.
 */
unsigned int verify_extents_query(const struct verify_extents *s,
				  sector_t start, sector_t end,
				  struct verify_extent *out, unsigned int max)
{
	unsigned int i, n = 0;

	if (!max)
		return 0;
	for (i = verify_extents_find(s, start, false);
	     i < s->nr && s->ext[i].start < end; i++) {
		if (n == max) {
			out[n - 1].end = end;
			break;
		}
		out[n].start = s->ext[i].start > start ? s->ext[i].start : start;
		out[n].end = s->ext[i].end < end ? s->ext[i].end : end;
		n++;
	}
	return n;
}

sector_t verify_extents_sectors(const struct verify_extents *s)
{
	sector_t total = 0;
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		total += s->ext[i].end - s->ext[i].start;
	return total;
}
