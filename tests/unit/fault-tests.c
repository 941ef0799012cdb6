// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the fault rule parser, formatter and decision.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdio.h>
#include <string.h>
#endif
#include <linux/kernel.h>

#include "dm-verify-fault.h"
#include "unit.h"

/* Split @line into words in @buf; returns the count. */
static unsigned int words(char *line, char **argv, unsigned int max)
{
	unsigned int n = 0;
	char *tok;

	while ((tok = strsep(&line, " ")) && n < max)
		if (*tok)
			argv[n++] = tok;
	return n;
}

static int parse(const char *text, struct verify_rule *r, const char **err)
{
	char line[256], *argv[32];
	unsigned int argc;

	snprintf(line, sizeof(line), "%s", text);
	argc = words(line, argv, 32);
	*err = NULL;
	return dm_verify_rule_parse(r, argc, argv, err);
}

static void test_parse_format(void)
{
	static const char * const good[] = {
		"write error EIO",
		"flush nth 3 error EIO",
		"read sectors 1000 2000 every 100 error ETIMEDOUT",
		"write prob 10000 error EIO",
		"write sectors 0 2048 drop",
		"read delay 20 10",
		"any flags fua,sync times 4 after 2 error_after ENOSPC",
		"read window 100 50 corrupt 7 9",
		"discard error ENOLINK",
		"write_zeroes every 2 delay 5",
		"read corrupt",
		"flush flags fua,preflush,meta,sync error EIO",
		"any flags preflush delay 1",
		"write flags fua,meta,sync error EIO",
	};
	struct verify_rule r, r2;
	const char *err;
	char buf[200];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		CHECK(!parse(good[i], &r, &err), "'%s' rejected: %s", good[i], err);
		n = dm_verify_rule_format(&r, buf, sizeof(buf));
		CHECK(n > 0 && !strcmp(buf, good[i]), "'%s' formatted as '%s'",
		      good[i], buf);
		/* Canonical text parses back to the same rule. */
		CHECK(!parse(buf, &r2, &err), "canonical '%s' rejected", buf);
		CHECK(!memcmp(&r, &r2, sizeof(r)), "'%s' does not round-trip", buf);
	}
	parse("write error", &r, &err);
	dm_verify_rule_format(&r, buf, sizeof(buf));
	CHECK(!strcmp(buf, "write error EIO"), "default errno: '%s'", buf);
	CHECK(dm_verify_rule_format(&r, buf, 8) == -ENOSPC, "truncation not reported");
}

/*
 * The longest rules the parser takes (16 words, every number at its
 * largest) fit VERIFY_RULE_MAX_LEN, the buffer status and `fault list` use:
 * at 082595d a 160-byte buffer made such rules vanish from `dmsetup table`.
 */
static void test_format_longest(void)
{
	static const char * const longest[] = {
		"write_zeroes sectors 18446744073709551614 18446744073709551615 flags fua,meta,sync every 18446744073709551615 nth 18446744073709551615 times 18446744073709551615 error_after ETIMEDOUT",
		"any sectors 18446744073709551614 18446744073709551615 flags fua,meta,sync every 18446744073709551615 nth 18446744073709551615 times 18446744073709551615 after 18446744073709551615 error_after ENOLINK",
		"read sectors 18446744073709551614 18446744073709551615 every 18446744073709551615 after 18446744073709551615 window 86400000 86400000 corrupt 9223372036854775807 255",
		"write sectors 0 8 flags fua every 2 times 3 after 1 prob 500000 error EIO",
	};
	char buf[VERIFY_RULE_MAX_LEN], line[512], *argv[32];
	struct verify_rule r;
	const char *err;
	unsigned int i, argc;
	int n;

	for (i = 0; i < ARRAY_SIZE(longest); i++) {
		snprintf(line, sizeof(line), "%s", longest[i]);
		argc = words(line, argv, 32);
		err = NULL;
		CHECK(!dm_verify_rule_parse(&r, argc, argv, &err),
		      "longest rule %u rejected: %s", i, err);
		n = dm_verify_rule_format(&r, buf, sizeof(buf));
		CHECK(n > 0 && !strcmp(buf, longest[i]),
		      "longest rule %u formatted as %d '%s'", i, n, n > 0 ? buf : "");
	}
}

#define PREFLUSH_DATA "Fault flag preflush needs op flush or any"

