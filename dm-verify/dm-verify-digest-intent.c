// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify digest mode: a write-intent log on the metadata device, so that
 * an unclean shutdown only makes unknown the blocks whose digests may be
 * stale, not every block (the idea of md's write-intent bitmap).
 *
 * The data device is split into regions of a power of two of digest blocks,
 * 64 MiB or more: at most VERIFY_INTENT_MAX_REGIONS, so that their bitmap
 * is one metadata block (dm-verify-digest-meta.c places it after the known
 * bitmap).  A bit set on the device says that the region may have been
 * written since its digests were last saved.
 *
 * Setting: before a write, write zeroes or discard is issued, the regions
 * it touches must be set on the device.  verify_map() counts the bio in
 * each region's inflight counter and tests the region's "marked" bit (set
 * on the device already): when every bit is there, the bio goes on.  Else
 * it goes to the issue worker, which sets the bits in the image, writes the
 * block, flushes, and only then marks them; bios waiting for the same
 * region wait on the same mutex and find the bit set: one metadata write
 * for all of them.  Never from completion context.
 *
 * Clearing, lazily: every digest_intent_secs a pass picks the regions set
 * on the device with no bio in flight, forgets that they were touched,
 * writes and flushes every digest changed in memory (each covers a
 * completed write: a bio leaves its regions' counters only after its
 * digests are set), then clears a region's bit on the device only if no
 * bio came into it since it was picked.  A write that tests the bit while
 * the pass clears it sees either the bit clear (and waits for the mutex,
 * then sets it again) or is seen by the pass (which keeps the bit): the
 * two sides each write, then issue a full barrier, then read the other's.
 *
 * At suspend the pass stops and the whole working set is saved with every
 * bit clear and the clean flag.  At an unclean load, the blocks of the
 * regions set on the device become unknown and stay so until written or
 * synced; the bits stay set until a pass has saved that.
 *
 * A sync (dm-verify-sync.c) changes no data but is counted like a write:
 * it makes blocks known, and the digest saved for a block while it was
 * unknown is stale.  A read never changes a digest.
 */
#include "dm-verify.h"

#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>

/* The smallest region, and the most regions (one 4 KiB block of bits). */
#define VERIFY_INTENT_REGION_MIN	SZ_64M
#define VERIFY_INTENT_MAX_REGIONS	(4096 * BITS_PER_BYTE)

static unsigned int digest_intent_secs = 5;
module_param(digest_intent_secs, uint, 0644);
MODULE_PARM_DESC(digest_intent_secs,
		 "Seconds between passes that clear the write-intent bits of idle regions on a digest metadata device (default 5; 0: only at suspend)");

struct verify_intent {
	struct verify_digest *dg;
	unsigned int shift;		/* log2 of the digest blocks per region */
	u64 nr_regions;
	unsigned long *marked;		/* set on the device: writes go straight on */
	unsigned long *touched;		/* a bio came in since the pass picked it */
	atomic_t *inflight;		/* bios counted in and not yet out */
	/* lock guards image, chosen and the metadata device's buffers. */
	struct mutex lock;
	unsigned long *image;		/* the bits as on the device */
	unsigned long *chosen;		/* the pass's candidates */
	atomic_t nr_dirty;		/* bits set in image */
	bool on;			/* the device has a log (layout 2) */
	bool running;			/* resumed: the pass is armed */
	/*
	 * The pass writes and flushes metadata that writes to the target
	 * wait for, and so may memory reclaim: it needs a rescuer, which
	 * system_long_wq lacks.  Its own queue, as it may hold the lock
	 * for a while, out of the way of the target's I/O queues.
	 */
	struct workqueue_struct *wq;
	struct delayed_work work;
};

static void verify_intent_work(struct work_struct *work);

/* Regions [*first, *last] that target sectors [@sector, +@nr) touch. */
static void verify_intent_range(struct verify_intent *in, sector_t sector,
				unsigned int nr, u64 *first, u64 *last)
{
	unsigned int s = in->shift + in->dg->block_shift - SECTOR_SHIFT;

	*first = sector >> s;
	*last = (sector + nr - 1) >> s;
}

unsigned int dm_verify_intent_shift(struct verify_digest *dg)
{
	u64 bytes = dg->nr_blocks << dg->block_shift;
	u64 region = max_t(u64, VERIFY_INTENT_REGION_MIN,
			   DIV_ROUND_UP_ULL(bytes, VERIFY_INTENT_MAX_REGIONS));

	return ilog2(roundup_pow_of_two(region)) - dg->block_shift;
}

int dm_verify_intent_create(struct verify_digest *dg, const char *name)
{
	struct verify_intent *in;

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	dg->intent = in;
	in->dg = dg;
	in->shift = dm_verify_intent_shift(dg);
	in->nr_regions = DIV_ROUND_UP_ULL(dg->nr_blocks, 1ULL << in->shift);
	mutex_init(&in->lock);
	atomic_set(&in->nr_dirty, 0);
	INIT_DELAYED_WORK(&in->work, verify_intent_work);
	in->marked = bitmap_zalloc(in->nr_regions, GFP_KERNEL);
	in->touched = bitmap_zalloc(in->nr_regions, GFP_KERNEL);
	in->image = bitmap_zalloc(in->nr_regions, GFP_KERNEL);
	in->chosen = bitmap_zalloc(in->nr_regions, GFP_KERNEL);
	in->inflight = kvcalloc(in->nr_regions, sizeof(atomic_t), GFP_KERNEL);
	in->wq = alloc_ordered_workqueue("kverifyd_intent-%s", WQ_MEM_RECLAIM,
					 name);
	if (!in->marked || !in->touched || !in->image || !in->chosen ||
	    !in->inflight || !in->wq)
		return -ENOMEM;
	return 0;
}

void dm_verify_intent_destroy(struct verify_digest *dg)
{
	struct verify_intent *in = dg->intent;

	if (!in)
		return;
	/* Stopped at postsuspend; a table never resumed never armed it. */
	cancel_delayed_work_sync(&in->work);
	if (in->wq)
		destroy_workqueue(in->wq);
	bitmap_free(in->marked);
	bitmap_free(in->touched);
	bitmap_free(in->image);
	bitmap_free(in->chosen);
	kvfree(in->inflight);
	mutex_destroy(&in->lock);
	kfree(in);
	dg->intent = NULL;
}

u64 dm_verify_intent_nr_regions(struct verify_digest *dg)
{
	return dg->intent->nr_regions;
}

/* The device has a log (or not: a layout 1 device). */
void dm_verify_intent_enable(struct verify_digest *dg, bool on)
{
	dg->intent->on = on;
}

/* The bits as the device holds them, or as it must: under lock or idle. */
unsigned long *dm_verify_intent_image(struct verify_digest *dg)
{
	return dg->intent->image;
}

/* After @image changed while idle (a load, a save): recount it. */
void dm_verify_intent_image_changed(struct verify_digest *dg)
{
	struct verify_intent *in = dg->intent;

	atomic_set(&in->nr_dirty, bitmap_weight(in->image, in->nr_regions));
}

/* Blocks [*first, *end) of region @r. */
void dm_verify_intent_blocks(struct verify_digest *dg, u64 r, u64 *first,
			     u64 *end)
{
	*first = r << dg->intent->shift;
	*end = min(dg->nr_blocks, (r + 1) << dg->intent->shift);
}

u64 dm_verify_digest_dirty_regions(struct verify_c *vc)
{
	struct verify_intent *in = vc->digest ? vc->digest->intent : NULL;

	return in && in->on ? atomic_read(&in->nr_dirty) : 0;
}

static void verify_intent_arm(struct verify_intent *in)
{
	unsigned int secs = READ_ONCE(digest_intent_secs);

	/* 0: poll each second for a new value, clear nothing. */
	queue_delayed_work(in->wq, &in->work,
			   secs ? min(secs, 3600U) * HZ : HZ);
}

/*
 * Any context, before @io (a write, write zeroes or discard) is tracked:
 * count it in its regions.  True when they are all set on the device, so
 * that it may be issued at once; else dm_verify_digest_intent_wait() must
 * run first, from the issue worker.
 */
bool dm_verify_digest_intent_begin(struct verify_c *vc, struct verify_io *io)
{
	struct verify_intent *in = vc->digest ? vc->digest->intent : NULL;
	bool all = true;
	u64 r, first, last;

	if (!in || !in->on)
		return true;
	io->intent = true;
	verify_intent_range(in, io->sector, io->nr_sectors, &first, &last);
	for (r = first; r <= last; r++) {
		atomic_inc(&in->inflight[r]);
		/* Counted before touched: a pass that misses touched sees it. */
		smp_mb__after_atomic();
		if (!test_bit(r, in->touched))
			set_bit(r, in->touched);
		/* Pairs with the barrier in verify_intent_clear(). */
		smp_mb();
		if (!test_bit(r, in->marked))
			all = false;
	}
	return all;
}

/* Write the image and flush it; under lock. */
static int verify_intent_write(struct verify_intent *in)
{
	return dm_verify_meta_write_intent(in->dg, in->image);
}

/*
 * From the issue worker, before @io is issued: set its regions on the
 * device and wait for that.  Fails when the metadata device does: @io must
 * not be issued then, as a crash could leave stale digests trusted.
 */
int dm_verify_digest_intent_wait(struct verify_c *vc, struct verify_io *io)
{
	struct verify_intent *in = vc->digest->intent;
	u64 r, first, last;
	bool need = false;
	int err = 0;

	might_sleep();
	verify_intent_range(in, io->sector, io->nr_sectors, &first, &last);
	mutex_lock(&in->lock);
	for (r = first; r <= last; r++) {
		if (!test_bit(r, in->image)) {
			__set_bit(r, in->image);
			__set_bit(r, in->chosen);
			need = true;
		}
	}
	if (need)
		err = verify_intent_write(in);
	for (r = first; r <= last; r++) {
		if (!err)
			set_bit(r, in->marked);
		else if (test_bit(r, in->chosen))
			/* A torn write leaves at least the old bits: still true. */
			__clear_bit(r, in->image);
		__clear_bit(r, in->chosen);
	}
	if (need && !err)
		dm_verify_intent_image_changed(in->dg);
	mutex_unlock(&in->lock);
	if (err) {
		verify_stat_inc(vc, VERIFY_STAT_METADATA_ERRORS);
		DMERR_LIMIT("%s: cannot record write intent on %s (%d): %s %llu+%u failed",
			    dm_table_device_name(vc->ti->table),
			    vc->digest->name, err, "write to sector",
			    (unsigned long long)io->sector, io->nr_sectors);
	}
	return err;
}

/* @io is done, its digests set or its blocks unknown: count it out. */
void dm_verify_digest_intent_end(struct verify_c *vc, struct verify_io *io)
{
	struct verify_intent *in;
	u64 r, first, last;

	if (!io->intent)
		return;
	io->intent = false;
	in = vc->digest->intent;
	verify_intent_range(in, io->sector, io->nr_sectors, &first, &last);
	/* The digests are set before the count drops: see the pass. */
	smp_mb__before_atomic();
	for (r = first; r <= last; r++)
		atomic_dec(&in->inflight[r]);
}

/*
 * Clear region @r's bit on the device unless a bio came in since the pass
 * picked it.  Under lock, after the digests are saved.
 */
static bool verify_intent_clear(struct verify_intent *in, u64 r)
{
	clear_bit(r, in->marked);
	/* Pairs with the barrier in dm_verify_digest_intent_begin(). */
	smp_mb__after_atomic();
	if (atomic_read(&in->inflight[r]) || test_bit(r, in->touched)) {
		set_bit(r, in->marked);
		return false;
	}
	__clear_bit(r, in->image);
	return true;
}

static void verify_intent_work(struct work_struct *work)
{
	struct verify_intent *in = container_of(to_delayed_work(work),
						struct verify_intent, work);
	bool any = false, changed = false;
	unsigned long r;

	if (!READ_ONCE(digest_intent_secs))
		goto out;
	/*
	 * Held across the data device's flush and the metadata writes, while
	 * writes wait for it in dm_verify_digest_intent_wait().  No deadlock:
	 * those writes wait before their legs are allocated, so none of them
	 * is on either device yet; the flush and the metadata writes go to
	 * the devices below us (the metadata device is not the data device,
	 * the constructor checks), never through this target, and a flush
	 * waits for no write that has not reached its device.
	 */
	mutex_lock(&in->lock);
	bitmap_zero(in->chosen, in->nr_regions);
	for_each_set_bit(r, in->image, in->nr_regions) {
		clear_bit(r, in->touched);
		/* Pairs with dm_verify_digest_intent_begin(): see its count. */
		smp_mb__after_atomic();
		if (atomic_read(&in->inflight[r]))
			continue;
		__set_bit(r, in->chosen);
		any = true;
	}
	/* Every digest set so far, those of the chosen regions among them. */
	if (any && !dm_verify_meta_save(in->dg)) {
		for_each_set_bit(r, in->chosen, in->nr_regions)
			changed |= verify_intent_clear(in, r);
		/* A failed clear leaves bits set on the device: safe. */
		if (changed && verify_intent_write(in))
			dm_verify_meta_count_error(in->dg);
	}
	bitmap_zero(in->chosen, in->nr_regions);
	if (changed)
		dm_verify_intent_image_changed(in->dg);
	mutex_unlock(&in->lock);
out:
	if (READ_ONCE(in->running))
		verify_intent_arm(in);
}

/* Resumed, the image on the device: writes may go on, the pass starts. */
void dm_verify_intent_start(struct verify_digest *dg)
{
	struct verify_intent *in = dg->intent;

	if (!in->on)
		return;
	bitmap_copy(in->marked, in->image, in->nr_regions);
	WRITE_ONCE(in->running, true);
	verify_intent_arm(in);
}

/* Suspended, idle: the pass stops before the working set is saved. */
void dm_verify_intent_stop(struct verify_digest *dg)
{
	struct verify_intent *in = dg->intent;

	if (!in->running)
		return;
	WRITE_ONCE(in->running, false);
	cancel_delayed_work_sync(&in->work);
}
