// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify digest mode: no reference device; the target keeps the xxh64 of
 * every block written through it and checks reads against it.
 *
 * Exactness rests on the rules of dm-verify-inflight.c.  A read checks only
 * the blocks it covers whole, so any write that touches such a block
 * overlaps it and is ordered with it.  A write is tracked by the whole
 * blocks it touches, so it is ordered with every bio that touches them:
 * the blocks it covers in part are read and checked before it is issued,
 * and its digests are set (or the blocks made unknown) before it is
 * untracked.
 *
 * A write's digests are those of the target's private copy of its payload,
 * the bytes that reached the device, set only when the write succeeded; a
 * failed write, a discard, and the blocks a write covers in part become
 * unknown until a whole-block write succeeds (a write covering a known block
 * in part keeps it known: dm-verify-digest-rmw.c).  Unknown blocks, and the parts
 * of a read that cover blocks in part, are not verified (counted in
 * unverified_sectors).  A read whose payload does not match is read again
 * into a private page before anything is reported, as in
 * dm-verify-compare.c: the caller's pages may have changed under the read.
 *
 * Digests live in a store (dm-verify-digest.h): kernel memory, for the
 * table's "-", or kernel memory saved on a metadata device
 * (dm-verify-digest-meta.c).
 */
#include "dm-verify.h"

#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/xxhash.h>

/* Bytes per digest block unless digest_block says otherwise. */
#define VERIFY_DIGEST_BLOCK_DEFAULT	SZ_4K

static unsigned int digest_max_mb = 256;
module_param(digest_max_mb, uint, 0644);
MODULE_PARM_DESC(digest_max_mb,
		 "Most kernel memory (MiB) the in-memory digests of one target may take, read at table load (default 256: 8 bytes and a bit a block)");

bool dm_verify_mem_get(struct verify_digest *dg, u64 block, u64 *digest)
{
	struct verify_digest_mem *m = dg->store;

	if (!test_bit(block, m->known))
		return false;
	/* Pairs with the barrier in dm_verify_mem_set(). */
	smp_rmb();
	*digest = READ_ONCE(m->digests[block]);
	return true;
}

void dm_verify_mem_set(struct verify_digest *dg, u64 block, u64 digest)
{
	struct verify_digest_mem *m = dg->store;

	WRITE_ONCE(m->digests[block], digest);
	/* The digest before the bit that says it is there: see get. */
	smp_mb__before_atomic();
	if (!test_and_set_bit(block, m->known))
		atomic64_inc(&m->nr_known);
}

/*
 * A discard of 4 GiB forgets a million blocks, in completion context: whole
 * words at a time.  Nothing sets a bit in the range meanwhile (the bio that
 * forgets them is tracked), so a word inside it is this bio's to clear.
 */
void dm_verify_mem_invalidate(struct verify_digest *dg, u64 block, u64 nr)
{
	struct verify_digest_mem *m = dg->store;
	u64 cleared = 0;

	for (; nr && block % BITS_PER_LONG; nr--, block++)
		cleared += test_and_clear_bit(block, m->known);
	for (; nr >= BITS_PER_LONG; nr -= BITS_PER_LONG, block += BITS_PER_LONG)
		cleared += hweight_long(xchg(&m->known[BIT_WORD(block)], 0));
	for (; nr; nr--, block++)
		cleared += test_and_clear_bit(block, m->known);
	if (cleared)
		atomic64_sub(cleared, &m->nr_known);
}

u64 dm_verify_mem_nr_unknown(struct verify_digest *dg)
{
	struct verify_digest_mem *m = dg->store;

	return dg->nr_blocks - atomic64_read(&m->nr_known);
}

void dm_verify_mem_take_over(struct verify_digest *dg, struct verify_digest *old)
{
	struct verify_digest_mem *o = old->store;
	u64 nr = min(dg->nr_blocks, old->nr_blocks);
	unsigned long b;

	for_each_set_bit(b, o->known, nr) {
		dm_verify_mem_set(dg, b, o->digests[b]);
		if (!(b & (SZ_64K - 1)))
			cond_resched();
	}
}

