// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the status line and the message interface.
 */
#include "dm-verify.h"

static const char * const verify_policy_names[] = {
	VERIFY_POLICIES(VERIFY_SCHEMA_NAME)
};

static const char * const verify_state_names[] = {
	VERIFY_STATES(VERIFY_SCHEMA_NAME)
};

const char *dm_verify_policy_name(enum verify_policy policy)
{
	return verify_policy_names[policy];
}

int dm_verify_parse_policy(const char *name, enum verify_policy *policy)
{
	int i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(verify_policy_names); i++) {
		if (!strcasecmp(name, verify_policy_names[i])) {
			*policy = i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * From the counters the status line prints (@val), not read again: a
 * mismatch or a reset in between would make the line contradict itself.
 */
static const char *verify_state(struct verify_c *vc, const u64 *val)
{
	enum verify_state state = VERIFY_STATE_OK;

	if (test_bit(VERIFY_CRASHED, &vc->flags))
		state = VERIFY_STATE_CRASHED;
	else if (test_bit(VERIFY_HALTED, &vc->flags))
		state = VERIFY_STATE_HALTED;
	else if (val[VERIFY_STAT_MISMATCHED_READS] ||
		 val[VERIFY_STAT_STATUS_MISMATCHES] ||
		 val[VERIFY_STAT_SCRUB_MISMATCHES])
		state = VERIFY_STATE_MISMATCH;
	return verify_state_names[state];
}

/*
 * unverified_merges: ranges widened for want of a new one in every set
 * whose widening skips sectors that could be compared (undefined,
 * unsynced, volatile: made unverified by data_crashed).  Under the lock.
 */
u64 dm_verify_merges(struct verify_c *vc)
{
	return vc->unverified.merges + vc->unsynced.merges +
	       (vc->ref_dev ? dm_verify_volatile_merges(vc) : 0);
}

/* The status fields' values; the undefined-range ones are read under the lock. */
static void verify_stats_snapshot(struct verify_c *vc, u64 *val)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < VERIFY_NR_STATS; i++)
		val[i] = dm_verify_stat_read(vc, i);
	spin_lock_irqsave(&vc->lock, flags);
	val[VERIFY_STAT_UNVERIFIED_RANGES] = vc->unverified.nr;
	val[VERIFY_STAT_UNVERIFIED_SPAN] = vc->unverified.sectors;
	val[VERIFY_STAT_UNVERIFIED_MERGES] = dm_verify_merges(vc);
	if (vc->ref_dev)
		dm_verify_volatile_size(vc, &val[VERIFY_STAT_VOLATILE_SECTORS],
					&val[VERIFY_STAT_VOLATILE_RANGES]);
	val[VERIFY_STAT_WRITE_CACHE_BYTES] = vc->wc.bytes;
	val[VERIFY_STAT_UNSYNCED_SECTORS] = vc->unsynced.sectors;
	val[VERIFY_STAT_UNKNOWN_BLOCKS] = dm_verify_digest_unknown(vc);
	val[VERIFY_STAT_DIRTY_REGIONS] = dm_verify_digest_dirty_regions(vc);
	dm_verify_scrub_progress(vc, &val[VERIFY_STAT_SCRUB_RUNNING],
				 &val[VERIFY_STAT_SYNC_RUNNING],
				 &val[VERIFY_STAT_SCRUB_POSITION],
				 &val[VERIFY_STAT_SCRUB_END]);
	spin_unlock_irqrestore(&vc->lock, flags);
}

