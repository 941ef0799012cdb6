// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: an emulated volatile write cache and the power cuts it allows.
 *
 * With the write_cache feature, every write (discards and write zeroes
 * too) first saves the content it overwrites, read from the reference, or
 * from the data device where there is none or where it is unsynced.  The
 * saved copy is an undo record; once the write completes it sits on
 * verify_wcache.undo in
 * completion order until a flush issued after that completion completes
 * (then the write is durable and the record freed) or the cache is over
 * its size (then the oldest records go: written back, which a real cache
 * may do at any time).  A FUA write is durable at once and keeps no
 * record; like a write too large to keep, it writes back the older
 * records it overlaps, so that no crash restores them over it.  The
 * records also sit in an interval tree by sector, so that such a write
 * looks only at the records it overlaps.  Records are freed outside the
 * lock: a flush may free a million pages at once.
 *
 * The copies are read in batches: writes that arrive while the worker is
 * busy wait on verify_c.wc_batch, and the worker reads all their copies at
 * once and waits for them together before any of their legs is issued.
 * One wakeup then serves many writes, which is what small writes cost
 * (above all under TCG, where a wakeup is slow).  A write in a batch is
 * tracked (dm-verify-inflight.c), so no overlapping write runs between its
 * copy and its legs: the copy is exactly what it overwrites.
 *
 * A crash fails every bio from then on, waits for those in flight, and
 * undoes a seeded choice of the volatile writes on both legs, so that each
 * sector ends holding the latest write kept, or its durable content.
 *
 * verify_wcache's fields are guarded by verify_c.lock.
 */
#include "dm-verify.h"

#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/interval_tree_generic.h>
#include <linux/list_sort.h>
#include <linux/slab.h>

struct verify_undo {
	struct list_head list;
	struct rb_node rb;		/* in verify_wcache.tree, once kept */
	sector_t rb_last;
	struct list_head near;		/* verify_wcache_forget_under() */
	sector_t sector;		/* target relative */
	unsigned int nr_sectors;
	unsigned int nr_pages;
	u64 epoch;			/* verify_wcache.epoch at completion */
	u64 seq;			/* verify_wcache.seq when kept */
	struct verify_copy_wait *wait;	/* while its copy is read */
	blk_status_t read_status;
	bool lost;			/* a crash's choice */
	struct page *pages[];
};

/* The copies of one batch: their reads in flight, plus one. */
struct verify_copy_wait {
	atomic_t pending;
	struct completion done;
};

static inline sector_t verify_undo_first(const struct verify_undo *u)
{
	return u->sector;
}

static inline sector_t verify_undo_last(const struct verify_undo *u)
{
	return u->sector + u->nr_sectors - 1;
}

INTERVAL_TREE_DEFINE(struct verify_undo, rb, sector_t, rb_last,
		     verify_undo_first, verify_undo_last, static inline,
		     verify_undo_it)

/* What @u's copy is charged to the cache. */
static u64 verify_undo_bytes(const struct verify_undo *u)
{
	return (u64)u->nr_pages << PAGE_SHIFT;
}

static void verify_undo_free(struct verify_undo *u)
{
	unsigned int i;

	for (i = 0; i < u->nr_pages; i++)
		__free_page(u->pages[i]);
	kfree(u);
}

/* Free the records on @dead (by verify_undo.list), unlinked and uncharged. */
void dm_verify_wcache_free(struct list_head *dead)
{
	struct verify_undo *u, *tmp;

	list_for_each_entry_safe(u, tmp, dead, list)
		verify_undo_free(u);
	INIT_LIST_HEAD(dead);
}

/* Under the lock: move a record out of the tree already onto @dead. */
static void verify_wcache_drop(struct verify_wcache *wc, struct verify_undo *u,
			       struct list_head *dead)
{
	wc->bytes -= verify_undo_bytes(u);
	list_move_tail(&u->list, dead);
}

/* Under the lock: take a kept record out of the cache, onto @dead. */
static void verify_wcache_unlink(struct verify_wcache *wc,
				 struct verify_undo *u, struct list_head *dead)
{
	verify_undo_it_remove(u, &wc->tree);
	verify_wcache_drop(wc, u, dead);
}

