// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the two legs of a bio, the comparison of read payloads and the
 * reporting of what differs.
 */
#include "dm-verify.h"

#include <linux/highmem.h>

/*
 * A bio for @size bytes of payload pages of @io's own, with @io's flags,
 * priority and cgroup.  A small one is the bio in @io's per-bio data:
 * the legs of 4 KiB bios cost no pool allocation, which is most of what
 * the target adds to a bio it only copies and submits.
 */
struct bio *dm_verify_leg_alloc(struct verify_c *vc, struct verify_io *io,
				struct block_device *bdev, unsigned int size)
{
	unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE);
	struct verify_per_bio *pb = verify_per_bio(io);
	struct bio *bio = io->bio, *leg;

	if (nr <= VERIFY_INLINE_VECS) {
		leg = &pb->ref;
		/* Not from a bio_set: no per-CPU bio cache to go back to. */
		bio_init(leg, bdev, pb->vecs, VERIFY_INLINE_VECS,
			 bio->bi_opf & ~REQ_ALLOC_CACHE);
	} else {
		leg = bio_alloc_bioset(bdev, nr, bio->bi_opf, GFP_NOIO,
				       &vc->ref_bs);
	}
	leg->bi_ioprio = bio->bi_ioprio;
	/* Charge the submitter's cgroup, not this (worker) task's. */
	bio_clone_blkg_association(leg, bio);
	dm_verify_pages_alloc(vc, leg, size);
	return leg;
}

/* The data leg of a write, writing @src's pages. */
static struct bio *verify_data_clone(struct verify_c *vc, struct verify_io *io,
				     struct bio *src)
{
	struct verify_per_bio *pb = verify_per_bio(io);
	struct bio *data = &pb->data;

	if (src == &pb->ref &&
	    !bio_init_clone(verify_data_bdev(vc), data, src, GFP_NOIO))
		return data;
	return bio_alloc_clone(verify_data_bdev(vc), src, GFP_NOIO, &vc->data_bs);
}

static void verify_leg_put(struct verify_io *io, struct bio *bio)
{
	struct verify_per_bio *pb = verify_per_bio(io);

	if (bio == &pb->ref || bio == &pb->data)
		bio_uninit(bio);
	else
		bio_put(bio);
}

/*
 * Build the legs of @io.  Reads get their own reference pages.  A write's
 * payload is copied once and both legs write that copy: the submitter may
 * change its pages while the write is in flight (no stable pages), and the
 * legs must receive the same bytes.  The reference bio is allocated first
 * for every op, so two bios never wait on the two pools in opposite orders.
 * Without a reference, or for a dropped write, a leg is simply absent.
 */
void dm_verify_alloc_legs(struct verify_c *vc, struct verify_io *io)
{
	struct bio *bio = io->bio, *ref = NULL, *data = NULL, *src = bio;
	unsigned int size = bio->bi_iter.bi_size;
	struct bvec_iter src_iter, dst_iter;

	if (vc->ref_dev && bio_has_data(bio)) {
		ref = dm_verify_leg_alloc(vc, io, vc->ref_dev->bdev, size);
		if (io->is_write) {
			src_iter = bio->bi_iter;
			dst_iter = ref->bi_iter;
			bio_copy_data_iter(ref, &dst_iter, bio, &src_iter);
			src = ref;
		}
	} else if (vc->ref_dev) {
		ref = bio_alloc_clone(vc->ref_dev->bdev, bio, GFP_NOIO,
				      &vc->ref_bs);
	} else if (vc->digest && io->is_write && bio_has_data(bio)) {
		src = dm_verify_digest_copy(vc, io);
	}
	/*
	 * With nothing copied, dm's own clone is the data leg, as in
	 * dm-verity: one bio fewer to allocate per bio.  Its fields are
	 * restored when it completes (dm_verify_data_leg_done()), before
	 * anything compares its payload or dm core sees it again.
	 */
	if (io->fault.action == VERIFY_ACT_DROP) {
		/* A dropped write never reaches the data device. */
		data = NULL;
	} else if (src == bio) {
		io->saved_iter = bio->bi_iter;
		io->saved_end_io = bio->bi_end_io;
		io->saved_private = bio->bi_private;
		io->saved_opf = bio->bi_opf;
		bio_set_dev(bio, verify_data_bdev(vc));
		data = bio;
	} else if (src == io->copy_bio) {
		/* Nothing else writes digest mode's copy: it is the data leg. */
		data = src;
	} else {
		data = verify_data_clone(vc, io, src);
	}
	/*
	 * dm polls only the bios it submitted, never these: a leg left
	 * REQ_POLLED would wait on a poll queue nobody polls.  A REQ_NOWAIT
	 * bio's legs are issued from the workqueue, where waiting is fine:
	 * a leg failed with BLK_STS_AGAIN would look like a lost error.
	 */
	if (ref) {
		ref->bi_opf &= ~(REQ_POLLED | REQ_NOWAIT);
		ref->bi_iter.bi_sector = vc->ref_start + io->sector;
	}
	if (data) {
		data->bi_opf &= ~(REQ_POLLED | REQ_NOWAIT);
		data->bi_iter.bi_sector = vc->data_start + io->sector;
		/* The digests are taken from the copy once it is written. */
		if (data == io->copy_bio)
			io->saved_iter = data->bi_iter;
	}
	io->ref_bio = ref;
	io->data_bio = data;
}