/* Feature args that recreate this target, rules included. */
static void verify_emit_features(struct verify_c *vc, enum verify_policy policy,
				 char *result, unsigned int maxlen,
				 unsigned int *szp)
{
	struct verify_faults *f = &vc->faults;
	unsigned int sz = *szp, words = 0;
	unsigned long flags;

	spin_lock_irqsave(&vc->fault_lock, flags);
	if (policy != VERIFY_LOG)
		words += 2;
	if (vc->have_seed)
		words += 2;
	if (vc->wc.budget)
		words += 2;
	if (vc->sync_feature)
		words++;
	words += dm_verify_digest_table_words(vc);
	words += dm_verify_state_meta_table_words(vc);
	words += dm_verify_rules_table_words(vc);
	if (words)
		DMEMIT(" %u", words);
	if (policy != VERIFY_LOG)
		DMEMIT(" on_mismatch %s", dm_verify_policy_name(policy));
	if (vc->have_seed)
		DMEMIT(" seed %llu", (unsigned long long)f->seed);
	if (vc->wc.budget)
		DMEMIT(" write_cache %llu", vc->wc.budget >> 20);
	if (vc->sync_feature)
		DMEMIT(" sync");
	dm_verify_digest_emit_table(vc, result, maxlen, &sz);
	dm_verify_state_meta_emit_table(vc, result, maxlen, &sz);
	dm_verify_rules_emit_table(vc, result, maxlen, &sz);
	spin_unlock_irqrestore(&vc->fault_lock, flags);
	*szp = sz;
}

/*
 * Status (STATUSTYPE_INFO), append only: <state>, then the fields of
 * VERIFY_STATUS_FIELDS in dm-verify-schema.h, in its order.
 */
void dm_verify_status(struct dm_target *ti, status_type_t type,
		      unsigned int status_flags, char *result, unsigned int maxlen)
{
	struct verify_c *vc = ti->private;
	enum verify_policy policy = READ_ONCE(vc->policy);
	u64 val[VERIFY_NR_STATS];
	unsigned int sz = 0, i;

	switch (type) {
	case STATUSTYPE_INFO:
		verify_stats_snapshot(vc, val);
		DMEMIT("%s", verify_state(vc, val));
		for (i = 0; i < VERIFY_NR_STATS; i++) {
			if (i != VERIFY_STAT_LAST_MISMATCH)
				DMEMIT(" %llu", (unsigned long long)val[i]);
			else if (val[i])
				DMEMIT(" %llu", (unsigned long long)val[i] - 1);
			else
				DMEMIT(" -");
		}
		break;

	case STATUSTYPE_TABLE:
		DMEMIT("%s %llu %s %llu", vc->data_dev->name,
		       (unsigned long long)vc->data_start,
		       vc->ref_dev ? vc->ref_dev->name : "-",
		       (unsigned long long)vc->ref_start);
		verify_emit_features(vc, policy, result, maxlen, &sz);
		break;

	case STATUSTYPE_IMA:
		DMEMIT_TARGET_NAME_VERSION(ti->type);
		DMEMIT(",data_device=%s,data_start=%llu", vc->data_dev->name,
		       (unsigned long long)vc->data_start);
		DMEMIT(",ref_device=%s,ref_start=%llu,on_mismatch=%s",
		       vc->ref_dev ? vc->ref_dev->name : "-",
		       (unsigned long long)vc->ref_start,
		       dm_verify_policy_name(policy));
		DMEMIT(",write_cache=%llu", vc->wc.budget >> 20);
		if (vc->digest)
			DMEMIT(",digest=%s,digest_block=%u",
			       vc->digest->name,
			       1U << vc->digest->block_shift);
		dm_verify_state_meta_emit_ima(vc, result, maxlen, &sz);
		dm_verify_rules_emit_ima(vc, result, maxlen, &sz);
		DMEMIT(";");
		break;
	}
}

static void verify_reset(struct verify_c *vc)
{
	unsigned long flags;

	dm_verify_stats_reset(vc);
	spin_lock_irqsave(&vc->lock, flags);
	memset(vc->log, 0, sizeof(vc->log));
	vc->log_seq = 0;
	vc->unverified.merges = 0;
	vc->unsynced.merges = 0;
	if (vc->ref_dev)
		dm_verify_volatile_reset_merges(vc);
	spin_unlock_irqrestore(&vc->lock, flags);

	clear_bit(VERIFY_HALTED, &vc->flags);
	clear_bit(VERIFY_EVENT_SENT, &vc->flags);
}