void dm_verify_wcache_init(struct verify_c *vc)
{
	INIT_LIST_HEAD(&vc->wc.undo);
	vc->wc.tree = RB_ROOT_CACHED;
}

void dm_verify_wcache_destroy(struct verify_c *vc)
{
	struct verify_wcache *wc = &vc->wc;

	if (!wc->budget)
		return;
	dm_verify_wcache_free(&wc->undo);
	wc->tree = RB_ROOT_CACHED;
	wc->bytes = 0;
}

/*
 * One bio for @u's content from byte *@off of it, as much of the *@left
 * bytes as fits, at *@sector of @bdev; advances all three.  Sized to what
 * it carries, so a small copy uses the bio's inline vectors.  A caller
 * submits it before allocating the next one from the same bio_set.
 */
static struct bio *verify_undo_bio(struct verify_c *vc,
				   struct block_device *bdev, blk_opf_t opf,
				   sector_t *sector, struct verify_undo *u,
				   u64 *off, u64 *left)
{
	unsigned int len, po, vecs;
	struct bio *bio;

	vecs = min_t(u64, DIV_ROUND_UP_ULL(offset_in_page(*off) + *left,
					   PAGE_SIZE), BIO_MAX_VECS);
	bio = bio_alloc_bioset(bdev, vecs, opf, GFP_NOIO, &vc->aux_bs);
	bio->bi_iter.bi_sector = *sector;
	while (*left) {
		po = offset_in_page(*off);
		len = min_t(u64, *left, PAGE_SIZE - po);
		if (bio_add_page(bio, u->pages[*off >> PAGE_SHIFT], len,
				 po) != len)
			break;
		*off += len;
		*left -= len;
	}
	*sector += bio_sectors(bio);
	return bio;
}

/*
 * Write @nr sectors of @u's content, from sector @from of it, at @sector
 * of @bdev.  Sleeps.
 */
static int verify_undo_write(struct verify_c *vc, struct block_device *bdev,
			     sector_t sector, struct verify_undo *u,
			     sector_t from, sector_t nr)
{
	u64 off = (u64)from << SECTOR_SHIFT, left = (u64)nr << SECTOR_SHIFT;
	struct bio *bio;
	int r = 0;

	while (left && !r) {
		bio = verify_undo_bio(vc, bdev, REQ_OP_WRITE, &sector, u, &off,
				      &left);
		r = submit_bio_wait(bio);
		bio_put(bio);
	}
	return r;
}

/* Oldest first, drop records until the cache is back within its size. */
static void verify_wcache_write_back(struct verify_wcache *wc,
				     struct list_head *dead)
{
	struct verify_undo *u;

	while (wc->bytes > wc->budget && !list_empty(&wc->undo)) {
		u = list_first_entry(&wc->undo, struct verify_undo, list);
		verify_wcache_unlink(wc, u, dead);
		wc->written_back++;
	}
}

/* Completion of a copy's read: never sleeps. */
static void verify_undo_read_endio(struct bio *bio)
{
	struct verify_undo *u = bio->bi_private;
	struct verify_copy_wait *w = u->wait;

	if (bio->bi_status)
		WRITE_ONCE(u->read_status, bio->bi_status);
	bio_put(bio);
	if (atomic_dec_and_test(&w->pending))
		complete(&w->done);
}

/* Submit the reads of @u's sectors [@start, @end), from one leg. */
static void verify_undo_read_range(struct verify_c *vc, struct verify_undo *u,
				   sector_t start, sector_t end, bool from_data)
{
	struct block_device *bdev = from_data ? verify_data_bdev(vc) :
						vc->ref_dev->bdev;
	sector_t sector = (from_data ? vc->data_start : vc->ref_start) + start;
	u64 off = (u64)(start - u->sector) << SECTOR_SHIFT;
	u64 left = (u64)(end - start) << SECTOR_SHIFT;
	struct bio *bio;

	while (left) {
		bio = verify_undo_bio(vc, bdev, REQ_OP_READ, &sector, u, &off,
				      &left);
		bio->bi_end_io = verify_undo_read_endio;
		bio->bi_private = u;
		atomic_inc(&u->wait->pending);
		submit_bio_noacct(bio);
	}
}