/* @io's bio was its data leg and completed: make it dm's clone again. */
void dm_verify_data_leg_done(struct verify_io *io)
{
	struct bio *bio = io->bio;

	bio->bi_iter = io->saved_iter;
	bio->bi_end_io = io->saved_end_io;
	bio->bi_private = io->saved_private;
	bio->bi_opf = io->saved_opf;
}

void dm_verify_free_legs(struct verify_io *io)
{
	struct verify_c *vc = io->vc;

	if (io->data_bio && io->data_bio != io->bio &&
	    io->data_bio != io->copy_bio)
		verify_leg_put(io, io->data_bio);
	if (io->ref_bio) {
		dm_verify_pages_free(vc, io->ref_bio);
		verify_leg_put(io, io->ref_bio);
	}
	if (io->copy_bio) {
		dm_verify_pages_free(vc, io->copy_bio);
		verify_leg_put(io, io->copy_bio);
	}
	dm_verify_digest_rmw_free(io);
	io->data_bio = NULL;
	io->ref_bio = NULL;
	io->copy_bio = NULL;
}

void dm_verify_raise_event(struct verify_c *vc)
{
	if (!test_and_set_bit(VERIFY_EVENT_SENT, &vc->flags))
		queue_work(vc->done_wq, &vc->event_work);
}

void dm_verify_log_status_mismatch(struct verify_io *io)
{
	struct verify_c *vc = io->vc;

	verify_stat_inc(vc, VERIFY_STAT_STATUS_MISMATCHES);
	DMERR_LIMIT("%s: %s status mismatch at sector %llu+%u: data leg %d, reference leg %d",
		    dm_table_device_name(vc->ti->table),
		    bio_data_dir(io->bio) == READ ? "read" : "write",
		    (unsigned long long)io->sector, io->nr_sectors,
		    blk_status_to_errno(io->data_status),
		    blk_status_to_errno(io->ref_status));
}

/*
 * Which parts of [@start, @end) are not comparable, relative to @start;
 * needs no lock held.  At most VERIFY_DIFF_SKIPS ranges: when there may
 * be more, d->cut says from where the list is no longer exact (a query's
 * last range, or the union's, runs to @end).
 */
