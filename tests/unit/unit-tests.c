// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace unit tests of dm-verify's pure logic: the bounded range set
 * (checked against a bitmap model under random operations) and the
 * sector-wise comparator (checked against a byte-by-byte model under random
 * chunking and skip ranges).
 */
#ifdef __KERNEL__
#include <linux/module.h>
#include <linux/string.h>
#define UINT64_MAX U64_MAX
#else
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#endif

#include "dm-verify-diff.h"
#include "dm-verify-extents.h"
#include "unit.h"

static u64 rng_state = 88172645463325252ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Walks the set: ranges in order, disjoint, counts and total right. */
static bool well_formed(const struct verify_extents *s)
{
	const struct verify_range *r, *prev = NULL, *first;
	struct verify_extent b;
	unsigned long n = 0;
	sector_t total = 0;

	/* The bounds are the first range's start and the last one's end. */
	first = dm_verify_extents_next(s, NULL);
	if (dm_verify_extents_bounds(s, &b) != !!first ||
	    (first && b.start != first->e.start))
		return false;

	for (r = dm_verify_extents_next(s, NULL); r; r = dm_verify_extents_next(s, r)) {
		if (r->e.start >= r->e.end)
			return false;
		if (prev && prev->e.end >= r->e.start)
			return false;	/* touching ranges must have merged */
		total += r->e.end - r->e.start;
		n++;
		prev = r;
	}
	if (prev && b.end != prev->e.end)
		return false;
	return n == s->nr && total == s->sectors && (!s->max || n <= s->max);
}

static bool in_set(const struct verify_extents *s, sector_t x)
{
	const struct verify_range *r;

	for (r = dm_verify_extents_next(s, NULL); r; r = dm_verify_extents_next(s, r))
		if (x >= r->e.start && x < r->e.end)
			return true;
	return false;
}

/* The @i-th range (from 0), or a range of 0..0 past the end. */
static struct verify_extent nth(const struct verify_extents *s, unsigned int i)
{
	const struct verify_range *r = dm_verify_extents_next(s, NULL);
	struct verify_extent none = { 0, 0 };

	while (r && i--)
		r = dm_verify_extents_next(s, r);
	return r ? r->e : none;
}

#ifdef __KERNEL__
/* The kernel's allocator cannot be made to fail here: skip those checks. */
static bool shim_kmalloc_fail;
#define UNIT_ALLOC_FAILS 0
#else
bool shim_kmalloc_fail;
#define UNIT_ALLOC_FAILS 1
#endif

#define SPACE 512

/*
 * Replay random adds/removes on a bitmap and on the set; the set must cover
 * every sector the bitmap holds, and equal it while no merge was forced (by
 * @max, or by allocations failing when @fail_every is set).
 */
static void test_extents_model(unsigned int max, unsigned int rounds,
			       unsigned int fail_every)
{
	struct verify_extent q[3];
	struct verify_extents s;
	static bool model[SPACE];
	unsigned int r, x, n, i, missing = 0, extra = 0, qbad = 0, fbad = 0;
	unsigned int frombad = 0;

	memset(model, 0, sizeof(model));
	CHECK(!dm_verify_extents_init(&s, max), "init");
	for (r = 0; r < rounds; r++) {
		sector_t a = rnd() % SPACE, b = a + 1 + rnd() % 24;
		bool add = rnd() % 2;

		if (b > SPACE)
			b = SPACE;
		shim_kmalloc_fail = fail_every && rnd() % fail_every == 0;
		if (add)
			dm_verify_extents_add(&s, a, b);
		else
			dm_verify_extents_remove(&s, a, b);
		shim_kmalloc_fail = false;
		for (x = a; x < b; x++)
			model[x] = add;
		CHECK(well_formed(&s), "malformed, max %u round %u", max, r);
		for (x = 0; x < SPACE; x++) {
			if (model[x] && !in_set(&s, x))
				missing++;
			if (!model[x] && in_set(&s, x) && !s.merges)
				extra++;
		}
		/* A query must cover every set sector in its window. */
		a = rnd() % SPACE;
		b = a + rnd() % 64;
		n = dm_verify_extents_query(&s, a, b, q, 3);
		for (x = a; x < b && x < SPACE; x++) {
			bool covered = false;

			for (i = 0; i < n; i++)
				covered |= x >= q[i].start && x < q[i].end;
			if (in_set(&s, x) && !covered)
				qbad++;
			if (covered && !in_set(&s, x) && n < 3)
				qbad++;
		}
		/* Walking the window range by range finds exactly the set. */
		for (x = a; x < b && x < SPACE; x++) {
			struct verify_extent e;
			bool covered = dm_verify_extents_first(&s, x, b, &e) &&
				       e.start == x;

			if (covered != in_set(&s, x))
				fbad++;
		}
		/* The range a walk from a starts at: the first ending after a. */
		{
			const struct verify_range *want, *got;

			for (want = dm_verify_extents_next(&s, NULL);
			     want && want->e.end <= a;
			     want = dm_verify_extents_next(&s, want))
				;
			got = dm_verify_extents_from(&s, a);
			if (got != want)
				frombad++;
		}
	}
	CHECK(!frombad, "max %u: %u walks started at the wrong range", max, frombad);
	CHECK(!fbad, "max %u: %u sectors wrong in first-range walks", max, fbad);
	CHECK(!missing, "max %u fail %u: %u sectors to skip were dropped", max,
	      fail_every, missing);
	CHECK(!extra, "max %u: %u sectors added without a merge", max, extra);
	CHECK(!qbad, "max %u: %u sectors wrong in queries", max, qbad);
	if ((!max || max >= 64) && !fail_every)
		CHECK(!s.merges, "max %u: unexpected merges %llu", max,
		      (unsigned long long)s.merges);
	if (fail_every && UNIT_ALLOC_FAILS)
		CHECK(s.merges, "fail %u: failed allocations caused no merge",
		      fail_every);
	dm_verify_extents_destroy(&s);
}