/*
 * The first range in [@start, @end) that is unsynced or undefined, in *@e;
 * false if there is none.
 */
static bool verify_undo_stale_ref(struct verify_c *vc, sector_t start,
				  sector_t end, struct verify_extent *e)
{
	struct verify_extent u;
	bool found = verify_extents_first_locked(vc, &vc->unsynced, start,
						 end, e);

	if (verify_extents_first_locked(vc, &vc->unverified, start,
					found ? e->end : end, &u) &&
	    (!found || u.start < e->start)) {
		*e = u;
		found = true;
	}
	return found;
}

/*
 * Read what @u's write overwrites: from the reference, the trusted copy,
 * but from the data device where there is none, where the range is
 * unsynced, as the reference is stale there until a sync copies it, and
 * where it is undefined, as a write that failed on the reference only
 * (the caller saw it succeed) left it so.  The write is tracked, so no
 * sync chunk or write changes these sets inside it meanwhile.
 */
static void verify_undo_read_parts(struct verify_c *vc, struct verify_undo *u)
{
	sector_t pos = u->sector, end = u->sector + u->nr_sectors;
	struct verify_extent e;

	if (!vc->ref_dev) {
		verify_undo_read_range(vc, u, pos, end, true);
		return;
	}
	while (pos < end) {
		if (!verify_undo_stale_ref(vc, pos, end, &e)) {
			verify_undo_read_range(vc, u, pos, end, false);
			return;
		}
		if (pos < e.start)
			verify_undo_read_range(vc, u, pos, e.start, false);
		verify_undo_read_range(vc, u, e.start, e.end, true);
		pos = e.end;
	}
}

/*
 * Allocate the record of what @io overwrites and submit its reads, counted
 * in @w.  Returns NULL when none is kept: a write larger than the whole
 * cache, one whose copy does not fit beside the copies still being read
 * (older completed ones are written back to make room first), or one
 * whose copy cannot be allocated, is written back at once (a crash keeps
 * it, as a real cache may).  The copy is charged to the cache before it is
 * allocated, so that many large discards at once take no more than its
 * size; an allocation may fail rather than wait for reclaim.
 */
static struct verify_undo *verify_undo_read(struct verify_c *vc,
					    struct verify_io *io,
					    struct verify_copy_wait *w)
{
	u64 size = (u64)io->nr_sectors << SECTOR_SHIFT;
	unsigned int i, n = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	u64 charge = (u64)n << PAGE_SHIFT;
	struct verify_wcache *wc = &vc->wc;
	struct verify_undo *u;
	unsigned long flags;
	LIST_HEAD(dead);
	bool fits;

	/* A FUA write is durable when it completes: nothing to undo. */
	if (size > wc->budget || (io->bio->bi_opf & REQ_FUA))
		return NULL;
	spin_lock_irqsave(&vc->lock, flags);
	wc->bytes += charge;
	verify_wcache_write_back(wc, &dead);
	fits = wc->bytes <= wc->budget;
	if (!fits)
		wc->bytes -= charge;
	spin_unlock_irqrestore(&vc->lock, flags);
	dm_verify_wcache_free(&dead);
	if (!fits)
		return NULL;
	/* A large discard's page array may be more than kmalloc gives. */
	u = kmalloc(struct_size(u, pages, n),
		    GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN);
	if (!u)
		goto uncharge;
	u->sector = io->sector;
	u->nr_sectors = io->nr_sectors;
	for (i = 0; i < n; i++) {
		u->pages[i] = alloc_page(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN);
		if (!u->pages[i])
			break;
	}
	u->nr_pages = i;
	if (i < n) {
		while (i--)
			__free_page(u->pages[i]);
		kfree(u);
		goto uncharge;
	}
	u->wait = w;
	u->read_status = BLK_STS_OK;
	verify_undo_read_parts(vc, u);
	return u;

uncharge:
	spin_lock_irqsave(&vc->lock, flags);
	wc->bytes -= charge;
	spin_unlock_irqrestore(&vc->lock, flags);
	return NULL;
}

