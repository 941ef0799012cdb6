/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduled fault injection: rule parsing, formatting and the per-bio
 * decision.  No block-layer state and no locking (the caller serialises
 * decisions, which keeps them in bio arrival order), so the same file
 * builds in userspace for unit tests.
 */
#ifndef DM_VERIFY_FAULT_H
#define DM_VERIFY_FAULT_H

#include <linux/types.h>

#define VERIFY_MAX_RULES	32
#define VERIFY_RULE_MAX_WORDS	16
/*
 * Room for any rule dm_verify_rule_format() writes: at most 16 words, each a
 * name (the flag list "fua,preflush,meta,sync" is the longest, 22 bytes) or
 * a decimal u64 (20), and a space.
 */
#define VERIFY_RULE_MAX_LEN	(VERIFY_RULE_MAX_WORDS * 24)
#define VERIFY_PPM		1000000U

/* Operation classes a rule selects; a bio is exactly one of them. */
enum {
	VERIFY_OP_READ = 1 << 0,
	VERIFY_OP_WRITE = 1 << 1,
	VERIFY_OP_FLUSH = 1 << 2,
	VERIFY_OP_DISCARD = 1 << 3,
	VERIFY_OP_WRITE_ZEROES = 1 << 4,
	VERIFY_OP_ANY = (1 << 5) - 1,
};

/* Request flags a rule may require. */
enum {
	VERIFY_FLAG_FUA = 1 << 0,
	VERIFY_FLAG_PREFLUSH = 1 << 1,
	VERIFY_FLAG_META = 1 << 2,
	VERIFY_FLAG_SYNC = 1 << 3,
};

enum verify_action {
	VERIFY_ACT_NONE,
	VERIFY_ACT_ERROR,	/* fail before either leg is touched */
	VERIFY_ACT_ERROR_AFTER,	/* run both legs, then fail */
	VERIFY_ACT_DROP,	/* skip the data leg, report success */
	VERIFY_ACT_DELAY,	/* complete later */
	VERIFY_ACT_CORRUPT,	/* flip a byte of the read payload */
	VERIFY_ACT_CRASH,	/* power cut before the bio runs (write_cache) */
};

/* Which volatile writes a power cut loses (crash action and message). */
enum verify_crash_mode {
	VERIFY_CRASH_ALL,	/* every one */
	VERIFY_CRASH_PROB,	/* each one with probability ppm */
	VERIFY_CRASH_TORN,	/* each logical block of each one */
};

struct verify_rule {
	unsigned int id;
	unsigned int ops;
	unsigned int flags;
	sector_t start, end;	/* [start, end); end 0: no range */

	/* Triggers; all given ones must agree.  0 means not given. */
	u64 every, nth, times, after;
	u32 ppm;
	u32 up_ms, down_ms;

	enum verify_action action;
	int err;		/* positive errno for the error actions */
	u32 delay_ms, jitter_ms;
	s64 corrupt_offset;	/* byte in the payload; -1: seeded choice */
	u32 corrupt_xor;	/* 0: seeded choice */
	enum verify_crash_mode crash_mode;
	u32 crash_ppm;

	u64 matches, hits;
	u64 rng;
	unsigned int slot;	/* which stream of the seed rng draws from */
	u64 t0_ms;		/* start of the up/down window */
};

/* What the decision asks of one bio. */
struct verify_fault {
	enum verify_action action;
	unsigned int rule_id;
	int err;
	u32 delay_ms;
	u64 corrupt_offset;
	u8 corrupt_xor;
	enum verify_crash_mode crash_mode;
	u32 crash_ppm;
};

struct verify_faults {
	struct verify_rule rule[VERIFY_MAX_RULES];
	unsigned int nr;
	unsigned int next_id;
	u64 seed;
	bool disabled;
};

void dm_verify_faults_init(struct verify_faults *f, u64 seed);
void dm_verify_faults_set_seed(struct verify_faults *f, u64 seed);
int dm_verify_rule_parse(struct verify_rule *r, unsigned int argc, char **argv,
			 const char **error);
int dm_verify_faults_add(struct verify_faults *f, struct verify_rule *r,
			 u64 now_ms, const char **error);
int dm_verify_faults_del(struct verify_faults *f, unsigned int id);
void dm_verify_faults_clear(struct verify_faults *f);
bool dm_verify_faults_decide(struct verify_faults *f, unsigned int op,
			     unsigned int flags, sector_t sector,
			  unsigned int nr_sectors, unsigned int bytes,
			  u64 now_ms, struct verify_fault *out);
int dm_verify_rule_format(const struct verify_rule *r, char *buf, size_t len);
const char *dm_verify_op_name(unsigned int op);
const char *dm_verify_action_name(enum verify_action action);
const char *dm_verify_errno_name(int err);
/* The seeded generator the rules draw from (splitmix64), and a modulo. */
u64 dm_verify_rng_next(u64 *state);
u64 dm_verify_mod(u64 a, u64 b);

#endif
