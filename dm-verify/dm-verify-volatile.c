// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: which completed writes the data device may still lose.
 *
 * A write is volatile from its completion until a flush issued after that
 * completion has completed on the data device; a FUA write is durable when
 * it completes.  Writes are grouped in generations: the newest one collects
 * the writes completing now, and a flush closes it (unless it is empty) and
 * remembers its id, so that when the flush completes every generation up to
 * that id is durable, whatever other flushes still run.  A sector belongs
 * only to the newest generation that wrote it, so the generations' sets are
 * disjoint and their sizes add up.  When a range cannot be allocated the
 * sets only ever grow (see dm-verify-extents.h): a sector may be counted
 * volatile too long, never too short, so that after data_crashed nothing
 * the device was allowed to lose is compared.
 *
 * All of it runs under verify_c.lock, except allocating a generation for a
 * flush, which happens in map with GFP_NOIO from a mempool: a flush waits
 * at most for an earlier flush to complete (a REQ_NOWAIT one does not
 * wait, and may leave the newest generation open).
 */
#include "dm-verify.h"

#include <linux/slab.h>

/* With its spare, as dm-verify-extents.c needs one while the set is empty. */
static bool verify_gen_init(struct verify_gen *g, u64 id, unsigned long max,
			    gfp_t gfp)
{
	g->id = id;
	g->set = (struct verify_extents){
		.root = RB_ROOT, .max = max, .gfp = GFP_NOWAIT | __GFP_NOWARN,
	};
	g->set.spare = kmalloc(sizeof(*g->set.spare), gfp);
	return g->set.spare;
}

int dm_verify_volatile_create(struct verify_c *vc, unsigned long max)
{
	struct verify_volatile *v = &vc->vol;
	struct verify_gen *g;
	int r;

	INIT_LIST_HEAD(&v->gens);
	v->max = max;
	r = mempool_init_kmalloc_pool(&v->pool, 2, sizeof(*g));
	if (r)
		return r;
	g = mempool_alloc(&v->pool, GFP_KERNEL);
	if (!verify_gen_init(g, 1, max, GFP_KERNEL)) {
		mempool_free(g, &v->pool);
		mempool_exit(&v->pool);
		return -ENOMEM;
	}
	list_add_tail(&g->list, &v->gens);
	return 0;
}

static void verify_gen_free(struct verify_volatile *v, struct verify_gen *g)
{
	list_del(&g->list);
	v->merges += g->set.merges;
	dm_verify_extents_destroy(&g->set);
	mempool_free(g, &v->pool);
}

void dm_verify_volatile_destroy(struct verify_c *vc)
{
	struct verify_volatile *v = &vc->vol;
	struct verify_gen *g, *tmp;

	if (!mempool_initialized(&v->pool))
		return;
	list_for_each_entry_safe(g, tmp, &v->gens, list)
		verify_gen_free(v, g);
	mempool_exit(&v->pool);
}

static struct verify_gen *verify_gen_newest(struct verify_volatile *v)
{
	return list_last_entry(&v->gens, struct verify_gen, list);
}

/* A write to [@start, @end) completed on the data device; under the lock. */
void dm_verify_volatile_written(struct verify_c *vc, sector_t start, sector_t end,
				bool fua)
{
	struct verify_volatile *v = &vc->vol;
	struct verify_gen *g, *tmp, *newest = verify_gen_newest(v);

	list_for_each_entry_safe(g, tmp, &v->gens, list) {
		if (g == newest && !fua)
			continue;
		dm_verify_extents_remove(&g->set, start, end);
		/*
		 * Emptied, a closed one waits for nothing: with flushes that
		 * fail or are dropped, none would ever free it.
		 */
		if (g != newest && !g->set.nr)
			verify_gen_free(v, g);
	}
	if (!fua)
		dm_verify_extents_add(&newest->set, start, end);
}

/*
 * A flush is about to be issued: close the newest generation and return
 * the id the flush makes durable when it completes.  May sleep, unless
 * @gfp says not to.
 */