/*
 * Issue 15's case: 4096 discards of 8 sectors, one per MiB over 4 GiB.  A
 * bounded set (1024 ranges, at 082595d) merged them into ranges covering
 * 66% of the span, so corruption in the gaps went unreported.  Every range
 * stays exact now, and a gap is not skipped.
 */
static void test_extents_many(void)
{
	const sector_t mib = 2048;
	struct verify_extent q[2];
	struct verify_extents s;
	unsigned int i;

	CHECK(!dm_verify_extents_init(&s, 0), "init");
	for (i = 0; i < 4096; i++)
		dm_verify_extents_add(&s, i * mib, i * mib + 8);
	CHECK(s.nr == 4096 && s.sectors == 4096 * 8 && !s.merges,
	      "4096 discards: %lu ranges, %llu sectors, %llu merges", s.nr,
	      (unsigned long long)s.sectors, (unsigned long long)s.merges);
	CHECK(dm_verify_extents_query(&s, 3000 * mib + 100, 3000 * mib + 108, q, 2) == 0,
	      "a gap between discards is skipped");
	CHECK(dm_verify_extents_query(&s, 3000 * mib, 3000 * mib + 16, q, 2) == 1 &&
	      q[0].start == 3000 * mib && q[0].end == 3000 * mib + 8,
	      "a discarded range is skipped exactly");
	CHECK(well_formed(&s), "4096 ranges well formed");
	/* The same with allocations failing: widened, never dropped. */
	shim_kmalloc_fail = true;
	dm_verify_extents_add(&s, 5000 * mib, 5000 * mib + 8);
	shim_kmalloc_fail = false;
	CHECK(in_set(&s, 5000 * mib) && well_formed(&s), "add without memory");
	if (UNIT_ALLOC_FAILS)
		CHECK(s.merges == 1, "add without memory widens a neighbour");
	dm_verify_extents_destroy(&s);
}