void dm_verify_diff_prepare_range(struct verify_c *vc, sector_t start,
				  sector_t end, struct verify_diff *d)
{
	struct verify_extent undefined[VERIFY_DIFF_SKIPS], unsynced[VERIFY_DIFF_SKIPS];
	unsigned int i, nu, ns = 0;
	unsigned long flags;

	dm_verify_diff_init(d);
	/*
	 * Nothing undefined anywhere: no lock round.  A write that leaves
	 * this range undefined conflicts with @io, which is tracked, so it
	 * was accounted before @io was issued; a sync starting meanwhile
	 * changes neither leg, so the answer is that of an earlier query.
	 */
	if (!READ_ONCE(vc->unverified.nr) && !READ_ONCE(vc->unsynced.nr))
		return;
	spin_lock_irqsave(&vc->lock, flags);
	nu = dm_verify_extents_query(&vc->unverified, start, end, undefined,
				     VERIFY_DIFF_SKIPS);
	if (vc->unsynced.nr)
		ns = dm_verify_extents_query(&vc->unsynced, start, end,
					     unsynced, VERIFY_DIFF_SKIPS);
	spin_unlock_irqrestore(&vc->lock, flags);
	d->nr_skip = dm_verify_extents_union(d->skip, VERIFY_DIFF_SKIPS,
					     undefined, nu, unsynced, ns);
	for (i = 0; i < d->nr_skip; i++) {
		d->skip[i].start -= start;
		d->skip[i].end -= start;
	}
	if (nu == VERIFY_DIFF_SKIPS)
		d->cut = undefined[nu - 1].start - start;
	if (ns == VERIFY_DIFF_SKIPS)
		d->cut = min_t(u64, d->cut, unsynced[ns - 1].start - start);
	if (d->nr_skip == VERIFY_DIFF_SKIPS)
		d->cut = min_t(u64, d->cut, d->skip[d->nr_skip - 1].start);
}

/* Which parts of the bio's range are not comparable; needs no lock held. */
void dm_verify_diff_prepare(struct verify_io *io, struct verify_diff *d)
{
	dm_verify_diff_prepare_range(io->vc, io->sector,
				     io->sector + io->nr_sectors, d);
}

/*
 * The sectors of a window of @len that @d's list covers exactly: all of
 * them, or up to d->cut, where the list is trimmed.  A caller compares
 * them, then prepares the next window from there: a list cut short would
 * leave everything after its last entry unchecked.
 */
sector_t dm_verify_diff_trim(struct verify_diff *d, sector_t len)
{
	if (d->cut == U64_MAX || d->cut >= len)
		return len;
	while (d->nr_skip && d->skip[d->nr_skip - 1].start >= d->cut)
		d->nr_skip--;
	if (d->nr_skip && d->skip[d->nr_skip - 1].end > d->cut)
		d->skip[d->nr_skip - 1].end = d->cut;
	return d->cut;
}

void dm_verify_count_skipped(struct verify_io *io, const struct verify_diff *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_skip; i++)
		verify_stat_add(io->vc, VERIFY_STAT_UNVERIFIED_SECTORS,
				d->skip[i].end - d->skip[i].start);
}

/* Forget what a comparison found, keeping which ranges it skips. */
static void verify_diff_restart(struct verify_diff *d)
{
	struct verify_diff skips = *d;

	dm_verify_diff_init(d);
	memcpy(d->skip, skips.skip, sizeof(d->skip));
	d->nr_skip = skips.nr_skip;
}

/*
 * Iterators over bytes [@from, @to) of @io's payload (the bio dm handed us
 * was never submitted, so its iterator still spans the whole range) and of
 * its reference pages.
 */
static void verify_payload_iters(struct verify_io *io, u64 from, u64 to,
				 struct bvec_iter *it, struct bvec_iter *rit)
{
	*it = io->bio->bi_iter;
	*rit = (struct bvec_iter){ .bi_size = it->bi_size };
	bio_advance_iter(io->bio, it, from);
	bio_advance_iter(io->ref_bio, rit, from);
	it->bi_size = to - from;
	rit->bi_size = to - from;
}

/*
 * Compare bytes [@from, @to) of the data leg's payload, in the caller's
 * pages, with the reference pages.  Never sleeps.
 */
static void verify_diff_payload(struct verify_io *io, struct verify_diff *d,
				u64 from, u64 to)
{
	struct bio *bio = io->bio, *ref = io->ref_bio;
	struct bvec_iter it, rit;
	u64 pos = from;

	verify_payload_iters(io, from, to, &it, &rit);

	while (it.bi_size) {
		struct bio_vec a = bio_iter_iovec(bio, it);
		struct bio_vec b = bio_iter_iovec(ref, rit);
		unsigned int len = min(a.bv_len, b.bv_len);
		u8 *pa = bvec_kmap_local(&a);
		u8 *pb = bvec_kmap_local(&b);

		dm_verify_diff_chunk(d, pa, pb, pos, len);
		kunmap_local(pb);
		kunmap_local(pa);
		bio_advance_iter_single(bio, &it, len);
		bio_advance_iter_single(ref, &rit, len);
		pos += len;
	}
}

