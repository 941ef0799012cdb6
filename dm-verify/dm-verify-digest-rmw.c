// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify digest mode: writes that cover a block in part.
 *
 * Such a write leaves the block holding old bytes around new ones, and its
 * digest must cover both.  Before the write is issued (on the workqueue:
 * this sleeps), the target reads each block the write covers in part and
 * whose digest is known, and checks it against that digest; at completion
 * it hashes the old bytes read and the new bytes of the write's private
 * copy, in block order, and sets the block's digest to that.  The bio is
 * tracked from before the read until after the digest is set, so no other
 * bio touching the block runs in between (dm-verify-inflight.c).
 *
 * A block whose old content does not match its digest is reported (the
 * corruption was at rest), and under on_mismatch error or halt the write
 * fails unissued; otherwise the block becomes unknown, as does a block whose
 * digest was unknown, whose read failed, for which memory was short, or
 * whose write failed.  The cost: one read of up to two blocks per such
 * write, and the hop to the workqueue.
 */
#include "dm-verify.h"

#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/xxhash.h>

/* The old content of the (at most two) blocks a write covers in part. */
struct verify_rmw {
	u64 block[2];
	bool valid[2];
	unsigned int nr_pages;		/* per block */
	struct page *pages[];		/* block 0's, then block 1's */
};

/* The blocks @io covers in part: none, one or two, in *@blocks. */
static unsigned int verify_rmw_edges(struct verify_digest *dg,
				     struct verify_io *io, u64 *blocks)
{
	unsigned int shift = dg->block_shift - SECTOR_SHIFT;
	sector_t mask = dg->block_sectors - 1, end = io->sector + io->nr_sectors;
	unsigned int n = 0;

	if (io->sector & mask)
		blocks[n++] = io->sector >> shift;
	if ((end & mask) && (!n || (end - 1) >> shift != blocks[0]))
		blocks[n++] = (end - 1) >> shift;
	return n;
}

/* Would @io read what it overwrites in part?  Any context. */
bool dm_verify_digest_rmw_wanted(struct verify_c *vc, struct verify_io *io)
{
	u64 blocks[2];

	return vc->digest && io->op == VERIFY_OP_WRITE &&
	       verify_rmw_edges(vc->digest, io, blocks);
}

static void verify_rmw_hash_pages(struct xxh64_state *st, struct page **pages,
				  u32 from, u32 len)
{
	while (len) {
		u32 po = offset_in_page(from), n = min_t(u32, len, PAGE_SIZE - po);
		u8 *p = kmap_local_page(pages[from >> PAGE_SHIFT]);

		xxh64_update(st, p + po, n);
		kunmap_local(p);
		from += n;
		len -= n;
	}
}

static void verify_rmw_hash_bio(struct xxh64_state *st, struct bio *bio,
				u32 off, u32 len)
{
	struct bvec_iter it = bio->bi_iter;

	bio_advance_iter(bio, &it, off);
	while (len) {
		struct bio_vec bv = bio_iter_iovec(bio, it);
		u32 n = min_t(u32, len, bv.bv_len);
		u8 *p = bvec_kmap_local(&bv);

		xxh64_update(st, p, n);
		kunmap_local(p);
		bio_advance_iter_single(bio, &it, n);
		len -= n;
	}
}

/* Read block @b of the data device into @pages.  Sleeps. */
static int verify_rmw_read(struct verify_c *vc, u64 b, struct page **pages)
{
	struct verify_digest *dg = vc->digest;
	u32 left = 1U << dg->block_shift, len;
	struct bio *bio;
	unsigned int i;
	int r;

	bio = bio_alloc_bioset(verify_data_bdev(vc), DIV_ROUND_UP(left, PAGE_SIZE),
			       REQ_OP_READ | REQ_SYNC, GFP_NOIO, &vc->aux_bs);
	bio->bi_iter.bi_sector = vc->data_start + (b << (dg->block_shift -
							  SECTOR_SHIFT));
	for (i = 0; left; i++, left -= len) {
		len = min_t(u32, left, PAGE_SIZE);
		__bio_add_page(bio, pages[i], len, 0);
	}
	r = submit_bio_wait(bio);
	bio_put(bio);
	return r;
}

static void verify_rmw_free(struct verify_rmw *rmw)
{
	unsigned int i;

	for (i = 0; i < 2 * rmw->nr_pages; i++)
		if (rmw->pages[i])
			__free_page(rmw->pages[i]);
	kfree(rmw);
}

/*
 * The content of block @b at rest differs from its digest: reported as a
 * read of the block would be.  Returns true when the policy fails the
 * write: under error and halt it is not issued, so the block stays as it
 * was found (what halt preserves) rather than unknown under new bytes.
 */
static bool verify_rmw_report(struct verify_c *vc, u64 b, u64 got, u64 want)
{
	struct verify_digest *dg = vc->digest;
	struct verify_digest_found f = {
		.bad = 1, .first = b, .got = got, .want = want,
	};

	dm_verify_digest_report(vc, b << (dg->block_shift - SECTOR_SHIFT),
				dg->block_sectors, &f, false);
	switch (READ_ONCE(vc->policy)) {
	case VERIFY_HALT:
		set_bit(VERIFY_HALTED, &vc->flags);
		return true;
	case VERIFY_ERROR:
		return true;
	default:
		return false;
	}
}

