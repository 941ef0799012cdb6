// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scheduled fault injection; see dm-verify-fault.h.
 *
 * Rule grammar (one rule, as words):
 *   <op> [sectors <start> <end>] [flags <f>[,<f>...]]
 *        [every <n>] [nth <n>] [times <n>] [after <n>] [prob <ppm>]
 *        [window <up_ms> <down_ms>] <action>
 *   op:     read | write | flush | discard | write_zeroes | any
 *   flags:  fua | preflush | meta | sync (preflush only with flush or any,
 *           and without sectors)
 *   action: error [<errno>] | error_after [<errno>] | drop |
 *           delay <ms> [<jitter_ms>] | corrupt [<byte> [<xor>]] |
 *           crash [all | prob <ppm> | torn <ppm>]
 */
#include "dm-verify-fault.h"
#include <linux/blk_types.h>

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>

static const struct {
	const char *name;
	unsigned int op;
} verify_ops[] = {
	{ "read", VERIFY_OP_READ },
	{ "write", VERIFY_OP_WRITE },
	{ "flush", VERIFY_OP_FLUSH },
	{ "discard", VERIFY_OP_DISCARD },
	{ "write_zeroes", VERIFY_OP_WRITE_ZEROES },
	{ "any", VERIFY_OP_ANY },
};

static const char * const verify_flag_names[] = {
	"fua", "preflush", "meta", "sync",
};

static const struct {
	const char *name;
	int err;
} verify_errnos[] = {
	{ "EIO", EIO },
	{ "ENOSPC", ENOSPC },
	{ "ETIMEDOUT", ETIMEDOUT },
	{ "ENOLINK", ENOLINK },
	{ "ENODATA", ENODATA },
	{ "EILSEQ", EILSEQ },
	{ "EREMOTEIO", EREMOTEIO },
};

static const char * const verify_action_names[] = {
	[VERIFY_ACT_NONE] = "none",
	[VERIFY_ACT_ERROR] = "error",
	[VERIFY_ACT_ERROR_AFTER] = "error_after",
	[VERIFY_ACT_DROP] = "drop",
	[VERIFY_ACT_DELAY] = "delay",
	[VERIFY_ACT_CORRUPT] = "corrupt",
	[VERIFY_ACT_CRASH] = "crash",
};

const char *dm_verify_op_name(unsigned int op)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verify_ops); i++)
		if (verify_ops[i].op == op)
			return verify_ops[i].name;
	return "?";
}

const char *dm_verify_action_name(enum verify_action action)
{
	return verify_action_names[action];
}

const char *dm_verify_errno_name(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verify_errnos); i++)
		if (verify_errnos[i].err == err)
			return verify_errnos[i].name;
	return "?";
}

static int verify_errno_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verify_errnos); i++)
		if (!strcmp(verify_errnos[i].name, name))
			return verify_errnos[i].err;
	return 0;
}

static int verify_flags_parse(const char *list, unsigned int *flags)
{
	const char *p = list;
	unsigned int i;
	size_t len;

	*flags = 0;
	while (*p) {
		len = strcspn(p, ",");
		for (i = 0; i < ARRAY_SIZE(verify_flag_names); i++) {
			if (strlen(verify_flag_names[i]) == len &&
			    !strncmp(verify_flag_names[i], p, len))
				break;
		}
		if (i == ARRAY_SIZE(verify_flag_names) || *flags & (1U << i))
			return -EINVAL;
		*flags |= 1U << i;
		p += len;
		if (*p == ',' && *++p == '\0')
			return -EINVAL;
	}
	return *flags ? 0 : -EINVAL;
}