/*
 * Before the writes on @ios (linked by verify_io.list) are issued, save
 * what each overwrites; on the workqueue: this sleeps.  Every read is
 * submitted before the first is waited for, and all complete before this
 * returns, so no write reaches a leg before its copy is read.  A write
 * whose copy cannot be read is written back at once, like one whose copy
 * cannot be allocated.
 */
void dm_verify_wcache_prepare(struct verify_c *vc, struct list_head *ios)
{
	struct verify_wcache *wc = &vc->wc;
	struct verify_copy_wait w;
	struct verify_undo *u;
	struct verify_io *io;
	struct blk_plug plug;
	unsigned long flags;
	LIST_HEAD(dead);
	u64 uncharge = 0, written_back = 0;

	atomic_set(&w.pending, 1);
	init_completion(&w.done);
	blk_start_plug(&plug);
	list_for_each_entry(io, ios, list)
		io->undo = verify_undo_read(vc, io, &w);
	blk_finish_plug(&plug);
	if (!atomic_dec_and_test(&w.pending))
		wait_for_completion_io(&w.done);

	list_for_each_entry(io, ios, list) {
		u = io->undo;
		if (u && !u->read_status)
			continue;
		if (u) {
			/* A leg's read error: the write itself goes on. */
			DMWARN_LIMIT("%s: write cache: read of sector %llu+%u failed (%d): %s",
				     dm_table_device_name(vc->ti->table),
				     (unsigned long long)u->sector,
				     u->nr_sectors,
				     blk_status_to_errno(u->read_status),
				     "the write is not cached");
			uncharge += verify_undo_bytes(u);
			verify_undo_free(u);
			io->undo = NULL;
		}
		written_back++;
	}
	spin_lock_irqsave(&vc->lock, flags);
	wc->bytes -= uncharge;
	wc->written_back += written_back;
	verify_wcache_write_back(wc, &dead);
	spin_unlock_irqrestore(&vc->lock, flags);
	dm_verify_wcache_free(&dead);
}

/*
 * @io's undo record was read, but the write will not run: the device
 * halted meanwhile.  There is nothing to undo, so nothing to keep or charge.
 */
void dm_verify_wcache_abandon(struct verify_c *vc, struct verify_io *io)
{
	unsigned long flags;

	if (!io->undo)
		return;
	spin_lock_irqsave(&vc->lock, flags);
	vc->wc.bytes -= verify_undo_bytes(io->undo);
	spin_unlock_irqrestore(&vc->lock, flags);
	verify_undo_free(io->undo);
	io->undo = NULL;
}

/* Newest last. */
static void verify_wcache_add(struct verify_wcache *wc, struct verify_undo *u)
{
	u->seq = wc->seq++;
	list_add_tail(&u->list, &wc->undo);
	verify_undo_it_insert(u, &wc->tree);
}

static int verify_undo_newer_first(void *priv, const struct list_head *a,
				   const struct list_head *b)
{
	return list_entry(a, struct verify_undo, near)->seq <
	       list_entry(b, struct verify_undo, near)->seq;
}

/*
 * A write that keeps no record counts as written back: so must the older
 * records under it, or a crash would restore their old content over it.
 */
static void verify_wcache_forget_under(struct verify_wcache *wc,
				       sector_t start, sector_t end,
				       struct list_head *dead)
{
	sector_t lo = start, hi = end;
	struct verify_undo *u, *tmp;
	LIST_HEAD(near);