static void test_extents_edges(void)
{
	struct verify_extents s, t;
	struct verify_extent q[2];
	const sector_t top = UINT64_MAX;

	CHECK(!dm_verify_extents_init(&s, 4), "init");
	dm_verify_extents_add(&s, 10, 10);
	CHECK(s.nr == 0, "zero-length add stored %lu", s.nr);
	dm_verify_extents_add(&s, 20, 10);
	CHECK(s.nr == 0, "reversed add stored %lu", s.nr);
	dm_verify_extents_add(&s, top - 8, top);
	CHECK(s.nr == 1 && nth(&s, 0).end == top, "end-of-range add");
	dm_verify_extents_remove(&s, top - 4, top);
	CHECK(s.nr == 1 && nth(&s, 0).end == top - 4, "end-of-range remove");
	CHECK(dm_verify_extents_query(&s, top - 100, top, q, 2) == 1 &&
	      q[0].start == top - 8 && q[0].end == top - 4, "end-of-range query");
	dm_verify_extents_add(&s, 0, 5);
	dm_verify_extents_add(&s, 5, 9);
	CHECK(s.nr == 2 && nth(&s, 0).start == 0 && nth(&s, 0).end == 9,
	      "adjacent ranges merge");
	dm_verify_extents_remove(&s, 3, 4);
	CHECK(s.nr == 3 && nth(&s, 0).end == 3 && nth(&s, 1).start == 4,
	      "split in the middle");
	CHECK(s.sectors == 3 + 5 + 4, "sector total %llu",
	      (unsigned long long)s.sectors);
	CHECK(well_formed(&s), "well formed");

	/* Moving hands everything over and leaves an empty, usable set. */
	CHECK(!dm_verify_extents_init(&t, 4), "init");
	dm_verify_extents_move(&t, &s);
	CHECK(t.nr == 3 && s.nr == 0 && s.sectors == 0 && well_formed(&t),
	      "move");
	shim_kmalloc_fail = true;
	dm_verify_extents_add(&s, 7, 8);
	shim_kmalloc_fail = false;
	CHECK(s.nr == 1 && !s.merges, "an emptied set takes a range without memory");
	dm_verify_extents_destroy(&t);
	dm_verify_extents_destroy(&s);

	/* One range at most: everything collapses into a covering range. */
	CHECK(!dm_verify_extents_init(&s, 1), "init");
	dm_verify_extents_add(&s, 0, 2);
	dm_verify_extents_add(&s, 100, 102);
	CHECK(s.nr == 1 && nth(&s, 0).start == 0 && nth(&s, 0).end == 102,
	      "max 1 covers both");
	dm_verify_extents_remove(&s, 50, 51);
	CHECK(s.nr == 1 && nth(&s, 0).start == 0 && nth(&s, 0).end == 102,
	      "max 1 cannot split, keeps the range");
	dm_verify_extents_destroy(&s);

	/* With no memory at all, the first range still comes from the spare. */
	CHECK(!dm_verify_extents_init(&s, 0), "init");
	shim_kmalloc_fail = true;
	dm_verify_extents_add(&s, 0, 2);
	dm_verify_extents_add(&s, 10, 12);
	shim_kmalloc_fail = false;
	if (UNIT_ALLOC_FAILS)
		CHECK(s.nr == 1 && nth(&s, 0).start == 0 && nth(&s, 0).end == 12 &&
		      s.merges == 1, "no memory: spare, then a widened range");
	dm_verify_extents_destroy(&s);
}

/* Byte model of verify_diff over one payload split into random chunks. */
static void test_diff_random(unsigned int rounds)
{
	enum { LEN = 8 * 512 };
	static u8 a[LEN], b[LEN];
	unsigned int r, i, bad_first = 0, bad_count = 0, bad_bytes = 0;

	for (r = 0; r < rounds; r++) {
		struct verify_diff d;
		u64 first = UINT64_MAX, pos;
		unsigned int nbad = 0, ndiff = rnd() % 4, s;
		bool skip[8] = { false }, sector_bad[8] = { false };

		for (i = 0; i < LEN; i++) {
			b[i] = rnd();
			a[i] = b[i];
		}
		for (i = 0; i < ndiff; i++) {
			unsigned int at = rnd() % LEN;

			b[at] ^= 1 + rnd() % 255;
		}
		dm_verify_diff_init(&d);
		for (s = 0; s < 8; s++) {
			if (rnd() % 4)
				continue;
			skip[s] = true;
			if (d.nr_skip && d.skip[d.nr_skip - 1].end == s) {
				d.skip[d.nr_skip - 1].end = s + 1;
			} else {
				d.skip[d.nr_skip].start = s;
				d.skip[d.nr_skip].end = s + 1;
				d.nr_skip++;
			}
		}
		for (i = 0; i < LEN; i++) {
			if (a[i] == b[i] || skip[i / 512])
				continue;
			if (first == UINT64_MAX)
				first = i;
			sector_bad[i / 512] = true;
		}
		for (s = 0; s < 8; s++)
			nbad += sector_bad[s];

		for (pos = 0; pos < LEN;) {
			size_t len = 1 + rnd() % 1500;

			if (pos + len > LEN)
				len = LEN - pos;
			dm_verify_diff_chunk(&d, a + pos, b + pos, pos, len);
			pos += len;
		}
		if (d.first != first)
			bad_first++;
		if (d.bad_sectors != nbad)
			bad_count++;
		if (first != UINT64_MAX &&
		    (!d.nr_bytes || memcmp(d.data, a + first, d.nr_bytes) ||
		     memcmp(d.ref, b + first, d.nr_bytes) ||
		     (first % 512) + d.nr_bytes > 512))
			bad_bytes++;
	}
	CHECK(!bad_first, "%u rounds with the wrong first difference", bad_first);
	CHECK(!bad_count, "%u rounds with the wrong bad-sector count", bad_count);
	CHECK(!bad_bytes, "%u rounds with wrong saved bytes", bad_bytes);
}