static void test_parse_errors(void)
{
	static const struct {
		const char *rule, *err;
	} bad[] = {
		{ "", "Invalid fault op" },
		{ "reed error", "Invalid fault op" },
		{ "read", "Fault rule needs an action" },
		{ "read every 0 error", "Invalid fault trigger count" },
		{ "read every x error", "Invalid fault trigger count" },
		{ "read every -1 error", "Invalid fault trigger count" },
		{ "read every 18446744073709551616 error", "Invalid fault trigger count" },
		{ "read nth 1 nth 2 error", "Fault trigger duplicated" },
		/* 16 words, 17 as dmsetup table writes them: no round trip. */
		{ "write sectors 0 8 every 2 times 3 after 1 prob 500000 window 100 200 error",
		  "Fault rule too long once its errno is written out" },
		{ "read sectors 0 8 every 2 times 3 after 1 prob 500000 window 1 2 error_after",
		  "Fault rule too long once its errno is written out" },
		{ "read prob 0 error", "Invalid fault probability (1-1000000 ppm)" },
		{ "read prob 1000001 error", "Invalid fault probability (1-1000000 ppm)" },
		{ "read sectors 5 5 error", "Invalid fault sector range" },
		{ "read sectors 18446744073709551615 18446744073709551615 error",
		  "Invalid fault sector range" },
		{ "read sectors 1 2 sectors 3 4 error", "Fault sector range duplicated" },
		{ "read flags error", "Invalid fault flags" },
		{ "read flags fua,fua error", "Invalid fault flags" },
		{ "read flags fua, error", "Invalid fault flags" },
		/* dm never hands a target a bio with data and PREFLUSH. */
		{ "write flags preflush error", PREFLUSH_DATA },
		{ "write flags fua,preflush error", PREFLUSH_DATA },
		{ "read flags preflush error", PREFLUSH_DATA },
		{ "discard flags sync,preflush error", PREFLUSH_DATA },
		{ "write_zeroes sectors 0 8 flags preflush delay 1", PREFLUSH_DATA },
		{ "read window 1 0 error", "Invalid fault window" },
		{ "read error EPERM", "Invalid fault errno" },
		{ "read error EIO now", "Unexpected word after fault action" },
		{ "read drop", "Fault action drop needs op write" },
		{ "write corrupt", "Fault action corrupt needs op read" },
		{ "any sectors 0 8 flags preflush error",
		  "Fault flag preflush is only on empty flushes: no sector range" },
		{ "any flags sync,preflush sectors 0 8 error",
		  "Fault flag preflush is only on empty flushes: no sector range" },
		{ "read delay 0", "Invalid fault delay" },
		{ "read delay 60001", "Invalid fault delay" },
		{ "read delay 10 11", "Invalid fault delay jitter" },
		{ "read corrupt x", "Invalid fault corrupt offset" },
		{ "read corrupt 1 0", "Invalid fault corrupt xor value" },
		{ "read explode", "Unknown fault rule keyword" },
		{ "read a b c d e f g h i j k l m n o p", "Fault rule too long" },
	};
	struct verify_rule r;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(parse(bad[i].rule, &r, &err) == -EINVAL && err &&
		      !strcmp(err, bad[i].err),
		      "'%s': got '%s', want '%s'", bad[i].rule, err ? err : "(accepted)",
		      bad[i].err);
	}
}

static unsigned int hits(struct verify_faults *f, unsigned int op,
			 unsigned int n, unsigned int *seq)
{
	struct verify_fault out;
	unsigned int i, h = 0;

	for (i = 0; i < n; i++) {
		if (dm_verify_faults_decide(f, op, 0, 8 * i, 8, 4096, 0, &out)) {
			if (seq)
				seq[h] = i;
			h++;
		}
	}
	return h;
}

static void add(struct verify_faults *f, const char *text)
{
	struct verify_rule r;
	const char *err;

	CHECK(!parse(text, &r, &err) && !dm_verify_faults_add(f, &r, 0, &err),
	      "rule not accepted: '%s'", text);
}