	/*
	 * Newest first, and so must the older records under a record freed
	 * here (or the crash would restore their content over part of its
	 * write): the range grows by each record freed.  Only records under
	 * the range grown by every record under it can go: take those out
	 * of the tree, then decide in the order of the list.
	 */
	while ((u = verify_undo_it_iter_first(&wc->tree, lo, hi - 1))) {
		verify_undo_it_remove(u, &wc->tree);
		list_add_tail(&u->near, &near);
		lo = min(lo, u->sector);
		hi = max_t(sector_t, hi, u->sector + u->nr_sectors);
	}
	list_sort(NULL, &near, verify_undo_newer_first);
	list_for_each_entry_safe(u, tmp, &near, near) {
		if (u->sector >= end || u->sector + u->nr_sectors <= start) {
			verify_undo_it_insert(u, &wc->tree);
			continue;
		}
		start = min(start, u->sector);
		end = max_t(sector_t, end, u->sector + u->nr_sectors);
		verify_wcache_drop(wc, u, dead);
		wc->written_back++;
	}
}

/*
 * A write completed; under the lock, so a flush issued now comes after it.
 * The records it writes back go on @dead, for dm_verify_wcache_free().
 */
void dm_verify_wcache_complete(struct verify_c *vc, struct verify_io *io,
			       struct list_head *dead)
{
	struct verify_wcache *wc = &vc->wc;
	struct verify_undo *u = io->undo;

	/*
	 * A FUA write is durable and keeps no record (verify_undo_read()):
	 * the older writes under it can no longer show through.  A record
	 * kept for it would stay until a flush, which a FUA-only workload
	 * never sends.
	 */
	if (!u) {
		verify_wcache_forget_under(wc, io->sector,
					   io->sector + io->nr_sectors, dead);
		return;
	}
	io->undo = NULL;
	u->epoch = wc->epoch;
	verify_wcache_add(wc, u);
}

/* Under the lock: the epoch a flush issued now makes durable. */
u64 dm_verify_wcache_flush_issue(struct verify_c *vc)
{
	return vc->wc.epoch++;
}

/*
 * Under the lock: a flush issued in @epoch completed on the data device.
 * The records it made durable go on @dead, for dm_verify_wcache_free().
 */
void dm_verify_wcache_flushed(struct verify_c *vc, u64 epoch,
			      struct list_head *dead)
{
	struct verify_wcache *wc = &vc->wc;
	struct verify_undo *u, *tmp;

	list_for_each_entry_safe(u, tmp, &wc->undo, list) {
		if (u->epoch > epoch)
			break;
		verify_wcache_unlink(wc, u, dead);
	}
}

/*
 * A reloaded table takes over @old's records, if it has a write cache over
 * the same data device, clipped to its length and size.  Otherwise they
 * are written back, onto @dead.  Clipped, not dropped: an older record
 * under a dropped one would restore its old content over a write the
 * device kept.  Under @old's lock; @vc serves no I/O yet.
 */
void dm_verify_wcache_take_over(struct verify_c *vc, struct verify_c *old,
				struct list_head *dead)
{
	struct verify_wcache *wc = &vc->wc, *owc = &old->wc;
	bool keep = wc->budget && old->data_dev->bdev == vc->data_dev->bdev;
	struct verify_undo *u, *tmp;
	u64 bytes;

	list_for_each_entry_safe(u, tmp, &owc->undo, list) {
		if (!keep || u->sector >= vc->ti->len) {
			verify_wcache_unlink(owc, u, dead);
			wc->written_back++;
			continue;
		}
		list_del(&u->list);
		verify_undo_it_remove(u, &owc->tree);
		if (u->sector + u->nr_sectors > vc->ti->len)
			u->nr_sectors = vc->ti->len - u->sector;
		bytes = verify_undo_bytes(u);
		owc->bytes -= bytes;
		wc->bytes += bytes;
		verify_wcache_add(wc, u);
	}
	wc->epoch = owc->epoch;
	wc->written_back += owc->written_back;
	verify_wcache_write_back(wc, dead);
}

/*
 * Restore [@from, @from + @nr) of @u's old content on both legs.  If a leg
 * fails, the legs may now differ there: the range is undefined.  If not,
 * both hold the same bytes, whatever the write undone did (a discard, a
 * write that failed on one leg) or the range held before: comparable, and
 * synced.  No bio runs meanwhile (crashed, drained).
 */