/* Parse @word as a number in [@min, @max]. */
static int verify_num(const char *word, u64 min, u64 max, u64 *out)
{
	if (!word || kstrtou64(word, 10, out) || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

u64 dm_verify_rng_next(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u64 dm_verify_mod(u64 a, u64 b)
{
	u64 rem;

	div64_u64_rem(a, b, &rem);
	return rem;
}

struct verify_words {
	unsigned int argc;		/* left */
	unsigned int total;
	char **argv;
};

static const char *verify_next(struct verify_words *w)
{
	if (!w->argc)
		return NULL;
	w->argc--;
	return *w->argv++;
}

static const char *verify_peek(struct verify_words *w)
{
	return w->argc ? *w->argv : NULL;
}

static int verify_parse_action(struct verify_rule *r, const char *name,
			       struct verify_words *w, const char **error)
{
	u64 v;

	if (!strcmp(name, "error") || !strcmp(name, "error_after")) {
		r->action = name[5] ? VERIFY_ACT_ERROR_AFTER : VERIFY_ACT_ERROR;
		r->err = EIO;
		if (verify_peek(w)) {
			r->err = verify_errno_parse(verify_next(w));
			if (!r->err) {
				*error = "Invalid fault errno";
				return -EINVAL;
			}
		} else if (w->total == VERIFY_RULE_MAX_WORDS) {
			/* dmsetup table writes the errno out: a word too many. */
			*error = "Fault rule too long once its errno is written out";
			return -EINVAL;
		}
	} else if (!strcmp(name, "drop")) {
		r->action = VERIFY_ACT_DROP;
		if (r->ops != VERIFY_OP_WRITE) {
			*error = "Fault action drop needs op write";
			return -EINVAL;
		}
	} else if (!strcmp(name, "delay")) {
		r->action = VERIFY_ACT_DELAY;
		if (verify_num(verify_next(w), 1, 60000, &v)) {
			*error = "Invalid fault delay";
			return -EINVAL;
		}
		r->delay_ms = v;
		if (verify_peek(w)) {
			if (verify_num(verify_next(w), 0, r->delay_ms, &v)) {
				*error = "Invalid fault delay jitter";
				return -EINVAL;
			}
			r->jitter_ms = v;
		}
	} else if (!strcmp(name, "corrupt")) {
		r->action = VERIFY_ACT_CORRUPT;
		if (r->ops != VERIFY_OP_READ) {
			*error = "Fault action corrupt needs op read";
			return -EINVAL;
		}
		if (verify_peek(w)) {
			if (verify_num(verify_next(w), 0, S64_MAX, &v)) {
				*error = "Invalid fault corrupt offset";
				return -EINVAL;
			}
			r->corrupt_offset = v;
		}
		if (verify_peek(w)) {
			if (verify_num(verify_next(w), 1, 255, &v)) {
				*error = "Invalid fault corrupt xor value";
				return -EINVAL;
			}
			r->corrupt_xor = v;
		}
	} else if (!strcmp(name, "crash")) {
		r->action = VERIFY_ACT_CRASH;
		r->crash_mode = VERIFY_CRASH_ALL;
		name = verify_next(w);
		if (name && strcmp(name, "all")) {
			if (!strcmp(name, "prob")) {
				r->crash_mode = VERIFY_CRASH_PROB;
			} else if (!strcmp(name, "torn")) {
				r->crash_mode = VERIFY_CRASH_TORN;
			} else {
				*error = "Invalid fault crash mode";
				return -EINVAL;
			}
			if (verify_num(verify_next(w), 0, VERIFY_PPM, &v)) {
				*error = "Invalid fault crash ppm";
				return -EINVAL;
			}
			r->crash_ppm = v;
		}
	} else {
		*error = "Unknown fault rule keyword";
		return -EINVAL;
	}
	if (w->argc) {
		*error = "Unexpected word after fault action";
		return -EINVAL;
	}
	return 0;
}

/* Parse one trigger keyword; returns 1 if @name is not a trigger. */
static int verify_parse_trigger(struct verify_rule *r, const char *name,
				struct verify_words *w, const char **error)
{
	u64 *slot = NULL, v, v2;

	if (!strcmp(name, "every"))
		slot = &r->every;
	else if (!strcmp(name, "nth"))
		slot = &r->nth;
	else if (!strcmp(name, "times"))
		slot = &r->times;
	else if (!strcmp(name, "after"))
		slot = &r->after;

	if (slot) {
		if (*slot) {
			*error = "Fault trigger duplicated";
			return -EINVAL;
		}
		if (verify_num(verify_next(w), 1, U64_MAX, slot)) {
			*error = "Invalid fault trigger count";
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(name, "prob")) {
		if (r->ppm) {
			*error = "Fault trigger duplicated";
			return -EINVAL;
		}
		if (verify_num(verify_next(w), 1, VERIFY_PPM, &v)) {
			*error = "Invalid fault probability (1-1000000 ppm)";
			return -EINVAL;
		}
		r->ppm = v;
		return 0;
	}
	if (!strcmp(name, "window")) {
		if (r->down_ms) {
			*error = "Fault trigger duplicated";
			return -EINVAL;
		}
		if (verify_num(verify_next(w), 0, 86400000, &v) ||
		    verify_num(verify_next(w), 1, 86400000, &v2)) {
			*error = "Invalid fault window";
			return -EINVAL;
		}
		r->up_ms = v;
		r->down_ms = v2;
		return 0;
	}
	return 1;
}

int dm_verify_rule_parse(struct verify_rule *r, unsigned int argc, char **argv,
			 const char **error)
{
	struct verify_words w = { .argc = argc, .total = argc, .argv = argv };
	const char *word;
	unsigned int i;
	u64 a, b;
	int ret;

	memset(r, 0, sizeof(*r));
	r->corrupt_offset = -1;
	if (argc > VERIFY_RULE_MAX_WORDS) {
		*error = "Fault rule too long";
		return -EINVAL;
	}
	word = verify_next(&w);
	for (i = 0; word && i < ARRAY_SIZE(verify_ops); i++)
		if (!strcmp(word, verify_ops[i].name))
			r->ops = verify_ops[i].op;
	if (!r->ops) {
		*error = "Invalid fault op";
		return -EINVAL;
	}

	while ((word = verify_next(&w))) {
		if (!strcmp(word, "sectors")) {
			if (r->end) {
				*error = "Fault sector range duplicated";
				return -EINVAL;
			}
			/* A flush has no sectors: such a rule would never fire. */
			if (r->ops == VERIFY_OP_FLUSH) {
				*error = "Fault sector range needs an op with sectors, not flush";
				return -EINVAL;
			}
			if (verify_num(verify_next(&w), 0, U64_MAX - 1, &a) ||
			    verify_num(verify_next(&w), a + 1, U64_MAX, &b)) {
				*error = "Invalid fault sector range";
				return -EINVAL;
			}
			r->start = a;
			r->end = b;
			continue;
		}
		if (!strcmp(word, "flags")) {
			word = verify_next(&w);
			if (r->flags || !word || verify_flags_parse(word, &r->flags)) {
				*error = "Invalid fault flags";
				return -EINVAL;
			}
			/*
			 * dm core runs a PREFLUSH bio with data as an empty
			 * flush, then resubmits the data without PREFLUSH:
			 * only op flush ever carries it to a target.
			 */
			if ((r->flags & VERIFY_FLAG_PREFLUSH) &&
			    !(r->ops & VERIFY_OP_FLUSH)) {
				*error = "Fault flag preflush needs op flush or any";
				return -EINVAL;
			}
			continue;
		}
		ret = verify_parse_trigger(r, word, &w, error);
		if (ret <= 0) {
			if (ret)
				return ret;
			continue;
		}
		/* Only empty flushes carry PREFLUSH here: a range never matches. */
		if ((r->flags & VERIFY_FLAG_PREFLUSH) && r->end) {
			*error = "Fault flag preflush is only on empty flushes: no sector range";
			return -EINVAL;
		}
		return verify_parse_action(r, word, &w, error);
	}
	*error = "Fault rule needs an action";
	return -EINVAL;
}

void dm_verify_faults_init(struct verify_faults *f, u64 seed)
{
	memset(f, 0, sizeof(*f));
	f->seed = seed;
	f->next_id = 1;
}

/* Re-seed every rule, so a seed given after the rules still applies. */
void dm_verify_faults_set_seed(struct verify_faults *f, u64 seed)
{
	unsigned int i;

	f->seed = seed;
	for (i = 0; i < f->nr; i++)
		f->rule[i].rng = seed ^ ((u64)f->rule[i].slot << 32);
}

int dm_verify_faults_add(struct verify_faults *f, struct verify_rule *r,
			 u64 now_ms, const char **error)
{
	unsigned int i;

	if (f->nr == VERIFY_MAX_RULES) {
		*error = "Too many fault rules";
		return -ENOSPC;
	}
	/*
	 * The stream comes from the rule's place in the list, not its id:
	 * a table line, reloaded, places rules as they were listed, while
	 * ids go on counting after a clear or a delete.  After a delete that
	 * place's stream may be another rule's: then one no place has.
	 */
	r->id = f->next_id++;
	r->slot = f->nr + 1;
	for (i = 0; i < f->nr; i++) {
		if (f->rule[i].slot == r->slot) {
			r->slot = VERIFY_MAX_RULES + r->id;
			break;
		}
	}
	r->rng = f->seed ^ ((u64)r->slot << 32);
	r->t0_ms = now_ms;
	r->matches = 0;
	r->hits = 0;
	f->rule[f->nr++] = *r;
	return 0;
}

int dm_verify_faults_del(struct verify_faults *f, unsigned int id)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++) {
		if (f->rule[i].id == id) {
			memmove(&f->rule[i], &f->rule[i + 1],
				(f->nr - i - 1) * sizeof(f->rule[0]));
			f->nr--;
			return 0;
		}
	}
	return -ENOENT;
}

void dm_verify_faults_clear(struct verify_faults *f)
{
	f->nr = 0;
}

static bool verify_rule_selects(const struct verify_rule *r, unsigned int op,
				unsigned int flags, sector_t sector,
				unsigned int nr_sectors)
{
	if (!(r->ops & op) || (r->flags & flags) != r->flags)
		return false;
	if (r->end && (!nr_sectors || sector >= r->end ||
		       sector + nr_sectors <= r->start))
		return false;
	return true;
}

static bool verify_rule_fires(struct verify_rule *r, u64 now_ms)
{
	u64 n = ++r->matches;

	if (r->after && n <= r->after)
		return false;
	if (r->every && dm_verify_mod(n, r->every))
		return false;
	if (r->nth && n != r->nth)
		return false;
	if (r->times && r->hits >= r->times)
		return false;
	if (r->down_ms &&
	    dm_verify_mod(now_ms - r->t0_ms, (u64)r->up_ms + r->down_ms) < r->up_ms)
		return false;
	if (r->ppm && dm_verify_mod(dm_verify_rng_next(&r->rng), VERIFY_PPM) >= r->ppm)
		return false;
	return true;
}

/*
 * The bytes of the bio a corrupt rule may flip, [@lo, @lo + @span): those
 * of its sectors inside the rule's range, so that a rule for one sector
 * corrupts that sector whatever bio reads it.  Never empty: a rule with a
 * range selects only bios that overlap it.
 */
static void verify_corrupt_span(const struct verify_rule *r, sector_t sector,
				unsigned int nr_sectors, unsigned int bytes,
				u64 *lo, u64 *span)
{
	sector_t s0, s1;

	*lo = 0;
	*span = bytes;
	if (!r->end)
		return;
	s0 = max_t(sector_t, sector, r->start);
	s1 = min_t(sector_t, sector + nr_sectors, r->end);
	*lo = (u64)(s0 - sector) << SECTOR_SHIFT;
	*span = min_t(u64, (u64)(s1 - s0) << SECTOR_SHIFT, bytes - *lo);
}

/*
 * Rules are tried in order; each counts the bios it selects, and the first
 * one whose triggers all fire acts.  Later rules never see that bio.  Every
 * choice comes from counters and the seeded generator, never from timing,
 * except for window rules, which are defined by time.
 */
bool dm_verify_faults_decide(struct verify_faults *f, unsigned int op,
			     unsigned int flags, sector_t sector,
			  unsigned int nr_sectors, unsigned int bytes,
			  u64 now_ms, struct verify_fault *out)
{
	struct verify_rule *r;
	unsigned int i;
	u64 j, lo, span;

	out->action = VERIFY_ACT_NONE;
	if (f->disabled)
		return false;
	for (i = 0; i < f->nr; i++) {
		r = &f->rule[i];
		if (!verify_rule_selects(r, op, flags, sector, nr_sectors))
			continue;
		if (r->action == VERIFY_ACT_CORRUPT && !bytes)
			continue;
		if (!verify_rule_fires(r, now_ms))
			continue;
		r->hits++;
		out->action = r->action;
		out->rule_id = r->id;
		out->err = r->err;
		out->delay_ms = r->delay_ms;
		if (r->jitter_ms) {
			j = dm_verify_mod(dm_verify_rng_next(&r->rng),
					  2 * (u64)r->jitter_ms + 1);
			out->delay_ms = r->delay_ms + j - r->jitter_ms;
		}
		out->crash_mode = r->crash_mode;
		out->crash_ppm = r->crash_ppm;
		if (r->action == VERIFY_ACT_CORRUPT) {
			verify_corrupt_span(r, sector, nr_sectors, bytes, &lo,
					    &span);
			out->corrupt_offset = lo + (r->corrupt_offset >= 0 ?
				dm_verify_mod(r->corrupt_offset, span) :
				dm_verify_mod(dm_verify_rng_next(&r->rng), span));
			out->corrupt_xor = r->corrupt_xor ? r->corrupt_xor :
				1 + dm_verify_mod(dm_verify_rng_next(&r->rng), 255);
		}
		return true;
	}
	return false;
}

/* The rule's canonical words; returns their number, or -ENOSPC. */
int dm_verify_rule_format(const struct verify_rule *r, char *buf, size_t len)
{
	const char *sep;
	size_t n = 0;
	int words = 1;
	unsigned int i;

#define EMIT(fmt, ...) \
	(n += scnprintf(buf + n, len - n, fmt, ##__VA_ARGS__))

	EMIT("%s", dm_verify_op_name(r->ops));
	if (r->end) {
		EMIT(" sectors %llu %llu", (unsigned long long)r->start,
		     (unsigned long long)r->end);
		words += 3;
	}
	if (r->flags) {
		sep = " flags ";
		for (i = 0; i < ARRAY_SIZE(verify_flag_names); i++) {
			if (r->flags & (1U << i)) {
				EMIT("%s%s", sep, verify_flag_names[i]);
				sep = ",";
			}
		}
		words += 2;
	}
	if (r->every) {
		EMIT(" every %llu", (unsigned long long)r->every);
		words += 2;
	}
	if (r->nth) {
		EMIT(" nth %llu", (unsigned long long)r->nth);
		words += 2;
	}
	if (r->times) {
		EMIT(" times %llu", (unsigned long long)r->times);
		words += 2;
	}
	if (r->after) {
		EMIT(" after %llu", (unsigned long long)r->after);
		words += 2;
	}
	if (r->ppm) {
		EMIT(" prob %u", r->ppm);
		words += 2;
	}
	if (r->down_ms) {
		EMIT(" window %u %u", r->up_ms, r->down_ms);
		words += 3;
	}
	EMIT(" %s", dm_verify_action_name(r->action));
	words++;
	switch (r->action) {
	case VERIFY_ACT_ERROR:
	case VERIFY_ACT_ERROR_AFTER:
		EMIT(" %s", dm_verify_errno_name(r->err));
		words++;
		break;
	case VERIFY_ACT_DELAY:
		EMIT(" %u", r->delay_ms);
		words++;
		if (r->jitter_ms) {
			EMIT(" %u", r->jitter_ms);
			words++;
		}
		break;
	case VERIFY_ACT_CRASH:
		if (r->crash_mode != VERIFY_CRASH_ALL) {
			EMIT(" %s %u", r->crash_mode == VERIFY_CRASH_PROB ?
			     "prob" : "torn", r->crash_ppm);
			words += 2;
		}
		break;
	case VERIFY_ACT_CORRUPT:
		if (r->corrupt_offset >= 0) {
			EMIT(" %lld", (long long)r->corrupt_offset);
			words++;
			if (r->corrupt_xor) {
				EMIT(" %u", r->corrupt_xor);
				words++;
			}
		}
		break;
	default:
		break;
	}
#undef EMIT
	/* scnprintf() stops at the end: a full buffer means truncation. */
	return n + 1 >= len ? -ENOSPC : words;
}