void dm_verify_mem_destroy(struct verify_digest *dg)
{
	struct verify_digest_mem *m = dg->store;

	if (!m)
		return;
	kvfree(m->digests);
	kvfree(m->known);
	kfree(m);
	dg->store = NULL;
}

static const struct verify_digest_store_ops verify_mem_ops = {
	.name = "-",
	.sleeps = false,
	.destroy = dm_verify_mem_destroy,
	.get = dm_verify_mem_get,
	.set = dm_verify_mem_set,
	.invalidate = dm_verify_mem_invalidate,
	.nr_unknown = dm_verify_mem_nr_unknown,
	.take_over = dm_verify_mem_take_over,
};

int dm_verify_mem_create(struct verify_digest *dg)
{
	u64 longs = BITS_TO_LONGS(dg->nr_blocks);
	u64 bytes = dg->nr_blocks * sizeof(u64) + longs * sizeof(long);
	struct verify_digest_mem *m;

	/* kvmalloc() warns and fails above INT_MAX bytes. */
	if (dg->nr_blocks > INT_MAX / sizeof(u64))
		return -EFBIG;
	if (bytes > (u64)READ_ONCE(digest_max_mb) << 20)
		return -E2BIG;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	dg->store = m;
	m->digests = kvcalloc(dg->nr_blocks, sizeof(u64), GFP_KERNEL);
	m->known = kvcalloc(longs, sizeof(long), GFP_KERNEL);
	if (!m->digests || !m->known) {
		dm_verify_mem_destroy(dg);
		return -ENOMEM;
	}
	atomic64_set(&m->nr_known, 0);
	dg->ops = &verify_mem_ops;
	return 0;
}

/*
 * digest <meta_dev|->
 * digest_block <bytes>
 */
int dm_verify_digest_parse(struct dm_target *ti, struct verify_c *vc,
			   const char *name, struct dm_arg_set *as,
			   unsigned int *argc)
{
	const char *arg;
	u32 bytes;

	if (!strcasecmp(name, "digest")) {
		if (vc->digest_on) {
			ti->error = "Feature digest duplicated";
			return -EINVAL;
		}
		if (!*argc) {
			ti->error = "Feature digest requires a metadata device or -";
			return -EINVAL;
		}
		(*argc)--;
		arg = dm_shift_arg(as);
		/* argv outlives the constructor, where the device is opened. */
		vc->digest_meta_path = strcmp(arg, "-") ? arg : NULL;
		vc->digest_on = true;
		return 0;
	}
	if (vc->digest_block) {
		ti->error = "Feature digest_block duplicated";
		return -EINVAL;
	}
	if (!*argc) {
		ti->error = "Feature digest_block requires a size in bytes";
		return -EINVAL;
	}
	(*argc)--;
	arg = dm_shift_arg(as);
	if (kstrtou32(arg, 10, &bytes) || !is_power_of_2(bytes) ||
	    bytes < SECTOR_SIZE || bytes > VERIFY_MAX_IO_BYTES) {
		ti->error = "Invalid digest_block (a power of two, 512 to 1048576 bytes)";
		return -EINVAL;
	}
	vc->digest_block = bytes;
	return 0;
}

static u64 verify_digest_of_zeroes(u32 bytes)
{
	const u8 *zero = page_address(ZERO_PAGE(0));
	struct xxh64_state st;
	u32 n;

	xxh64_reset(&st, 0);
	for (; bytes; bytes -= n) {
		n = min_t(u32, bytes, PAGE_SIZE);
		xxh64_update(&st, zero, n);
	}
	return xxh64_digest(&st);
}

static int verify_digest_refused(struct dm_target *ti, int r)
{
	switch (r) {
	case -EFBIG:
		ti->error = "In-memory digests would exceed 2 GiB: use a larger digest_block";
		return -EINVAL;
	case -E2BIG:
		ti->error = "In-memory digests would exceed the digest_max_mb module parameter";
		return -EINVAL;
	default:
		ti->error = "Cannot allocate digests";
		return r;
	}
}