static int verify_undo_restore(struct verify_c *vc, struct verify_undo *u,
			       sector_t from, sector_t nr)
{
	sector_t at = u->sector + from;
	unsigned long flags;
	int r;

	r = verify_undo_write(vc, verify_data_bdev(vc), vc->data_start + at, u,
			      from, nr);
	if (!r && vc->ref_dev)
		r = verify_undo_write(vc, vc->ref_dev->bdev, vc->ref_start + at, u,
				      from, nr);
	if (vc->ref_dev) {
		spin_lock_irqsave(&vc->lock, flags);
		if (r) {
			dm_verify_extents_add(&vc->unverified, at, at + nr);
		} else {
			dm_verify_extents_remove(&vc->unverified, at, at + nr);
			dm_verify_extents_remove(&vc->unsynced, at, at + nr);
		}
		spin_unlock_irqrestore(&vc->lock, flags);
	}
	return r;
}

/*
 * Restore the part of [@start, @end) (target sectors, inside @u) that no
 * later kept write holds (@settled): there the device must show @u's old
 * content.  Returns the sectors restored, or a negative errno.
 */
static s64 verify_undo_unsettled(struct verify_c *vc, struct verify_undo *u,
				 struct verify_extents *settled,
				 sector_t start, sector_t end)
{
	/* Two, as a query stretches only its last entry when there are more. */
	struct verify_extent e[2];
	sector_t at = start, stop;
	unsigned int n;
	s64 done = 0;
	int r;

	while (at < end) {
		n = dm_verify_extents_query(settled, at, end, e, ARRAY_SIZE(e));
		stop = n ? e[0].start : end;
		if (stop > at) {
			r = verify_undo_restore(vc, u, at - u->sector, stop - at);
			if (r)
				return r;
			done += stop - at;
		}
		at = n ? e[0].end : end;
	}
	return done;
}

/*
 * Newest first: a kept write settles its sectors (they show it, whatever
 * older writes did); a lost one restores what it overwrote where nothing
 * newer was kept.  The oldest lost write's copy is the durable content.
 */
static int verify_crash_undo(struct verify_c *vc, struct list_head *undo,
			     struct verify_crash_opts *opt,
			     struct verify_crash_result *res)
{
	sector_t bs = verify_legs_lbs(vc) >> SECTOR_SHIFT, b;
	struct verify_extents *settled = &opt->settled;
	struct verify_undo *u;
	bool lost, torn;
	s64 done;

	/* Draw in completion order, so the same bios give the same choice. */
	list_for_each_entry(u, undo, list) {
		res->volatile_writes++;
		if (opt->mode == VERIFY_CRASH_ALL)
			u->lost = true;
		else if (opt->mode == VERIFY_CRASH_PROB)
			u->lost = dm_verify_mod(dm_verify_rng_next(&opt->rng),
						VERIFY_PPM) < opt->ppm;
		else
			u->lost = false;
	}
	if (!opt->prepared)
		return 0;	/* every volatile write kept: legal */
	list_for_each_entry_reverse(u, undo, list) {
		lost = u->lost;
		if (!lost && opt->mode != VERIFY_CRASH_TORN) {
			dm_verify_extents_add(settled, u->sector,
					      u->sector + u->nr_sectors);
			continue;
		}
		if (lost) {
			res->lost++;
			done = verify_undo_unsettled(vc, u, settled, u->sector,
						     u->sector + u->nr_sectors);
			if (done < 0)
				goto fail;
			res->sectors += done;
			continue;
		}
		/* Torn: each logical block of a kept write may be lost. */
		torn = false;
		for (b = u->sector; b < u->sector + u->nr_sectors; b += bs) {
			sector_t e = min_t(sector_t, b + bs,
					   u->sector + u->nr_sectors);

			if (dm_verify_mod(dm_verify_rng_next(&opt->rng), VERIFY_PPM) >=
			    opt->ppm) {
				dm_verify_extents_add(settled, b, e);
				continue;
			}
			torn = true;
			done = verify_undo_unsettled(vc, u, settled, b, e);
			if (done < 0)
				goto fail;
			res->sectors += done;
		}
		res->torn += torn;
	}
	res->merges = settled->merges;
	return 0;
fail:
	res->merges = settled->merges;
	return done;
}

