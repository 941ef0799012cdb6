// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify digest mode: scrub without a reference.  The background pass
 * (dm-verify-scrub.c) reads a chunk of the data device and checks every
 * block whose digest is known against it, to find corruption at rest that
 * no read has touched yet.  Unknown blocks are skipped and counted: there
 * is nothing to check them against.
 *
 * Exactness: the chunk starts and ends on block boundaries (the message
 * refuses other ranges, and a chunk is 1 MiB, a multiple of any
 * digest_block) and is tracked as a read.  A write is tracked by the whole
 * blocks it touches and sets their digests (or makes them unknown) before
 * it is untracked (dm-verify-digest.c), so a write touching a block of the
 * chunk either completed, digests included, before the chunk's turn came,
 * or waits until the chunk is untracked: the content read and the digests
 * looked up belong together.  The chunk is read into the pass's own
 * buffer, which nobody else writes, so unlike a read's mismatch there is
 * no need to read it again before reporting.
 *
 * There is no repair: nothing holds the good content.
 */
#include "dm-verify.h"

#include <linux/xxhash.h>

/*
 * Check one tracked chunk @io of the data device, read into @buf; adds the
 * unknown blocks it skipped to @unknown.  Sleeps (a metadata store's
 * lookups may too).  A mismatch is reported as a read's is, marked as
 * found by scrub, and halts the device under on_mismatch halt; error and
 * log only log it, as there is no bio to fail.
 */
int dm_verify_digest_scrub_chunk(struct verify_c *vc, struct verify_io *io,
				 struct dm_io_client *client, void *buf,
				 u64 *unknown)
{
	struct verify_digest *dg = vc->digest;
	u32 bsize = 1U << dg->block_shift;
	u64 block = io->sector >> (dg->block_shift - SECTOR_SHIFT);
	u64 len = (u64)io->nr_sectors << SECTOR_SHIFT;
	struct verify_digest_found f = {};
	u64 off, want, got, skipped = 0;
	int r;

	r = dm_verify_pass_io(client, vc->data_dev, vc->data_start + io->sector,
			      REQ_OP_READ, buf, io->nr_sectors);
	if (r) {
		DMERR_LIMIT("%s: scrub: read of sector %llu+%u failed (%d)",
			    dm_table_device_name(vc->ti->table),
			    (unsigned long long)io->sector, io->nr_sectors, r);
		return r;
	}
	for (off = 0; off + bsize <= len; off += bsize, block++) {
		if (!dg->ops->get(dg, block, &want)) {
			skipped++;
			continue;
		}
		got = xxh64(buf + off, bsize, 0);
		if (got != want && !f.bad++) {
			f.first = block;
			f.got = got;
			f.want = want;
		}
		cond_resched();
	}
	*unknown += skipped;
	/* As a reference-mode scrub counts the undefined ranges it skips. */
	verify_stat_add(vc, VERIFY_STAT_UNVERIFIED_SECTORS,
			skipped * dg->block_sectors);
	if (!f.bad)
		return 0;
	dm_verify_digest_report(vc, io->sector, io->nr_sectors, &f, true);
	if (READ_ONCE(vc->policy) == VERIFY_HALT)
		set_bit(VERIFY_HALTED, &vc->flags);
	return 0;
}