static void verify_emit_bytes(char *result, unsigned int maxlen,
			      unsigned int *szp, const u8 *p, unsigned int n)
{
	unsigned int sz = *szp, i;

	for (i = 0; i < n; i++)
		DMEMIT("%02x", p[i]);
	*szp = sz;
}

/*
 * One line per recorded mismatch, oldest first:
 * <seq> <sector> <offset> <bad_sectors> <bio_sector>+<bio_sectors> data=<hex> ref=<hex>
 */
static void verify_emit_log(struct verify_c *vc, char *result,
			    unsigned int maxlen)
{
	struct verify_mismatch *m;
	unsigned int sz = 0, i, n;
	unsigned long flags;

	spin_lock_irqsave(&vc->lock, flags);
	n = min_t(u64, vc->log_seq, VERIFY_LOG_SIZE);
	for (i = 0; i < n; i++) {
		m = &vc->log[(vc->log_seq - n + i) % VERIFY_LOG_SIZE];
		DMEMIT("%llu %llu %u %u %llu+%u data=", m->seq,
		       (unsigned long long)m->sector, m->offset, m->bad_sectors,
		       (unsigned long long)m->bio_sector, m->bio_sectors);
		verify_emit_bytes(result, maxlen, &sz, m->data, m->nr_bytes);
		DMEMIT(" ref=");
		verify_emit_bytes(result, maxlen, &sz, m->ref, m->nr_bytes);
		DMEMIT("\n");
	}
	spin_unlock_irqrestore(&vc->lock, flags);
}

/* Room one more "<start> <end>\n" or "more <sector>\n" line needs. */
#define VERIFY_RANGE_LINE	48

/*
 * The undefined ranges inside [@start, @end), in target sectors, one
 * "<start> <end>" line each (end exclusive).  When the buffer is full the
 * last line is "more <sector>": ask again from there.
 */
static void verify_emit_unverified(struct verify_c *vc, sector_t start,
				   sector_t end, char *result,
				   unsigned int maxlen)
{
	const struct verify_range *r;
	unsigned int sz = 0;
	unsigned long flags;

	spin_lock_irqsave(&vc->lock, flags);
	/* Paging through a million ranges: each page from where it starts. */
	for (r = dm_verify_extents_from(&vc->unverified, start);
	     r && r->e.start < end;
	     r = dm_verify_extents_next(&vc->unverified, r)) {
		if (maxlen - sz < 2 * VERIFY_RANGE_LINE) {
			DMEMIT("more %llu\n", (unsigned long long)
			       max(r->e.start, start));
			break;
		}
		DMEMIT("%llu %llu\n",
		       (unsigned long long)max(r->e.start, start),
		       (unsigned long long)min(r->e.end, end));
	}
	spin_unlock_irqrestore(&vc->lock, flags);
}

/*
 * The data device restarted and lost what it had not made durable: the
 * regions of volatile writes are unverified from now on, and the rest must
 * still match.  Prints the number of sectors that became unverified.
 */
static int verify_data_crashed(struct verify_c *vc, char *result,
			       unsigned int maxlen)
{
	unsigned int sz = 0;
	unsigned long flags;
	sector_t lost;

	if (!vc->ref_dev) {
		DMERR("%s: data_crashed needs a reference device",
		      dm_table_device_name(vc->ti->table));
		return -EINVAL;
	}
	spin_lock_irqsave(&vc->lock, flags);
	lost = dm_verify_volatile_lose(vc, true);
	set_bit(VERIFY_DATA_CRASHED, &vc->flags);
	spin_unlock_irqrestore(&vc->lock, flags);
	DMINFO("%s: data device crashed: %llu volatile sectors unverified",
	       dm_table_device_name(vc->ti->table), (unsigned long long)lost);
	DMEMIT("%llu\n", (unsigned long long)lost);
	return 1;
}