/*
 * The caller's pages differ from the reference, but they need not hold what
 * the device returned: iovecs that alias one buffer, two reads into one
 * buffer, or a thread writing its buffer during its own read all change
 * them, and no user may cause a report about correct data.  So read the
 * data leg again, a page at a time into a private page, while the range is
 * still tracked (no write can reach it), and let that copy decide.  Rare, so
 * slow is fine; one page from a reserve of one keeps it going under memory
 * pressure.  Sleeps: only from the bio's own work item, never below another
 * bio's submission (current->bio_list would hold the re-read back).
 */
static int verify_diff_reread(struct verify_io *io, struct verify_diff *d,
			      u64 from, u64 to)
{
	struct verify_c *vc = io->vc;
	struct bio *ref = io->ref_bio;
	struct bvec_iter it, rit;
	struct bio_vec bvec;
	struct page *page;
	struct bio bio;
	u64 pos = from;
	int r = 0;

	verify_payload_iters(io, from, to, &it, &rit);

	mutex_lock(&vc->pages.reread_lock);
	page = mempool_alloc(&vc->pages.reread, GFP_NOIO);
	while (rit.bi_size) {
		unsigned int chunk = min_t(unsigned int, rit.bi_size, PAGE_SIZE);
		unsigned int done = 0;
		u8 *p;

		bio_init(&bio, verify_data_bdev(vc), &bvec, 1,
			 REQ_OP_READ | REQ_SYNC);
		bio.bi_iter.bi_sector = vc->data_start + io->sector +
					(pos >> SECTOR_SHIFT);
		__bio_add_page(&bio, page, chunk, 0);
		r = submit_bio_wait(&bio);
		bio_uninit(&bio);
		if (r)
			break;
		p = kmap_local_page(page);
		while (done < chunk) {
			struct bio_vec b = bio_iter_iovec(ref, rit);
			unsigned int len = min(b.bv_len, chunk - done);
			u8 *pb = bvec_kmap_local(&b);

			dm_verify_diff_chunk(d, p + done, pb, pos + done, len);
			kunmap_local(pb);
			bio_advance_iter_single(ref, &rit, len);
			done += len;
		}
		kunmap_local(p);
		pos += chunk;
	}
	mempool_free(page, &vc->pages.reread);
	mutex_unlock(&vc->pages.reread_lock);
	return r;
}

/*
 * @d: what a read of [@start, +@nr) found, a bio's or the block a partial
 * digest-mode write reads; @scrub: found by a scrub pass, in that chunk.
 */
void dm_verify_record_mismatch(struct verify_c *vc, sector_t start,
			       unsigned int nr, struct verify_diff *d, bool scrub)
{
	struct verify_mismatch *m;
	sector_t sector = start + (d->first >> SECTOR_SHIFT);
	unsigned long flags;

	if (scrub) {
		verify_stat_add(vc, VERIFY_STAT_SCRUB_MISMATCHES,
				d->bad_sectors);
	} else {
		verify_stat_inc(vc, VERIFY_STAT_MISMATCHED_READS);
		verify_stat_add(vc, VERIFY_STAT_MISMATCHED_SECTORS,
				d->bad_sectors);
	}
	atomic64_set(&vc->last_mismatch, sector + 1);

	spin_lock_irqsave(&vc->lock, flags);
	m = &vc->log[vc->log_seq % VERIFY_LOG_SIZE];
	m->seq = ++vc->log_seq;
	m->bio_sector = start;
	m->bio_sectors = nr;
	m->sector = sector;
	m->offset = d->first & (SECTOR_SIZE - 1);
	m->bad_sectors = d->bad_sectors;
	m->nr_bytes = d->nr_bytes;
	memcpy(m->data, d->data, sizeof(m->data));
	memcpy(m->ref, d->ref, sizeof(m->ref));
	spin_unlock_irqrestore(&vc->lock, flags);

	/*
	 * No payload bytes here: dmesg may be readable by everyone.  After
	 * data_crashed, whatever is still compared was durable (or written
	 * since): say so, as losing it was not legal.
	 */
	DMERR_LIMIT("%s: %s mismatch at sector %llu offset %u: %u/%u sectors differ, %s at %llu",
		    dm_table_device_name(vc->ti->table), scrub ? "scrub" : "read",
		    (unsigned long long)sector, m->offset, d->bad_sectors,
		    nr, scrub ? "chunk" : "bio", (unsigned long long)start);
	if (test_bit(VERIFY_DATA_CRASHED, &vc->flags))
		DMERR_LIMIT("%s: mismatch at sector %llu is in durable data",
			    dm_table_device_name(vc->ti->table),
			    (unsigned long long)sector);
}