/* After the features are parsed: check them, and build the store. */
int dm_verify_digest_create(struct dm_target *ti, struct verify_c *vc)
{
	u32 bytes = vc->digest_block ?: VERIFY_DIGEST_BLOCK_DEFAULT;
	struct verify_digest *dg;
	int r;

	if (!vc->digest_on) {
		if (vc->digest_block) {
			ti->error = "Feature digest_block needs the digest feature";
			return -EINVAL;
		}
		return 0;
	}
	if (vc->ref_dev) {
		ti->error = "Feature digest needs - as the reference device";
		return -EINVAL;
	}
	if (vc->wc.budget) {
		ti->error = "Feature write_cache is not supported with digest yet";
		return -EINVAL;
	}
	if (bytes < bdev_logical_block_size(verify_data_bdev(vc))) {
		ti->error = "digest_block is below the data device's logical block size";
		return -EINVAL;
	}
	if (ti->len & ((bytes >> SECTOR_SHIFT) - 1)) {
		ti->error = "Target length is not a multiple of digest_block";
		return -EINVAL;
	}

	dg = kzalloc(sizeof(*dg), GFP_KERNEL);
	if (!dg) {
		ti->error = "Cannot allocate digests";
		return -ENOMEM;
	}
	dg->block_shift = ilog2(bytes);
	dg->block_sectors = bytes >> SECTOR_SHIFT;
	dg->nr_blocks = ti->len >> (dg->block_shift - SECTOR_SHIFT);
	dg->zero_digest = verify_digest_of_zeroes(bytes);
	r = dm_verify_mem_create(dg);
	if (r) {
		kfree(dg);
		return verify_digest_refused(ti, r);
	}
	dg->name = dg->ops->name;
	vc->digest = dg;
	if (vc->digest_meta_path) {
		r = dm_verify_digest_meta_create(ti, vc, vc->digest_meta_path);
		vc->digest_meta_path = NULL;
		if (r) {
			dm_verify_digest_destroy(vc);
			return r;
		}
	}
	return 0;
}

void dm_verify_digest_destroy(struct verify_c *vc)
{
	struct verify_digest *dg = vc->digest;

	if (!dg)
		return;
	dg->ops->destroy(dg);
	kfree(dg);
	vc->digest = NULL;
}

/*
 * Submitters that cut their bios at the queue's max_sectors (brd: 255
 * sectors) should cut them on block boundaries, or a block split between
 * two bios is written in part by each and stays unknown.  6.12 derives
 * max_sectors from max_hw_sectors, 6.1 stacks both.  Write zeroes is cut
 * at a limit of its own, by blkdev_issue_zeroout() and by dm (a loop
 * device's is 8388607 sectors), and no read fills in the rest of a block
 * it covers in part.  Cuts fall on block boundaries for bios that start
 * on one.
 */
void dm_verify_digest_io_hints(struct verify_c *vc, struct queue_limits *limits)
{
	unsigned int n;

	if (!vc->digest)
		return;
	n = vc->digest->block_sectors;
	if (limits->max_sectors >= n)
		limits->max_sectors = round_down(limits->max_sectors, n);
	if (limits->max_hw_sectors >= n)
		limits->max_hw_sectors = round_down(limits->max_hw_sectors, n);
	if (limits->max_dev_sectors >= n)
		limits->max_dev_sectors = round_down(limits->max_dev_sectors, n);
	/* Below a block, every piece would be partial: zero pages instead. */
	limits->max_write_zeroes_sectors =
		round_down(limits->max_write_zeroes_sectors, n);
}

u64 dm_verify_digest_unknown(struct verify_c *vc)
{
	return vc->digest ? vc->digest->ops->nr_unknown(vc->digest) : 0;
}

/*
 * A reload keeps the digests of the same device with the same blocks,
 * whichever store either table has: they describe the data device.
 */
/* @vc is being taken over: its write-intent pass, if any, ends now. */
void dm_verify_digest_stop_passes(struct verify_c *vc)
{
	if (vc->digest && vc->digest->intent)
		dm_verify_intent_stop(vc->digest);
}

void dm_verify_digest_take_over(struct verify_c *vc, struct verify_c *old)
{
	struct verify_digest *dg = vc->digest, *o = old->digest;

	if (dg && o && dg->block_shift == o->block_shift) {
		dg->ops->take_over(dg, o);
		dg->taken_over = true;
	}
}

/*
 * @vc replaces @old from its first resume on, or (@vc NULL) a table that
 * took nothing over replaced @old: @old's store, unless @vc keeps its
 * digests on the same device, no longer follows the data.
 */