/* crash [all | prob <ppm> | torn <ppm>] */
static int verify_parse_crash(struct verify_c *vc, unsigned int argc,
			      char **argv, struct verify_crash_opts *opt)
{
	static const char * const modes[] = { "all", "prob", "torn" };
	unsigned int ppm, i;

	dm_verify_crash_opts_init(vc, opt, VERIFY_CRASH_ALL, 0);
	if (!argc)
		return 0;
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcasecmp(argv[0], modes[i]))
			break;
	if (i == ARRAY_SIZE(modes) || argc != (i ? 2 : 1))
		return -EINVAL;
	ppm = 0;
	if (i && (kstrtouint(argv[1], 10, &ppm) || ppm > VERIFY_PPM))
		return -EINVAL;
	dm_verify_crash_opts_init(vc, opt, i, ppm);
	return 0;
}

/*
 * Cut the power of the emulated cache: every bio fails until power_on, and
 * a seeded choice of the volatile writes is undone on both legs.  Prints
 * "<volatile writes> <lost> <torn> <sectors undone>".
 */
static int verify_crash_message(struct verify_c *vc, unsigned int argc,
				char **argv, char *result, unsigned int maxlen)
{
	const char *name = dm_table_device_name(vc->ti->table);
	struct verify_crash_result res;
	struct verify_crash_opts opt;
	unsigned int sz = 0;
	int r;

	if (!vc->wc.budget) {
		DMERR("%s: crash needs the write_cache feature", name);
		return -EINVAL;
	}
	if (verify_parse_crash(vc, argc, argv, &opt)) {
		DMERR("%s: crash: expected all, prob <ppm> or torn <ppm> (ppm 0 to 1000000)",
		      name);
		return -EINVAL;
	}
	if (test_bit(VERIFY_CRASHED, &vc->flags)) {
		DMERR("%s: crash: already crashed, send power_on first", name);
		return -EINVAL;
	}
	r = dm_verify_crash_prepare(&opt);
	if (r)
		return r;
	mutex_lock(&vc->crash_lock);
	/*
	 * The undo writes both legs: not while dm holds the device still
	 * (a snapshot of a leg, a reload).  postsuspend takes crash_lock
	 * after presuspend set the bit, so it waits for one already here.
	 */
	if (test_bit(VERIFY_SUSPENDING, &vc->flags) || dm_suspended(vc->ti)) {
		mutex_unlock(&vc->crash_lock);
		dm_verify_extents_destroy(&opt.settled);
		DMERR("%s: crash: device suspended: resend after the resume", name);
		return -EBUSY;
	}
	if (!dm_verify_crash_begin(vc)) {
		mutex_unlock(&vc->crash_lock);
		dm_verify_extents_destroy(&opt.settled);
		DMERR("%s: crash: already crashed, send power_on first", name);
		return -EINVAL;
	}
	r = dm_verify_crash(vc, &opt, &res);
	mutex_unlock(&vc->crash_lock);
	if (r)
		return r;
	DMEMIT("%llu %llu %llu %llu\n", res.volatile_writes, res.lost, res.torn,
	       res.sectors);
	return 1;
}

/*
 * Messages:
 *   reset                 zero the counters, clear the log and the halted state
 *   mismatches            print the recent-mismatch log
 *   unverified [<start> <end>]  list the undefined ranges (not compared)
 *   on_mismatch <policy>  log, error, reference or halt
 *   data_crashed          the data device lost its volatile writes
 *   crash [all | prob <ppm> | torn <ppm>]  a power cut (needs write_cache)
 *   power_on              serve bios again after a crash
 *   scrub [repair] [<start> <end>] | stop  check the legs in the background
 *   scrub_rate <MiB/s>    throttle scrub and sync passes, 0: no limit
 *   sync [<start> <end>] | stop  copy the data leg to the reference
 *   fault add <rule words> | del <id> | list | clear | enable | disable
 */