u64 dm_verify_volatile_flush_issue(struct verify_c *vc, gfp_t gfp)
{
	struct verify_volatile *v = &vc->vol;
	struct verify_gen *g = mempool_alloc(&v->pool, gfp), *newest;
	unsigned long flags;
	bool ready;
	u64 id;

	/*
	 * The id is set below; without a generation or its spare the newest
	 * generation stays open, and this flush makes only the older ones
	 * durable: late, never early.
	 */
	ready = g && verify_gen_init(g, 0, v->max, gfp);
	spin_lock_irqsave(&vc->lock, flags);
	newest = verify_gen_newest(v);
	id = newest->id;
	if (!newest->set.nr || !ready) {
		id--;
	} else {
		g->id = id + 1;
		list_add_tail(&g->list, &v->gens);
		g = NULL;
	}
	spin_unlock_irqrestore(&vc->lock, flags);
	if (g) {
		dm_verify_extents_destroy(&g->set);
		mempool_free(g, &v->pool);
	}
	return id;
}

/* A flush issued with @id completed on the data device; under the lock. */
void dm_verify_volatile_flushed(struct verify_c *vc, u64 id)
{
	struct verify_volatile *v = &vc->vol;
	struct verify_gen *g, *tmp, *newest = verify_gen_newest(v);

	list_for_each_entry_safe(g, tmp, &v->gens, list) {
		if (g->id > id)
			break;
		if (g != newest)
			verify_gen_free(v, g);
	}
}

/* Target sectors now volatile; under the lock. */
sector_t dm_verify_volatile_sectors(struct verify_c *vc)
{
	u64 sectors, ranges;

	dm_verify_volatile_size(vc, &sectors, &ranges);
	return sectors;
}

/*
 * The volatile sectors and the ranges that hold them, over all generations:
 * the memory tracking costs (a range each) and the bound it keeps to
 * (max_unverified_ranges per generation).  Under the lock.
 */
void dm_verify_volatile_size(struct verify_c *vc, u64 *sectors, u64 *ranges)
{
	struct verify_gen *g;

	*sectors = 0;
	*ranges = 0;
	list_for_each_entry(g, &vc->vol.gens, list) {
		*sectors += g->set.sectors;
		*ranges += g->set.nr;
	}
}

/*
 * The data device lost its volatile writes (data_crashed, or another data
 * device took its place): with @unverify, what they covered is no longer
 * comparable.  Without, they are simply forgotten (after a simulated
 * crash, which made both legs equal).  Under the lock; returns the
 * sectors that were volatile.
 */
sector_t dm_verify_volatile_lose(struct verify_c *vc, bool unverify)
{
	struct verify_volatile *v = &vc->vol;
	const struct verify_range *r;
	struct verify_gen *g, *tmp, *newest = verify_gen_newest(v);
	sector_t n = 0;

	list_for_each_entry_safe(g, tmp, &v->gens, list) {
		r = NULL;
		while (unverify && (r = dm_verify_extents_next(&g->set, r)))
			dm_verify_extents_add(&vc->unverified, r->e.start, r->e.end);
		n += g->set.sectors;
		if (g != newest)
			verify_gen_free(v, g);
		else
			dm_verify_extents_remove(&g->set, 0, (sector_t)-1);
	}
	return n;
}

/*
 * A reloaded table takes over @old's volatile writes, clipped to its
 * length.  They all completed before any flush the new table will see,
 * so they join its newest generation.  Both locks held.
 */
void dm_verify_volatile_take_over(struct verify_c *vc, struct verify_c *old)
{
	struct verify_gen *newest = verify_gen_newest(&vc->vol), *g;
	const struct verify_range *r;

	vc->vol.merges += dm_verify_volatile_merges(old);
	list_for_each_entry(g, &old->vol.gens, list) {
		r = NULL;
		while ((r = dm_verify_extents_next(&g->set, r)) &&
		       r->e.start < vc->ti->len)
			dm_verify_extents_add(&newest->set, r->e.start,
					      min(r->e.end, vc->ti->len));
	}
}

/*
 * Ranges widened for want of a new one, in every generation since the
 * last reset: sectors taken as volatile too long.  Under the lock.
 */
u64 dm_verify_volatile_merges(struct verify_c *vc)
{
	struct verify_gen *g;
	u64 n = vc->vol.merges;

	list_for_each_entry(g, &vc->vol.gens, list)
		n += g->set.merges;
	return n;
}

/* Under the lock. */
void dm_verify_volatile_reset_merges(struct verify_c *vc)
{
	struct verify_gen *g;

	vc->vol.merges = 0;
	list_for_each_entry(g, &vc->vol.gens, list)
		g->set.merges = 0;
}