int dm_verify_digest_abandon(struct verify_c *vc, struct verify_c *old)
{
	struct verify_digest *o = old->digest;

	if (!o || !o->ops->abandon)
		return 0;
	return o->ops->abandon(o, vc ? vc->digest : NULL, !!vc);
}

/* Before the target takes I/O: a persistent store opens (and may fail). */
int dm_verify_digest_resume(struct verify_c *vc)
{
	struct verify_digest *dg = vc->digest;

	return dg && dg->ops->resume ? dg->ops->resume(dg) : 0;
}

/* The target is idle: a persistent store saves what changed. */
void dm_verify_digest_suspend(struct verify_c *vc)
{
	struct verify_digest *dg = vc->digest;

	if (dg && dg->ops->suspend)
		dg->ops->suspend(dg);
}

unsigned int dm_verify_digest_table_words(struct verify_c *vc)
{
	return vc->digest ? 4 : 0;
}

void dm_verify_digest_emit_table(struct verify_c *vc, char *result,
				 unsigned int maxlen, unsigned int *szp)
{
	unsigned int sz = *szp;

	if (vc->digest)
		DMEMIT(" digest %s digest_block %u", vc->digest->name,
		       1U << vc->digest->block_shift);
	*szp = sz;
}

/* Are sectors @start and @end on block boundaries? */
bool dm_verify_digest_aligned(struct verify_c *vc, sector_t start, sector_t end)
{
	sector_t mask = vc->digest->block_sectors - 1;

	return !(start & mask) && !(end & mask);
}

/*
 * Digest the blocks of [@pos, @end), at @buf + @base's offset in @buf,
 * but for those a discard or a failed write left undefined
 * (verify_c.unverified), whose content may differ at the next read: they
 * stay unknown until written.
 */
static void verify_digest_sync_range(struct verify_c *vc, sector_t base,
				     sector_t pos, sector_t end,
				     const void *buf)
{
	struct verify_digest *dg = vc->digest;
	sector_t bs = dg->block_sectors, next, s;
	struct verify_extent e;
	bool found;

	while (pos < end) {
		found = verify_extents_first_locked(vc, &vc->unverified, pos,
						    end, &e);
		/* The blocks before the range; those it touches stay unknown. */
		next = found ? round_down(e.start, bs) : end;
		for (s = pos; s + bs <= next; s += bs) {
			dg->ops->set(dg, s >> (dg->block_shift - SECTOR_SHIFT),
				     xxh64(buf + ((s - base) << SECTOR_SHIFT),
					   bs << SECTOR_SHIFT, 0));
			cond_resched();
		}
		if (!found)
			break;
		pos = round_up(e.end, bs);
	}
}

/*
 * A sync read [@sector, +@nr_sectors) of the data device into @buf, the
 * range tracked as a write so that no bio overlaps it: the blocks still
 * unsynced get the digest of what they hold.  Not the others: a write made
 * their digests since the sync started, and the device may have lost it.
 */
void dm_verify_digest_sync(struct verify_c *vc, sector_t sector,
			   unsigned int nr_sectors, const void *buf)
{
	sector_t bs = vc->digest->block_sectors, end = sector + nr_sectors;
	sector_t pos = sector;
	struct verify_extent e;

	while (pos < end &&
	       verify_extents_first_locked(vc, &vc->unsynced, pos, end, &e)) {
		e.start = max(round_down(e.start, bs), pos);
		e.end = min(round_up(e.end, bs), end);
		verify_digest_sync_range(vc, sector, e.start, e.end, buf);
		pos = e.end;
	}
}

/*
 * A write's private copy, submitted as the data leg; its digests are
 * taken from it once written, so they are of the bytes that reached the
 * device even if the submitter changes its pages meanwhile.
 */
struct bio *dm_verify_digest_copy(struct verify_c *vc, struct verify_io *io)
{
	struct bio *bio = io->bio, *copy;
	unsigned int size = bio->bi_iter.bi_size;
	struct bvec_iter src_iter = bio->bi_iter, dst_iter;

	copy = dm_verify_leg_alloc(vc, io, verify_data_bdev(vc), size);
	dst_iter = copy->bi_iter;
	bio_copy_data_iter(copy, &dst_iter, bio, &src_iter);
	io->copy_bio = copy;
	return copy;
}