int dm_verify_message(struct dm_target *ti, unsigned int argc, char **argv,
		      char *result, unsigned int maxlen)
{
	struct verify_c *vc = ti->private;
	unsigned long long start, end;
	enum verify_policy policy;

	/*
	 * dm makes a reloaded table live before its preresume takes the old
	 * one's state over, and sends messages meanwhile: one that changes
	 * that state would be undone, or would race the take-over.
	 */
	if (argc >= 1 && !test_bit_acquire(VERIFY_STATE_READY, &vc->flags) &&
	    (!strcasecmp(argv[0], "reset") || !strcasecmp(argv[0], "data_crashed") ||
	     !strcasecmp(argv[0], "crash") || !strcasecmp(argv[0], "power_on") ||
	     !strcasecmp(argv[0], "scrub_rate"))) {
		DMERR("%s: %s: the table has not been resumed yet",
		      dm_table_device_name(ti->table), argv[0]);
		return -EBUSY;
	}
	if (argc == 1 && !strcasecmp(argv[0], "reset")) {
		verify_reset(vc);
		return 0;
	}
	if (argc == 1 && !strcasecmp(argv[0], "mismatches")) {
		verify_emit_log(vc, result, maxlen);
		return 1;
	}
	if (argc == 1 && !strcasecmp(argv[0], "unverified")) {
		verify_emit_unverified(vc, 0, ti->len, result, maxlen);
		return 1;
	}
	if (argc == 3 && !strcasecmp(argv[0], "unverified")) {
		if (kstrtoull(argv[1], 10, &start) ||
		    kstrtoull(argv[2], 10, &end) || start >= end) {
			DMERR("%s: unverified: expected <start> <end>, start below end",
			      dm_table_device_name(ti->table));
			return -EINVAL;
		}
		verify_emit_unverified(vc, start, end, result, maxlen);
		return 1;
	}
	if (argc == 1 && !strcasecmp(argv[0], "data_crashed"))
		return verify_data_crashed(vc, result, maxlen);
	if (argc >= 1 && !strcasecmp(argv[0], "crash"))
		return verify_crash_message(vc, argc - 1, argv + 1, result,
					    maxlen);
	if (argc == 1 && !strcasecmp(argv[0], "power_on")) {
		if (dm_verify_crash_power_on(vc)) {
			DMERR("%s: power_on: not crashed",
			      dm_table_device_name(ti->table));
			return -EINVAL;
		}
		return 0;
	}
	if (argc >= 1 && !strcasecmp(argv[0], "scrub"))
		return dm_verify_scrub_message(vc, argc - 1, argv + 1);
	if (argc >= 1 && !strcasecmp(argv[0], "sync"))
		return dm_verify_sync_message(vc, argc - 1, argv + 1);
	if (argc == 2 && !strcasecmp(argv[0], "scrub_rate"))
		return dm_verify_scrub_rate_message(vc, argv[1]);
	if (argc >= 1 && !strcasecmp(argv[0], "fault"))
		return dm_verify_fault_message(vc, argc - 1, argv + 1, result,
					    maxlen);
	if (argc == 2 && !strcasecmp(argv[0], "on_mismatch")) {
		if (dm_verify_parse_policy(argv[1], &policy)) {
			DMERR("%s: invalid on_mismatch policy '%s'",
			      dm_table_device_name(ti->table), argv[1]);
			return -EINVAL;
		}
		if (policy == VERIFY_REFERENCE && !vc->ref_dev) {
			DMERR("%s: on_mismatch reference needs a reference device",
			      dm_table_device_name(ti->table));
			return -EINVAL;
		}
		WRITE_ONCE(vc->policy, policy);
		return 0;
	}
	DMERR("%s: unrecognised message '%s' with %u argument(s)",
	      dm_table_device_name(ti->table), argc ? argv[0] : "", argc);
	return -EINVAL;
}