/*
 * Policy "reference": give the caller the reference's payload, but only
 * where it was compared.  Where the range is unsynced the data device holds
 * what the caller should read (the reference is still stale there), and
 * where it is undefined neither leg is right: keep what the device returned.
 */
static void verify_copy_reference(struct verify_io *io,
				  const struct verify_diff *d, u64 from, u64 to)
{
	struct bio *bio = io->bio, *ref = io->ref_bio;
	u64 pos = from, end;
	struct bvec_iter it, rit;
	unsigned int i;

	for (i = 0; i <= d->nr_skip; i++) {
		end = to;
		if (i < d->nr_skip)
			end = min(end, (u64)d->skip[i].start << SECTOR_SHIFT);
		if (end > pos) {
			verify_payload_iters(io, pos, end, &it, &rit);
			bio_copy_data_iter(bio, &it, ref, &rit);
		}
		if (i < d->nr_skip)
			pos = max(pos, (u64)d->skip[i].end << SECTOR_SHIFT);
	}
}

/*
 * The caller's pages of sectors [@from, @to) differ: let a re-read of the
 * device decide what @d holds; *@matched is set if the device matches.
 * Returns false when that failed: neither copy can be trusted, and the
 * window counts as unverified.  Sleeps.
 */
static bool verify_window_reread(struct verify_io *io, struct verify_diff *d,
				 sector_t from, sector_t to, bool *matched)
{
	struct verify_c *vc = io->vc;
	const char *name = dm_table_device_name(vc->ti->table);
	int r;

	verify_diff_restart(d);
	r = verify_diff_reread(io, d, (u64)from << SECTOR_SHIFT,
			       (u64)to << SECTOR_SHIFT);
	if (r) {
		DMWARN_LIMIT("%s: re-read of sector %llu+%llu failed (%d): not verified",
			     name, (unsigned long long)(io->sector + from),
			     (unsigned long long)(to - from), r);
		verify_stat_add(vc, VERIFY_STAT_UNVERIFIED_SECTORS, to - from);
		/* What the caller holds differs from the reference: not that. */
		if (READ_ONCE(vc->policy) == VERIFY_REFERENCE)
			verify_copy_reference(io, d, (u64)from << SECTOR_SHIFT,
					      (u64)to << SECTOR_SHIFT);
		return false;
	}
	/*
	 * The caller changed its pages during the read, or the device
	 * returned wrong data once: no telling which, so no mismatch, but
	 * counted (once per read, by the caller).  The reference policy
	 * gives the caller what both hold.
	 */
	if (d->first == U64_MAX) {
		*matched = true;
		if (READ_ONCE(vc->policy) == VERIFY_REFERENCE)
			verify_copy_reference(io, d, (u64)from << SECTOR_SHIFT,
					      (u64)to << SECTOR_SHIFT);
		DMINFO_LIMIT("%s: read %llu+%u: buffer changed during read, device matches",
			     name, (unsigned long long)io->sector, io->nr_sectors);
	}
	return true;
}

/*
 * Do the caller's pages hold what the reference pages hold?  The common
 * case, checked without the bookkeeping of a verify_diff: only a read
 * that differs goes on to find where, and to look at what it skips.
 */
static bool verify_payload_equal(struct verify_io *io)
{
	struct bio *bio = io->bio, *ref = io->ref_bio;
	struct bvec_iter it, rit;
	bool equal = true;

	verify_payload_iters(io, 0, (u64)io->nr_sectors << SECTOR_SHIFT,
			     &it, &rit);
	while (equal && it.bi_size) {
		struct bio_vec a = bio_iter_iovec(bio, it);
		struct bio_vec b = bio_iter_iovec(ref, rit);
		unsigned int len = min(a.bv_len, b.bv_len);
		u8 *pa = bvec_kmap_local(&a);
		u8 *pb = bvec_kmap_local(&b);

		equal = dm_verify_first_diff(pa, pb, len) == len;
		kunmap_local(pb);
		kunmap_local(pa);
		bio_advance_iter_single(bio, &it, len);
		bio_advance_iter_single(ref, &rit, len);
	}
	return equal;
}