static void test_decide(void)
{
	static struct verify_faults f;
	struct verify_fault out;
	static unsigned int a[1000], b[1000];
	unsigned int n1, n2, i;

	dm_verify_faults_init(&f, 0);
	add(&f, "write every 10 error");
	CHECK(hits(&f, VERIFY_OP_WRITE, 100, a) == 10 && a[0] == 9 && a[9] == 99,
	      "every 10");
	CHECK(hits(&f, VERIFY_OP_READ, 100, NULL) == 0, "op filter");

	dm_verify_faults_init(&f, 0);
	add(&f, "write nth 3 error");
	CHECK(hits(&f, VERIFY_OP_WRITE, 10, a) == 1 && a[0] == 2, "nth 3");

	dm_verify_faults_init(&f, 0);
	add(&f, "any after 5 times 2 error");
	CHECK(hits(&f, VERIFY_OP_FLUSH, 20, a) == 2 && a[0] == 5 && a[1] == 6,
	      "after 5 times 2");

	/* Sector range: bios at 8*i of 8 sectors; [80, 160) selects i 10..19. */
	dm_verify_faults_init(&f, 0);
	add(&f, "read sectors 80 160 error");
	CHECK(hits(&f, VERIFY_OP_READ, 40, a) == 10 && a[0] == 10 && a[9] == 19,
	      "sector range");
	CHECK(!dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 0, 0, 0, &out),
	      "empty bio matched a ranged rule");
	/* Overlap at the range ends, and at the end of the sector space. */
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 159, 1, 512, 0, &out),
	      "last sector of range");
	CHECK(!dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 160, 1, 512, 0, &out),
	      "first sector past range");
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 72, 9, 4608, 0, &out),
	      "bio ending inside range");

	/* Flags: all required flags must be present. */
	dm_verify_faults_init(&f, 0);
	add(&f, "write flags fua,sync error");
	CHECK(!dm_verify_faults_decide(&f, VERIFY_OP_WRITE, VERIFY_FLAG_FUA, 0, 8, 4096,
				       0, &out), "fua alone matched fua,sync");
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_WRITE,
				      VERIFY_FLAG_FUA | VERIFY_FLAG_SYNC | VERIFY_FLAG_META,
				   0, 8, 4096, 0, &out), "fua,sync,meta missed");

	/* Probability: reproducible per seed, roughly right, seed-dependent. */
	dm_verify_faults_init(&f, 0);
	dm_verify_faults_set_seed(&f, 42);
	add(&f, "write prob 100000 error");
	n1 = hits(&f, VERIFY_OP_WRITE, 1000, a);
	dm_verify_faults_init(&f, 0);
	add(&f, "write prob 100000 error");
	dm_verify_faults_set_seed(&f, 42);
	n2 = hits(&f, VERIFY_OP_WRITE, 1000, b);
	CHECK(n1 == n2 && !memcmp(a, b, n1 * sizeof(a[0])),
	      "seed 42 not reproducible (set before or after the rule)");
	CHECK(n1 > 60 && n1 < 140, "10%% of 1000 gave %u", n1);
	dm_verify_faults_init(&f, 0);
	dm_verify_faults_set_seed(&f, 43);
	add(&f, "write prob 100000 error");
	n2 = hits(&f, VERIFY_OP_WRITE, 1000, b);
	CHECK(n1 != n2 || memcmp(a, b, n1 * sizeof(a[0])), "seed 43 same as 42");

	/* Window: 100 ms up, 50 ms down, from t0 = 0. */
	dm_verify_faults_init(&f, 0);
	add(&f, "read window 100 50 error");
	CHECK(!dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 8, 4096, 99, &out), "up");
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 8, 4096, 100, &out), "down");
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 8, 4096, 149, &out), "down end");
	CHECK(!dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 8, 4096, 150, &out), "up again");

	/* First firing rule wins; later rules do not see the bio. */
	dm_verify_faults_init(&f, 0);
	add(&f, "write every 2 error ENOSPC");
	add(&f, "write delay 5");
	for (i = 0; i < 4; i++) {
		dm_verify_faults_decide(&f, VERIFY_OP_WRITE, 0, 0, 8, 4096, 0, &out);
		CHECK(out.action == (i % 2 ? VERIFY_ACT_ERROR : VERIFY_ACT_DELAY),
		      "bio %u action %d", i, out.action);
	}
	CHECK(f.rule[0].matches == 4 && f.rule[0].hits == 2 &&
	      f.rule[1].matches == 2 && f.rule[1].hits == 2, "counters");

	/* Jitter stays in bounds; corrupt picks a byte inside the bio. */
	dm_verify_faults_init(&f, 7);
	add(&f, "read delay 20 10");
	add(&f, "read corrupt");
	for (i = 0; i < 200; i++) {
		dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 8, 4096, 0, &out);
		if (out.delay_ms < 10 || out.delay_ms > 30)
			CHECK(0, "jitter out of bounds: %u", out.delay_ms);
	}
	dm_verify_faults_del(&f, 1);
	for (i = 0; i < 200; i++) {
		dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 1, 512, 0, &out);
		if (out.corrupt_offset >= 512 || !out.corrupt_xor)
			CHECK(0, "corrupt offset %llu xor %u",
			      (unsigned long long)out.corrupt_offset, out.corrupt_xor);
	}
	CHECK(dm_verify_faults_del(&f, 1) == -ENOENT, "deleting twice");

	/*
	 * With a range, only the bio's sectors inside it: a rule for sector
	 * 2 flips a byte of sector 2 of a 64 KiB read from 0 (the old code
	 * picked any of the 65536), and a fixed byte counts from there.
	 */
	dm_verify_faults_init(&f, 7);
	add(&f, "read sectors 2 3 corrupt");
	for (i = 0; i < 200; i++) {
		dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 128, 65536, 0, &out);
		if (out.corrupt_offset < 1024 || out.corrupt_offset >= 1536)
			CHECK(0, "ranged corrupt at byte %llu, not in sector 2",
			      (unsigned long long)out.corrupt_offset);
	}
	dm_verify_faults_init(&f, 7);
	add(&f, "read sectors 100 200 corrupt 1000");
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 96, 16, 8192, 0, &out) &&
	      out.corrupt_offset == 2048 + 1000,
	      "fixed ranged corrupt at byte %llu, not 3048",
	      (unsigned long long)out.corrupt_offset);
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 196, 8, 4096, 0, &out) &&
	      out.corrupt_offset == 1000,
	      "fixed ranged corrupt at the range's end at byte %llu, not 1000",
	      (unsigned long long)out.corrupt_offset);
	CHECK(dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 199, 2, 1024, 0, &out) &&
	      out.corrupt_offset == 1000 % 512,
	      "fixed ranged corrupt in the last sector at byte %llu, not 488",
	      (unsigned long long)out.corrupt_offset);

	/* Disabled rules see nothing; a full table refuses more. */
	f.disabled = true;
	CHECK(!dm_verify_faults_decide(&f, VERIFY_OP_READ, 0, 0, 8, 4096, 0, &out),
	      "disabled");
	dm_verify_faults_init(&f, 0);
	for (i = 0; i < VERIFY_MAX_RULES; i++)
		add(&f, "read error");
	{
		struct verify_rule r;
		const char *err;

		parse("read error", &r, &err);
		CHECK(dm_verify_faults_add(&f, &r, 0, &err) == -ENOSPC &&
		      !strcmp(err, "Too many fault rules"), "rule limit");
	}
	dm_verify_faults_clear(&f);
	CHECK(f.nr == 0, "clear");
}