/* Wait until no tracked bio runs: every write's record is on the list. */
static void verify_crash_drain(struct verify_c *vc)
{
	unsigned long flags;
	bool busy;

	for (;;) {
		spin_lock_irqsave(&vc->lock, flags);
		busy = !RB_EMPTY_ROOT(&vc->inflight.rb_root);
		spin_unlock_irqrestore(&vc->lock, flags);
		if (!busy)
			break;
		usleep_range(1000, 2000);
	}
}

/*
 * Seeded like the rules, and differently for each crash, so that the same
 * seed and bios give the same post-crash content.  The start is one step
 * of the generator from the mixed seed plus the number of crashes: a
 * start of seed ^ (crashes + 1) times the generator's own increment gave
 * each crash the draws of the one before, one write on, and seed + crashes
 * unmixed would give seed S's crash k + 1 the draws of seed S + 1's crash k.
 */
void dm_verify_crash_opts_init(struct verify_c *vc, struct verify_crash_opts *opt,
			       enum verify_crash_mode mode, u32 ppm)
{
	u64 s = vc->faults.seed;

	s = dm_verify_rng_next(&s) + dm_verify_stat_read(vc, VERIFY_STAT_CRASHES);
	opt->mode = mode;
	opt->ppm = ppm;
	opt->rng = dm_verify_rng_next(&s);
}

/*
 * What a crash allocates, taken before the device is marked crashed, so
 * that a crash message short of memory fails with nothing changed.  The
 * crash itself sleeps anyway, and the device it could be reclaiming
 * through fails every bio by then: its ranges may wait for memory.
 */
int dm_verify_crash_prepare(struct verify_crash_opts *opt)
{
	int r = dm_verify_extents_init(&opt->settled, 0);

	opt->prepared = !r;
	if (!r)
		opt->settled.gfp = GFP_NOIO | __GFP_NOWARN;
	return r;
}

/*
 * The power cut.  VERIFY_CRASHED is set already (new bios fail); sleeps.
 * Unprepared (no memory), it keeps every volatile write, which a device
 * may do.  Returns 0 or a negative errno from writing the undo to a leg.
 */
int dm_verify_crash(struct verify_c *vc, struct verify_crash_opts *opt,
		    struct verify_crash_result *res)
{
	struct verify_wcache *wc = &vc->wc;
	struct verify_undo *u;
	bool unflushed = false;
	unsigned long flags;
	LIST_HEAD(undo);
	LIST_HEAD(dead);
	int r;

	memset(res, 0, sizeof(*res));
	verify_crash_drain(vc);
	spin_lock_irqsave(&vc->lock, flags);
	/*
	 * A flush issued before the power cut may have reached the device:
	 * it is taken as done.  Flushes are not drained, and one in flight
	 * fails as it completes, but dm then sends the data of a PREFLUSH
	 * write regardless, which a power_on may let through: the commit
	 * block of a journal must not outlive the blocks it commits.
	 */
	if (wc->epoch)
		dm_verify_wcache_flushed(vc, wc->epoch - 1, &dead);
	list_splice_init(&wc->undo, &undo);
	wc->tree = RB_ROOT_CACHED;
	spin_unlock_irqrestore(&vc->lock, flags);
	dm_verify_wcache_free(&dead);

	r = verify_crash_undo(vc, &undo, opt, res);
	if (opt->prepared)
		dm_verify_extents_destroy(&opt->settled);
	/*
	 * The kept writes and the undo's own may sit in the data device's
	 * real cache: flushed, the post-crash content is durable there too.
	 * If not, a data_crashed later must still find them volatile.
	 */
	if (blkdev_issue_flush(verify_data_bdev(vc)))
		unflushed = true;