/*
 * dm_verify_compare() the long way: what is skipped, where the payloads
 * differ, whether a re-read confirms it.  Its own function, out of line:
 * the two verify_diff it keeps on the stack are zeroed at its entry
 * (CONFIG_INIT_STACK_ALL_ZERO), which the common case need not pay.
 */
static noinline bool verify_compare_diff(struct verify_io *io, bool can_sleep,
					 blk_status_t *status)
{
	struct verify_c *vc = io->vc;
	struct verify_diff d, found;
	sector_t from = 0, to;
	bool matched = false, unconfirmed = false;
	unsigned int i;

	dm_verify_diff_init(&found);
	dm_verify_diff_prepare(io, &d);
	/* More skipped ranges than a list holds: window by window, rare. */
	if (d.cut != U64_MAX && !can_sleep)
		return false;
	for (;;) {
		to = from + dm_verify_diff_trim(&d, io->nr_sectors - from);
		for (i = 0; i < d.nr_skip; i++) {
			d.skip[i].start += from;
			d.skip[i].end += from;
		}
		verify_diff_payload(io, &d, (u64)from << SECTOR_SHIFT,
				    (u64)to << SECTOR_SHIFT);
		if (d.first != U64_MAX) {
			if (!can_sleep)
				return false;
			if (!verify_window_reread(io, &d, from, to, &matched)) {
				unconfirmed = true;
				goto next;
			}
		}
		dm_verify_count_skipped(io, &d);
		if (d.first != U64_MAX) {
			if (found.first == U64_MAX) {
				found.first = d.first;
				found.nr_bytes = d.nr_bytes;
				memcpy(found.data, d.data, sizeof(found.data));
				memcpy(found.ref, d.ref, sizeof(found.ref));
			}
			found.bad_sectors += d.bad_sectors;
			if (READ_ONCE(vc->policy) == VERIFY_REFERENCE)
				verify_copy_reference(io, &d,
						      (u64)from << SECTOR_SHIFT,
						      (u64)to << SECTOR_SHIFT);
		}
next:
		from = to;
		if (from >= io->nr_sectors)
			break;
		dm_verify_diff_prepare_range(vc, io->sector + from,
					     io->sector + io->nr_sectors, &d);
	}
	if (matched)
		verify_stat_inc(vc, VERIFY_STAT_REREAD_MATCHES);
	if (unconfirmed)
		*status = dm_verify_unconfirmed_status(vc);
	if (found.first == U64_MAX)
		return true;

	dm_verify_record_mismatch(vc, io->sector, io->nr_sectors, &found, false);
	dm_verify_raise_event(vc);

	switch (READ_ONCE(vc->policy)) {
	case VERIFY_ERROR:
		*status = BLK_STS_IOERR;
		break;
	case VERIFY_HALT:
		set_bit(VERIFY_HALTED, &vc->flags);
		*status = BLK_STS_IOERR;
		break;
	default:
		break;
	}
	return true;
}

/*
 * Compare a read's legs.  Runs from the workqueue with @can_sleep, as a
 * 1 MiB compare is too long for completion context, unless the read is at
 * most inline_compare_max bytes.  Returns false, having changed nothing,
 * when the caller's pages differ and only a re-read (which sleeps) can tell
 * whether the device does, or when more ranges are skipped than one list
 * holds (then it compares window by window): call again with @can_sleep.
 */
bool dm_verify_compare(struct verify_io *io, bool can_sleep, blk_status_t *status)
{
	struct verify_c *vc = io->vc;

	*status = BLK_STS_OK;
	/*
	 * Nothing skipped anywhere: the lock-free test of
	 * dm_verify_diff_prepare_range(), where the reasons it holds are.
	 */
	if (!READ_ONCE(vc->unverified.nr) && !READ_ONCE(vc->unsynced.nr) &&
	    verify_payload_equal(io))
		return true;
	return verify_compare_diff(io, can_sleep, status);
}
