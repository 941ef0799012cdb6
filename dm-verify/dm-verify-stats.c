// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the counters behind the status line.
 *
 * Every bio bumps at least one counter, from whichever CPU submits or
 * completes it; one shared atomic per counter would bounce its cache line
 * between all of them.  So the counts are per CPU and only summed when
 * somebody reads them (status, a crash's seed).  Reset and a reload's
 * take-over never write another CPU's counters, which would race with its
 * increments: they move @counts_base, which the reader subtracts, so no
 * increment is ever lost and a read after reset starts from exactly zero.
 *
 * VERIFY_STAT_LAST_MISMATCH is a sector, not a count: it lives in
 * @last_mismatch.  The range, volatile and write-cache fields are read off
 * their structures (dm-verify-status.c), not counted here.
 */
#include "dm-verify.h"

#include <linux/percpu.h>

int dm_verify_stats_create(struct verify_c *vc)
{
	vc->counts = alloc_percpu(struct verify_counts);
	return vc->counts ? 0 : -ENOMEM;
}

void dm_verify_stats_destroy(struct verify_c *vc)
{
	free_percpu(vc->counts);
	vc->counts = NULL;
}

static u64 verify_stat_sum(struct verify_c *vc, enum verify_stat i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(vc->counts, cpu)->val[i]);
	return sum;
}

/* Under @lock: the count of @i is its sum less @base from now on. */
static void verify_stat_set_base(struct verify_c *vc, enum verify_stat i,
				 u64 base)
{
	/* The sum's reads before the store: dm_verify_stat_read(). */
	smp_store_release(&vc->counts_base[i], base);
}

/*
 * Counts since the last reset, carried over reloads.  The base first: a
 * reset between the two would otherwise leave the sum below the base,
 * and the count near 2^64.  This way a read racing a reset gives the count
 * before it or after it; the counters only grow, and the acquire orders
 * their reads after the reads the reset's base was summed from.
 */
u64 dm_verify_stat_read(struct verify_c *vc, enum verify_stat i)
{
	u64 base;

	if (i == VERIFY_STAT_LAST_MISMATCH)
		return atomic64_read(&vc->last_mismatch);
	/* Pairs with smp_store_release() in verify_stat_set_base(). */
	base = smp_load_acquire(&vc->counts_base[i]);
	return verify_stat_sum(vc, i) - base;
}

void dm_verify_stats_reset(struct verify_c *vc)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vc->lock, flags);
	for (i = 0; i < VERIFY_NR_STATS; i++)
		verify_stat_set_base(vc, i, verify_stat_sum(vc, i));
	spin_unlock_irqrestore(&vc->lock, flags);
	atomic64_set(&vc->last_mismatch, 0);
}

/* @vc starts from @old's counts (the sum wraps back, as u64 does). */
void dm_verify_stats_take_over(struct verify_c *vc, struct verify_c *old)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vc->lock, flags);
	for (i = 0; i < VERIFY_NR_STATS; i++)
		verify_stat_set_base(vc, i, verify_stat_sum(vc, i) -
				     dm_verify_stat_read(old, i));
	spin_unlock_irqrestore(&vc->lock, flags);
	atomic64_set(&vc->last_mismatch, atomic64_read(&old->last_mismatch));
}

/*
 * @vc starts from @val, the first @nr counts as dm_verify_stat_read() gave
 * them when they were saved (dm-verify-state-meta.c).
 */
void dm_verify_stats_restore(struct verify_c *vc, const u64 *val, unsigned int nr)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vc->lock, flags);
	for (i = 0; i < nr; i++)
		if (i != VERIFY_STAT_LAST_MISMATCH)
			verify_stat_set_base(vc, i,
					     verify_stat_sum(vc, i) - val[i]);
	spin_unlock_irqrestore(&vc->lock, flags);
	if (nr > VERIFY_STAT_LAST_MISMATCH)
		atomic64_set(&vc->last_mismatch, val[VERIFY_STAT_LAST_MISMATCH]);
}