/* Blocks [*first, *end) that @io covers whole. */
static void verify_digest_whole(struct verify_digest *dg, struct verify_io *io,
				u64 *first, u64 *end)
{
	unsigned int shift = dg->block_shift - SECTOR_SHIFT;

	*first = (io->sector + dg->block_sectors - 1) >> shift;
	*end = (io->sector + io->nr_sectors) >> shift;
	if (*end < *first)
		*end = *first;
}

typedef void (*verify_digest_fn)(void *ctx, u64 block, u64 digest);

/*
 * Hash each block that @bio's payload covers whole, the payload starting at
 * target sector @sector, and pass each digest to @fn in block order.
 */
static void verify_digest_walk(struct verify_digest *dg, struct bio *bio,
			       sector_t sector, verify_digest_fn fn, void *ctx)
{
	struct bvec_iter it = bio->bi_iter;
	u32 bsize = 1U << dg->block_shift;
	u64 start = (u64)sector << SECTOR_SHIFT;
	u64 first = round_up(start, (u64)bsize);
	u64 end = round_down(start + it.bi_size, (u64)bsize);
	u64 block = first >> dg->block_shift;
	struct xxh64_state st;
	u32 fill = 0;

	if (first >= end)
		return;
	bio_advance_iter(bio, &it, first - start);
	it.bi_size = end - first;
	while (it.bi_size) {
		struct bio_vec bv = bio_iter_iovec(bio, it);
		unsigned int len = min_t(u32, bv.bv_len, bsize - fill);
		bool done = false;
		u64 digest = 0;
		u8 *p = bvec_kmap_local(&bv);

		if (!fill && len == bsize) {
			digest = xxh64(p, len, 0);
			done = true;
		} else {
			if (!fill)
				xxh64_reset(&st, 0);
			xxh64_update(&st, p, len);
			fill += len;
			if (fill == bsize) {
				digest = xxh64_digest(&st);
				fill = 0;
				done = true;
			}
		}
		kunmap_local(p);
		bio_advance_iter_single(bio, &it, len);
		if (done)
			fn(ctx, block++, digest);
	}
}

static void verify_digest_set_fn(void *ctx, u64 block, u64 digest)
{
	struct verify_digest *dg = ctx;

	dg->ops->set(dg, block, digest);
}

/*
 * Digest mode: a discard or a failed write leaves its range undefined, a
 * write that succeeds defines it again.  Called once the write completed
 * and before its blocks' digests change (verify_digest_written()), whose
 * metadata blocks are then marked dirty: a save that sees a block unknown
 * also sees it undefined (verify_meta_fill()).
 */
static void verify_digest_account_undefined(struct verify_c *vc,
					    struct verify_io *io)
{
	bool undefined = io->op == VERIFY_OP_DISCARD || io->data_status;
	unsigned long flags;

	if (!undefined && !READ_ONCE(vc->unverified.nr))
		return;
	spin_lock_irqsave(&vc->lock, flags);
	if (undefined)
		dm_verify_extents_add(&vc->unverified, io->sector,
				      io->sector + io->nr_sectors);
	else if (vc->unverified.nr)
		dm_verify_extents_remove(&vc->unverified, io->sector,
					 io->sector + io->nr_sectors);
	spin_unlock_irqrestore(&vc->lock, flags);
}

/*
 * A write, write zeroes or discard completed: set the digests of the whole
 * blocks a successful write wrote, make everything else it touched unknown.
 */