static void test_first_diff(void)
{
	u8 a[200], b[200];
	unsigned int i;

	for (i = 0; i < sizeof(a); i++) {
		a[i] = i;
		b[i] = i;
	}
	CHECK(dm_verify_first_diff(a, b, 0) == 0, "empty");
	CHECK(dm_verify_first_diff(a, b, sizeof(a)) == sizeof(a), "equal");
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		if (dm_verify_first_diff(a, b, sizeof(a)) != i ||
		    dm_verify_first_diff(a + 1, b + 1, sizeof(a) - 1) !=
		    (i ? i - 1 : sizeof(a) - 1))
			CHECK(0, "difference at %u missed", i);
		b[i] ^= 0x80;
	}
	CHECK(dm_verify_first_diff(a + 3, b + 3, 61) == 61, "unaligned equal");
}

/* n random sorted, disjoint extents in [0, 256), marked in @model. */
static unsigned int random_extents(struct verify_extent *e, unsigned int n,
				   bool *model)
{
	unsigned int i = 0, at = rnd() % 16;

	while (i < n && at < 256) {
		e[i].start = at;
		e[i].end = at + 1 + rnd() % 24;
		if (e[i].end > 256)
			e[i].end = 256;
		memset(model + e[i].start, 1, e[i].end - e[i].start);
		at = e[i].end + rnd() % 32;
		i++;
	}
	return i;
}

/*
 * The union of two query results (unverified and unsynced ranges): sorted,
 * disjoint, covering every sector of either, and nothing else unless it had
 * to stretch its last entry for want of room.
 */
static void test_extents_union(unsigned int rounds)
{
	struct verify_extent a[8], b[8], out[8];
	unsigned int r, na = 0, nb = 0, n, max, i, x, bad = 0;
	static bool model[256];

	for (r = 0; r < rounds; r++) {
		memset(model, 0, sizeof(model));
		na = random_extents(a, rnd() % 9, model);
		nb = random_extents(b, rnd() % 9, model);
		max = 1 + rnd() % 8;
		n = dm_verify_extents_union(out, max, a, na, b, nb);
		if (n > max || (!n && (na || nb)))
			bad++;
		for (i = 0; i < n; i++)
			if (out[i].start >= out[i].end ||
			    (i && out[i - 1].end >= out[i].start))
				bad++;
		for (x = 0; x < 256; x++) {
			bool covered = false;

			for (i = 0; i < n; i++)
				covered |= x >= out[i].start && x < out[i].end;
			if (model[x] != covered && (model[x] || n < max))
				bad++;
		}
	}
	CHECK(!bad, "union of extents: %u wrong results", bad);
	CHECK(dm_verify_extents_union(out, 0, a, na, b, nb) == 0, "union with no room");
}

#ifdef __KERNEL__
struct kunit *unit_test;

static void kunit_extents_edges(struct kunit *test)
{
	unit_test = test;
	test_extents_edges();
	test_extents_union(UNIT_ROUNDS(2000));
}

static void kunit_extents_model(struct kunit *test)
{
	unsigned int max;

	unit_test = test;
	for (max = 1; max <= 64; max *= 2)
		test_extents_model(max, UNIT_ROUNDS(3000), 0);
	test_extents_model(0, UNIT_ROUNDS(3000), 0);
	test_extents_many();
}

static void kunit_first_diff(struct kunit *test)
{
	unit_test = test;
	test_first_diff();
}

static void kunit_diff_random(struct kunit *test)
{
	unit_test = test;
	test_diff_random(UNIT_ROUNDS(5000));
}

static void kunit_faults(struct kunit *test)
{
	unit_test = test;
	test_faults();
}

static struct kunit_case dm_verify_unit_cases[] = {
	KUNIT_CASE(kunit_extents_edges),
	KUNIT_CASE(kunit_extents_model),
	KUNIT_CASE(kunit_first_diff),
	KUNIT_CASE(kunit_diff_random),
	KUNIT_CASE(kunit_faults),
	{}
};

static struct kunit_suite dm_verify_unit_suite = {
	.name = "dm-verify",
	.test_cases = dm_verify_unit_cases,
};

kunit_test_suite(dm_verify_unit_suite);

MODULE_DESCRIPTION("KUnit tests of dm-verify's range set, comparator and fault rules");
MODULE_LICENSE("GPL");
#else
unsigned int passed, failed;

int main(void)
{
	unsigned int max;

	test_extents_edges();
	test_extents_union(UNIT_ROUNDS(2000));
	for (max = 1; max <= 64; max *= 2)
		test_extents_model(max, UNIT_ROUNDS(3000), 0);
	test_extents_model(0, UNIT_ROUNDS(3000), 0);
	test_extents_model(0, UNIT_ROUNDS(3000), 5);
	test_extents_many();
	test_first_diff();
	test_diff_random(UNIT_ROUNDS(5000));
	test_faults();
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
#endif
