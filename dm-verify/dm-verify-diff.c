// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sector-wise payload comparison; see dm-verify-diff.h.
 */
#include "dm-verify-diff.h"

#include <linux/kernel.h>
#include <linux/string.h>

/* An unaligned 8-byte load the compiler keeps in a register. */
static inline u64 verify_load64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Nonzero when the 32 bytes at @p and @q differ. */
static inline u64 verify_xor32(const u8 *p, const u8 *q)
{
	return (verify_load64(p) ^ verify_load64(q)) |
	       (verify_load64(p + 8) ^ verify_load64(q + 8)) |
	       (verify_load64(p + 16) ^ verify_load64(q + 16)) |
	       (verify_load64(p + 24) ^ verify_load64(q + 24));
}

/*
 * Offset of the first differing byte, or @len if none.  The generic memcmp()
 * x86-64 uses goes byte by byte; this compares 64 bytes per step and only
 * narrows down to bytes inside the step that differs.  Scalar loads, not
 * arrays: an array is address-taken, so with the stack zero-initialised
 * (distribution kernels) every step also stored it back to the stack.
 */
size_t dm_verify_first_diff(const void *a, const void *b, size_t len)
{
	const u8 *p = a, *q = b;
	size_t i = 0;

	while (len - i >= 64) {
		if (verify_xor32(p + i, q + i) | verify_xor32(p + i + 32, q + i + 32))
			break;
		i += 64;
	}
	for (; i < len; i++)
		if (p[i] != q[i])
			return i;
	return len;
}

void dm_verify_diff_init(struct verify_diff *d)
{
	memset(d, 0, sizeof(*d));
	d->first = U64_MAX;
	d->cut = U64_MAX;
}

/* First byte at or after @pos outside the skipped ranges; @next: where the next skip begins. */
static u64 verify_diff_unskipped(const struct verify_diff *d, u64 pos,
				 u64 *next)
{
	unsigned int i;

	*next = U64_MAX;
	for (i = 0; i < d->nr_skip; i++) {
		u64 s = (u64)d->skip[i].start << VERIFY_SECTOR_SHIFT;
		u64 e = (u64)d->skip[i].end << VERIFY_SECTOR_SHIFT;

		if (pos >= e)
			continue;
		if (pos >= s) {
			pos = e;
			continue;
		}
		*next = s;
		break;
	}
	return pos;
}

/* Compare @len bytes of both payloads that sit at byte @pos of the payload. */
void dm_verify_diff_chunk(struct verify_diff *d, const u8 *data, const u8 *ref,
			  u64 pos, size_t len)
{
	u64 end = pos + len, cur = pos, next, stop;
	size_t off, n;

	while (cur < end) {
		if (cur < d->resume)
			cur = d->resume;
		cur = verify_diff_unskipped(d, cur, &next);
		if (cur >= end)
			break;
		stop = next < end ? next : end;
		off = dm_verify_first_diff(data + (cur - pos), ref + (cur - pos),
					   stop - cur);
		if (cur + off == stop) {
			cur = stop;
			continue;
		}
		cur += off;
		if (d->first == U64_MAX) {
			d->first = cur;
			n = min_t(size_t, end - cur, VERIFY_DIFF_BYTES);
			n = min_t(size_t, n, VERIFY_SECTOR_SIZE - (cur & (VERIFY_SECTOR_SIZE - 1)));
			memcpy(d->data, data + (cur - pos), n);
			memcpy(d->ref, ref + (cur - pos), n);
			d->nr_bytes = n;
		}
		d->bad_sectors++;
		/* The rest of this sector needs no look: it is counted. */
		cur = (cur | (VERIFY_SECTOR_SIZE - 1)) + 1;
		d->resume = cur;
	}
}