static void verify_digest_written(struct verify_io *io)
{
	struct verify_c *vc = io->vc;
	struct verify_digest *dg = vc->digest;
	unsigned int shift = dg->block_shift - SECTOR_SHIFT;
	sector_t end = io->sector + io->nr_sectors;
	u64 head = io->sector >> shift, tail = (end - 1) >> shift;
	u64 first, last, b;

	verify_digest_account_undefined(vc, io);
	if (io->op == VERIFY_OP_DISCARD || io->data_status ||
	    (io->op == VERIFY_OP_WRITE && !io->copy_bio)) {
		dg->ops->invalidate(dg, head, tail - head + 1);
		return;
	}
	verify_digest_whole(dg, io, &first, &last);
	if (first != head || last != tail + 1) {
		u64 merged[2];
		unsigned int n;

		verify_stat_inc(vc, VERIFY_STAT_PARTIAL_BLOCK_WRITES);
		dm_verify_digest_rmw_written(io, merged, &n);
		if (first != head && !(n && merged[0] == head))
			dg->ops->invalidate(dg, head, 1);
		if (last != tail + 1 && !(n && merged[n - 1] == tail))
			dg->ops->invalidate(dg, tail, 1);
	}
	if (io->op == VERIFY_OP_WRITE_ZEROES) {
		for (b = first; b < last; b++)
			dg->ops->set(dg, b, dg->zero_digest);
		return;
	}
	verify_digest_walk(dg, io->copy_bio, io->sector, verify_digest_set_fn, dg);
}

struct verify_digest_check {
	struct verify_digest *dg;
	sector_t unknown;	/* sectors in unknown blocks */
	struct verify_digest_found f;
};

static void verify_digest_check_fn(void *ctx, u64 block, u64 digest)
{
	struct verify_digest_check *c = ctx;
	u64 want;

	if (!c->dg->ops->get(c->dg, block, &want)) {
		c->unknown += c->dg->block_sectors;
		return;
	}
	if (want == digest)
		return;
	if (!c->f.bad++) {
		c->f.first = block;
		c->f.got = digest;
		c->f.want = want;
	}
}

/*
 * Read the whole blocks of @io again, a page at a time into a private page,
 * and check those: see verify_diff_reread() in dm-verify-compare.c, whose
 * page reserve and rules this shares.  Sleeps: from the bio's work only.
 */
static int verify_digest_reread(struct verify_io *io,
				struct verify_digest_check *c)
{
	struct verify_c *vc = io->vc;
	struct verify_digest *dg = vc->digest;
	u32 bsize = 1U << dg->block_shift;
	struct xxh64_state st;
	struct bio_vec bvec;
	struct page *page;
	u64 block, first, end;
	struct bio bio;
	int r = 0;

	verify_digest_whole(dg, io, &first, &end);
	mutex_lock(&vc->pages.reread_lock);
	page = mempool_alloc(&vc->pages.reread, GFP_NOIO);
	for (block = first; block < end && !r; block++) {
		u32 done, chunk;

		xxh64_reset(&st, 0);
		for (done = 0; done < bsize; done += chunk) {
			u8 *p;

			chunk = min_t(u32, bsize - done, PAGE_SIZE);
			bio_init(&bio, verify_data_bdev(vc), &bvec, 1,
				 REQ_OP_READ | REQ_SYNC);
			bio.bi_iter.bi_sector = vc->data_start +
				(block << (dg->block_shift - SECTOR_SHIFT)) +
				(done >> SECTOR_SHIFT);
			__bio_add_page(&bio, page, chunk, 0);
			r = submit_bio_wait(&bio);
			bio_uninit(&bio);
			if (r)
				break;
			p = kmap_local_page(page);
			xxh64_update(&st, p, chunk);
			kunmap_local(p);
		}
		if (!r)
			verify_digest_check_fn(c, block, xxh64_digest(&st));
	}
	mempool_free(page, &vc->pages.reread);
	mutex_unlock(&vc->pages.reread_lock);
	return r;
}

/*
 * Report the blocks @f of [@start, +@nr) (a read, a partial write's read of
 * a block, or with @scrub a scrub chunk) that do not match their digests:
 * counted, in the mismatch log (both digests as data and ref) and in the
 * kernel log, at the first block's first sector.
 */
void dm_verify_digest_report(struct verify_c *vc, sector_t start,
			     unsigned int nr,
			     const struct verify_digest_found *f, bool scrub)
{
	struct verify_digest *dg = vc->digest;
	sector_t sector = f->first << (dg->block_shift - SECTOR_SHIFT);
	__be64 got_be = cpu_to_be64(f->got), want_be = cpu_to_be64(f->want);
	struct verify_diff d;

	dm_verify_diff_init(&d);
	d.first = (u64)(sector - start) << SECTOR_SHIFT;
	d.bad_sectors = f->bad * dg->block_sectors;
	d.nr_bytes = sizeof(u64);
	memcpy(d.data, &got_be, sizeof(got_be));
	memcpy(d.ref, &want_be, sizeof(want_be));
	dm_verify_record_mismatch(vc, start, nr, &d, scrub);
	DMERR_LIMIT("%s: digest mismatch at sector %llu (block %llu): %016llx, expected %016llx",
		    dm_table_device_name(vc->ti->table),
		    (unsigned long long)sector, f->first, f->got, f->want);
	dm_verify_raise_event(vc);
}