/*
 * Outside any reserve, on the issue workqueue: when memory is short the
 * block becomes unknown (counted), rather than the worker looping in the
 * allocator while reclaim may wait for this very device.
 */
#define VERIFY_RMW_GFP	(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN)

/*
 * Before @io is issued, on its work item: read and check the blocks it
 * covers in part whose digests are known.  Anything short of that leaves
 * io->rmw without the block: it becomes unknown at completion.  Returns
 * true when a block was found corrupt and the policy fails @io, which
 * must then not be issued.
 */
bool dm_verify_digest_rmw_prepare(struct verify_c *vc, struct verify_io *io)
{
	struct verify_digest *dg = vc->digest;
	u32 bsize = 1U << dg->block_shift;
	unsigned int n, i, j, per = DIV_ROUND_UP(bsize, PAGE_SIZE);
	struct verify_rmw *rmw;
	struct xxh64_state st;
	u64 blocks[2], want, got;
	int r;

	io->rmw = NULL;
	n = verify_rmw_edges(dg, io, blocks);
	if (!n)
		return false;
	rmw = kzalloc(struct_size(rmw, pages, 2 * per), VERIFY_RMW_GFP);
	if (!rmw)
		return false;
	rmw->nr_pages = per;
	for (i = 0; i < n; i++) {
		struct page **pages = rmw->pages + i * per;

		rmw->block[i] = blocks[i];
		if (!dg->ops->get(dg, blocks[i], &want))
			continue;
		for (j = 0; j < per; j++) {
			pages[j] = alloc_page(VERIFY_RMW_GFP);
			if (!pages[j])
				break;
		}
		if (j < per)
			continue;
		r = verify_rmw_read(vc, blocks[i], pages);
		if (r) {
			/* The caller's write goes on: nobody else hears of it. */
			DMWARN_LIMIT("%s: read of sector %llu+%u %s failed (%d): %s",
				     dm_table_device_name(vc->ti->table),
				     (unsigned long long)(blocks[i] <<
				     (dg->block_shift - SECTOR_SHIFT)),
				     dg->block_sectors, "for a partial write", r,
				     "the block is unknown");
			continue;
		}
		xxh64_reset(&st, 0);
		verify_rmw_hash_pages(&st, pages, 0, bsize);
		got = xxh64_digest(&st);
		if (got != want) {
			if (verify_rmw_report(vc, blocks[i], got, want)) {
				verify_rmw_free(rmw);
				return true;
			}
			continue;
		}
		rmw->valid[i] = true;
	}
	io->rmw = rmw;
	return false;
}

/*
 * @io's record, if its checked edge blocks take a new digest: a write that
 * succeeded and kept its private copy.
 */
static struct verify_rmw *verify_rmw_settable(struct verify_io *io)
{
	return io->data_status || !io->copy_bio ? NULL : io->rmw;
}

/*
 * @io, a successful write with its private copy, is done: set the digest
 * of each block it covers in part that was read and checked, and return
 * how many of its (at most two) such blocks were, in @done[].
 */
void dm_verify_digest_rmw_written(struct verify_io *io, u64 *done,
				  unsigned int *nr_done)
{
	struct verify_rmw *rmw = verify_rmw_settable(io);
	struct verify_digest *dg = io->vc->digest;
	u64 w0 = (u64)io->sector << SECTOR_SHIFT;
	u64 w1 = w0 + ((u64)io->nr_sectors << SECTOR_SHIFT);
	u32 bsize = 1U << dg->block_shift;
	struct xxh64_state st;
	unsigned int i;
	u64 b0, m0, m1;

	*nr_done = 0;
	if (!rmw)
		return;
	for (i = 0; i < 2; i++) {
		if (!rmw->valid[i])
			continue;
		b0 = rmw->block[i] << dg->block_shift;
		m0 = max(b0, w0);
		m1 = min(b0 + bsize, w1);
		xxh64_reset(&st, 0);
		verify_rmw_hash_pages(&st, rmw->pages + i * rmw->nr_pages, 0,
				      m0 - b0);
		verify_rmw_hash_bio(&st, io->copy_bio, m0 - w0, m1 - m0);
		verify_rmw_hash_pages(&st, rmw->pages + i * rmw->nr_pages,
				      m1 - b0, b0 + bsize - m1);
		dg->ops->set(dg, rmw->block[i], xxh64_digest(&st));
		done[(*nr_done)++] = rmw->block[i];
	}
}

/*
 * Widen [*@start, *@end), the whole blocks @io wrote, by the blocks it
 * covers in part whose digest dm_verify_digest_rmw_written() sets: they
 * hold what was written too, and a sync must not digest them again.
 */
void dm_verify_digest_rmw_span(struct verify_io *io, sector_t *start,
			       sector_t *end)
{
	struct verify_rmw *rmw = verify_rmw_settable(io);
	sector_t bs = io->vc->digest->block_sectors;
	unsigned int i;

	if (!rmw)
		return;
	for (i = 0; i < 2; i++) {
		if (!rmw->valid[i])
			continue;
		*start = min_t(sector_t, *start, rmw->block[i] * bs);
		*end = max_t(sector_t, *end, (rmw->block[i] + 1) * bs);
	}
}

void dm_verify_digest_rmw_free(struct verify_io *io)
{
	if (io->rmw) {
		verify_rmw_free(io->rmw);
		io->rmw = NULL;
	}
}