/* Which of 64 writes a "prob" rule fails, as a bit mask. */
static u64 prob_pattern(struct verify_faults *f)
{
	struct verify_fault out;
	u64 mask = 0;
	unsigned int i;

	for (i = 0; i < 64; i++)
		if (dm_verify_faults_decide(f, VERIFY_OP_WRITE, 0, i * 8, 8, 4096,
					    0, &out))
			mask |= 1ULL << i;
	return mask;
}

/*
 * The same seed and rules give the same faults, however the rules came to
 * be listed: a rule's stream follows its place in the list, which a table
 * line keeps, not its id, which goes on counting after a clear.
 */
static void test_reproducible(void)
{
	struct verify_faults f;
	u64 fresh, again;

	dm_verify_faults_init(&f, 42);
	add(&f, "write prob 500000 error");
	fresh = prob_pattern(&f);
	CHECK(fresh && ~fresh, "prob 500000 failed %016llx of 64 writes",
	      (unsigned long long)fresh);
	dm_verify_faults_clear(&f);
	add(&f, "write prob 500000 error");
	again = prob_pattern(&f);
	CHECK(f.rule[0].id == 2 && again == fresh,
	      "rule %u after a clear: %016llx, fresh %016llx", f.rule[0].id,
	      (unsigned long long)again, (unsigned long long)fresh);

	/* Added after the last rule was deleted: its place in the table line. */
	dm_verify_faults_init(&f, 42);
	add(&f, "read error");
	add(&f, "read error");
	dm_verify_faults_del(&f, 2);
	add(&f, "write prob 500000 error");
	again = prob_pattern(&f);
	dm_verify_faults_init(&f, 42);
	add(&f, "read error");
	add(&f, "write prob 500000 error");
	fresh = prob_pattern(&f);
	CHECK(again == fresh, "rule 3 in place 2: %016llx, as listed %016llx",
	      (unsigned long long)again, (unsigned long long)fresh);

	/* A place freed by a delete: never the stream of a rule listed. */
	dm_verify_faults_init(&f, 42);
	add(&f, "write prob 500000 error");
	add(&f, "write prob 500000 error");
	add(&f, "write prob 500000 error");
	dm_verify_faults_del(&f, 2);
	add(&f, "write prob 500000 error");
	CHECK(f.nr == 3 && f.rule[1].rng != f.rule[2].rng &&
	      f.rule[0].rng != f.rule[2].rng, "rule 4 shares a stream");
}

void test_faults(void)
{
	test_reproducible();
	test_parse_format();
	test_format_longest();
	test_parse_errors();
	test_decide();
}