/*
 * Check a read against the digests; same contract as dm_verify_compare():
 * returns false, having changed nothing, when a block differs and only a
 * re-read (which sleeps) can tell whether the device does.
 */
static bool verify_digest_check(struct verify_io *io, bool can_sleep,
				blk_status_t *status)
{
	struct verify_c *vc = io->vc;
	struct verify_digest *dg = vc->digest;
	struct verify_digest_check c = { .dg = dg };
	u64 first, end;
	int r;

	*status = BLK_STS_OK;
	verify_digest_walk(dg, io->bio, io->sector, verify_digest_check_fn, &c);
	if (c.f.bad) {
		if (!can_sleep)
			return false;
		memset(&c, 0, sizeof(c));
		c.dg = dg;
		r = verify_digest_reread(io, &c);
		if (r) {
			DMWARN_LIMIT("%s: re-read of sector %llu+%u failed (%d): not verified",
				     dm_table_device_name(vc->ti->table),
				     (unsigned long long)io->sector,
				     io->nr_sectors, r);
			verify_stat_add(vc, VERIFY_STAT_UNVERIFIED_SECTORS,
					io->nr_sectors);
			*status = dm_verify_unconfirmed_status(vc);
			return true;
		}
		if (!c.f.bad) {
			verify_stat_inc(vc, VERIFY_STAT_REREAD_MATCHES);
			DMINFO_LIMIT("%s: read %llu+%u: buffer changed during read, device matches",
				     dm_table_device_name(vc->ti->table),
				     (unsigned long long)io->sector,
				     io->nr_sectors);
		}
	}
	/* What lies in blocks read in part is not verified either. */
	verify_digest_whole(dg, io, &first, &end);
	verify_stat_add(vc, VERIFY_STAT_UNVERIFIED_SECTORS, c.unknown +
			io->nr_sectors - ((end - first) << (dg->block_shift - SECTOR_SHIFT)));
	if (!c.f.bad)
		return true;

	dm_verify_digest_report(vc, io->sector, io->nr_sectors, &c.f, false);
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

static void verify_digest_read_work(struct work_struct *work)
{
	struct verify_io *io = container_of(work, struct verify_io, work.work);
	blk_status_t status;

	verify_digest_check(io, true, &status);
	dm_verify_finish(io, status);
}

static void verify_digest_write_work(struct work_struct *work)
{
	struct verify_io *io = container_of(work, struct verify_io, work.work);

	verify_digest_written(io);
	dm_verify_finish(io, io->data_status);
}

/*
 * Both legs of @io (which has sectors) are done: check a read, or take a
 * write's digests, before @io is untracked.  @can_inline: small enough to
 * hash in completion context.  Returns true when it took over @io's
 * completion, false when the caller goes on and finishes it.
 */
bool dm_verify_digest_done(struct verify_io *io, bool can_inline)
{
	struct verify_c *vc = io->vc;
	blk_status_t status;

	if (vc->digest->ops->sleeps)
		can_inline = false;
	if (io->op == VERIFY_OP_READ) {
		if (io->data_status) {
			verify_stat_add(vc, VERIFY_STAT_UNVERIFIED_SECTORS,
					io->nr_sectors);
			return false;
		}
		if (can_inline && verify_digest_check(io, false, &status)) {
			dm_verify_finish(io, status);
			return true;
		}
		INIT_WORK(&io->work.work, verify_digest_read_work);
		queue_work(vc->done_wq, &io->work.work);
		return true;
	}
	if (can_inline) {
		verify_digest_written(io);
		return false;
	}
	INIT_WORK(&io->work.work, verify_digest_write_work);
	queue_work(vc->done_wq, &io->work.work);
	return true;
}