	spin_lock_irqsave(&vc->lock, flags);
	list_for_each_entry(u, &undo, list)
		wc->bytes -= verify_undo_bytes(u);
	/* Both legs now hold the post-crash content: nothing is volatile. */
	if (vc->ref_dev && !unflushed)
		dm_verify_volatile_lose(vc, false);
	spin_unlock_irqrestore(&vc->lock, flags);
	dm_verify_wcache_free(&undo);

	verify_stat_inc(vc, VERIFY_STAT_CRASHES);
	verify_stat_add(vc, VERIFY_STAT_LOST_WRITES, res->lost + res->torn);
	if (!opt->prepared)
		DMWARN("%s: crash: short of memory, every volatile write kept",
		       dm_table_device_name(vc->ti->table));
	if (res->merges)
		DMWARN("%s: crash: short of memory, %llu ranges kept whole",
		       dm_table_device_name(vc->ti->table), res->merges);
	if (r)
		DMERR("%s: crash: undoing writes failed: %d",
		      dm_table_device_name(vc->ti->table), r);
	else
		DMINFO("%s: crashed: %llu volatile, %llu lost, %llu torn, %llu sectors undone",
		       dm_table_device_name(vc->ti->table), res->volatile_writes,
		       res->lost, res->torn, res->sectors);
	return r;
}

/*
 * Mark the device crashed, unless it is; the caller holds crash_lock.  New
 * bios fail from here on, and those mapped before fail as they complete.
 */
bool dm_verify_crash_begin(struct verify_c *vc)
{
	if (test_and_set_bit(VERIFY_CRASHED, &vc->flags))
		return false;
	WRITE_ONCE(vc->crash_epoch, vc->crash_epoch + 1);
	return true;
}

/*
 * Serve bios again, once any crash's undo is over: a rule's may not even
 * be queued yet.  Returns -EINVAL if the device is not crashed.  Sleeps.
 */
int dm_verify_crash_power_on(struct verify_c *vc)
{
	for (;;) {
		flush_work(&vc->crash_work);
		if (!test_bit(VERIFY_RULE_CRASH, &vc->flags))
			break;
		cond_resched();
	}
	mutex_lock(&vc->crash_lock);
	if (!test_and_clear_bit(VERIFY_CRASHED, &vc->flags)) {
		mutex_unlock(&vc->crash_lock);
		return -EINVAL;
	}
	mutex_unlock(&vc->crash_lock);
	return 0;
}

void dm_verify_crash_work(struct work_struct *work)
{
	struct verify_c *vc = container_of(work, struct verify_c, crash_work);
	struct verify_crash_result res;

	mutex_lock(&vc->crash_lock);
	dm_verify_crash_prepare(&vc->crash_opt);
	dm_verify_crash(vc, &vc->crash_opt, &res);
	clear_bit(VERIFY_RULE_CRASH, &vc->flags);
	mutex_unlock(&vc->crash_lock);
}

/*
 * A crash rule fired for @io, in map: the power fails before @io runs (the
 * caller fails it).  The undo sleeps, so it runs on a worker, not below
 * this bio's submitter; power_on waits for it.
 */
void dm_verify_crash_by_rule(struct verify_c *vc, struct verify_io *io)
{
	/*
	 * Pending before crashed, and until its undo is over: power_on
	 * waits for it (dm_verify_crash_power_on()), even before the work
	 * is queued.
	 */
	if (test_and_set_bit(VERIFY_RULE_CRASH, &vc->flags))
		return;
	if (test_and_set_bit(VERIFY_CRASHED, &vc->flags)) {
		clear_bit(VERIFY_RULE_CRASH, &vc->flags);
		return;
	}
	/*
	 * Not under crash_lock (map cannot sleep): a crash message cannot
	 * begin while the bit is set, nor power_on end it before the work.
	 */
	WRITE_ONCE(vc->crash_epoch, vc->crash_epoch + 1);
	dm_verify_crash_opts_init(vc, &vc->crash_opt, io->fault.crash_mode,
				  io->fault.crash_ppm);
	queue_work(system_unbound_wq, &vc->crash_work);
}
