// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: a device-mapper target that mirrors every bio to a data device
 * (the device under test) and a reference device (a trusted copy), compares
 * what both legs return for each read and reports the first sector where
 * they differ, in the spirit of QEMU's blkverify.  It also reports bios
 * that fail on one leg only (a lost error), and injects faults on a
 * reproducible schedule.
 *
 * It is not dm-verity: nothing here uses hashes or signatures.
 *
 * Exactness rests on three rules, enforced before a bio reaches either leg:
 * a bio that changes content (write, discard, write zeroes) never runs while
 * an overlapping bio runs, a read never runs while an overlapping write runs,
 * and regions whose content is undefined on either leg (a failed write, a
 * discard) are not compared until both legs have written them again.
 */
#include "dm-verify.h"

#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

/*
 * Reads up to this many bytes are compared in their completion context
 * instead of on the workqueue; see the performance notes in the docs.
 */
static unsigned int inline_compare_max = 65536;
module_param(inline_compare_max, uint, 0644);
MODULE_PARM_DESC(inline_compare_max,
		 "Compare reads up to this many bytes in completion context (default 65536, 0: always defer)");

/*
 * Above this many bytes, the reference leg of a read is submitted, and a
 * write is copied and both its legs submitted, from the workqueue: the
 * submitter goes on with its next bio while another CPU copies.
 */
static unsigned int inline_issue_max = 65536;
module_param(inline_issue_max, uint, 0644);
MODULE_PARM_DESC(inline_issue_max,
		 "Copy and submit the reference leg of bios up to this many bytes in the submitter's context (default 65536, 0: always on the workqueue)");

/*
 * Each undefined range costs one 64-byte allocation; beyond this many, the
 * nearest ranges are merged (counted in status) rather than the kernel's
 * memory spent without bound by a workload's discards.
 */
static unsigned long max_unverified_ranges = 1UL << 20;
module_param(max_unverified_ranges, ulong, 0644);
MODULE_PARM_DESC(max_unverified_ranges,
		 "Most undefined ranges one target tracks exactly, read at table load (default 1048576, 64 MiB; 0: no limit)");

static void verify_issue(struct verify_io *io);

static void verify_issue_work(struct work_struct *work)
{
	verify_issue(container_of(work, struct verify_io, work.work));
}

/* @src's ranges into @dst, which is under vc->lock; the caller destroys @src. */
void dm_verify_extents_merge_into(struct verify_c *vc,
				  struct verify_extents *dst,
				  struct verify_extents *src)
{
	const struct verify_range *r = NULL;
	unsigned long flags;

	spin_lock_irqsave(&vc->lock, flags);
	if (!dst->nr) {
		dm_verify_extents_move(dst, src);
	} else {
		while ((r = dm_verify_extents_next(src, r)))
			dm_verify_extents_add(dst, r->e.start, r->e.end);
	}
	/* After a move, @src holds what @dst had. */
	dst->merges += src->merges;
	src->merges = 0;
	spin_unlock_irqrestore(&vc->lock, flags);
}

/*
 * Record what a completed write did to the comparability of its range,
 * and whether the data device may still lose it: a device without a
 * volatile write cache (checked now: it can be switched) keeps every
 * completed write, as it keeps a FUA one.  Then untrack it in the same
 * lock section: one lock round fewer per write, and the bios it held
 * back see its range accounted.
 */
static void verify_account_write(struct verify_c *vc, struct verify_io *io)
{
	sector_t start = io->sector, end = io->sector + io->nr_sectors;
	bool durable = (io->bio->bi_opf & REQ_FUA) ||
		       (!vc->wc.budget && !bdev_write_cache(verify_data_bdev(vc)));
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&vc->lock, flags);
	if (vc->ref_dev) {
		if (io->op == VERIFY_OP_DISCARD || io->data_status ||
		    io->ref_status)
			dm_verify_extents_add(&vc->unverified, start, end);
		else
			dm_verify_extents_remove(&vc->unverified, start, end);
		/* Written on both legs, or undefined now: no longer to sync. */
		dm_verify_extents_remove(&vc->unsynced, start, end);
		if (!io->data_status)
			dm_verify_volatile_written(vc, start, end, durable);
	}
	if (vc->wc.budget)
		dm_verify_wcache_complete(vc, io, &dead);
	dm_verify_untrack_locked(vc, io);
	spin_unlock_irqrestore(&vc->lock, flags);
	dm_verify_wcache_free(&dead);
}

/*
 * Digest mode: the whole blocks a write wrote now have the digest of what
 * it wrote, as a sync would have taken, and so have the blocks it wrote
 * in part whose rest was read and checked: they leave the unsynced set.
 * A sync that digested them again would take whatever the data device
 * holds by then, a write it lost included; a stopped sync would count
 * them as unsynced for good.  What it did to the undefined ranges is
 * done: verify_digest_account_undefined().
 */
static void verify_account_digest_write(struct verify_c *vc,
					struct verify_io *io)
{
	sector_t bs = vc->digest->block_sectors;
	sector_t start = round_up(io->sector, bs);
	sector_t end = round_down(io->sector + io->nr_sectors, bs);
	bool undefined = io->op == VERIFY_OP_DISCARD || io->data_status;
	unsigned long flags;

	if (undefined || !READ_ONCE(vc->unsynced.nr))
		return;
	dm_verify_digest_rmw_span(io, &start, &end);
	if (start >= end)
		return;
	spin_lock_irqsave(&vc->lock, flags);
	dm_verify_extents_remove(&vc->unsynced, start, end);
	spin_unlock_irqrestore(&vc->lock, flags);
}

/* A flush completed: on the data device, unless a rule dropped it. */
static void verify_account_flush(struct verify_c *vc, struct verify_io *io)
{
	unsigned long flags;
	LIST_HEAD(dead);

	if (io->data_status || io->fault.action == VERIFY_ACT_DROP)
		return;
	spin_lock_irqsave(&vc->lock, flags);
	if (vc->ref_dev)
		dm_verify_volatile_flushed(vc, io->flush_gen);
	if (vc->wc.budget)
		dm_verify_wcache_flushed(vc, io->wc_epoch, &dead);
	spin_unlock_irqrestore(&vc->lock, flags);
	dm_verify_wcache_free(&dead);
}

static void verify_endio_io(struct verify_io *io, blk_status_t status)
{
	io->bio->bi_status = status;
	bio_endio(io->bio);
}

/*
 * Was @io in flight at a power cut, even one over by now (power_on)?  Its
 * caller sees EIO: not every bio a crash undoes is tracked (empty flushes,
 * bios held by a delay rule).
 */
static bool verify_crashed_in_flight(struct verify_io *io)
{
	if (test_bit(VERIFY_CRASHED, &io->vc->flags))
		return true;
	smp_rmb(); /* the epoch moves on before power_on clears the bit */
	return READ_ONCE(io->vc->crash_epoch) != io->crash_epoch;
}

/* A delayed bio's time is up, or a suspend released it; off vc->delayed. */
static void verify_delayed_complete(struct verify_io *io)
{
	if (verify_crashed_in_flight(io))
		io->status = BLK_STS_IOERR;
	verify_endio_io(io, io->status);
}

static void verify_delayed_endio(struct work_struct *work)
{
	struct verify_io *io = container_of(to_delayed_work(work),
					    struct verify_io, work);
	unsigned long flags;

	spin_lock_irqsave(&io->vc->lock, flags);
	list_del(&io->list);
	spin_unlock_irqrestore(&io->vc->lock, flags);
	verify_delayed_complete(io);
}

/*
 * Hold @io back as its delay rule says, on @delayed so that a suspend can
 * release it at once (as dm-delay does) instead of waiting the delay out.
 */
static void verify_delay(struct verify_c *vc, struct verify_io *io)
{
	unsigned long flags, delay = msecs_to_jiffies(io->fault.delay_ms);

	INIT_DELAYED_WORK(&io->work, verify_delayed_endio);
	spin_lock_irqsave(&vc->lock, flags);
	if (test_bit(VERIFY_NO_DELAY, &vc->flags))
		delay = 0;
	list_add_tail(&io->list, &vc->delayed);
	queue_delayed_work(vc->done_wq, &io->work, delay);
	spin_unlock_irqrestore(&vc->lock, flags);
}

/* Flip one byte of the caller's payload, @offset bytes into the bio. */
static void verify_corrupt(struct bio *bio, u64 offset, u8 xor)
{
	struct bvec_iter it = bio->bi_iter;
	struct bio_vec bv;
	u8 *p;

	while (it.bi_size) {
		bv = bio_iter_iovec(bio, it);
		if (offset < bv.bv_len) {
			p = bvec_kmap_local(&bv);
			p[offset] ^= xor;
			kunmap_local(p);
			return;
		}
		offset -= bv.bv_len;
		bio_advance_iter_single(bio, &it, bv.bv_len);
	}
}

/* The completion-time part of an injected fault. */
static blk_status_t verify_apply_fault(struct verify_io *io,
				       blk_status_t status)
{
	switch (io->fault.action) {
	case VERIFY_ACT_ERROR_AFTER:
		return errno_to_blk_status(-io->fault.err);
	case VERIFY_ACT_CORRUPT:
		if (!status)
			verify_corrupt(io->bio, io->fault.corrupt_offset,
				       io->fault.corrupt_xor);
		return status;
	default:
		return status;
	}
}

static void verify_finish(struct verify_io *io, blk_status_t status)
{
	struct verify_c *vc = io->vc;
	bool account = (vc->ref_dev || vc->wc.budget) && io->is_write &&
		       io->nr_sectors;

	if (!account && vc->digest && io->is_write && io->nr_sectors)
		verify_account_digest_write(vc, io);
	else if ((vc->ref_dev || vc->wc.budget) && io->op == VERIFY_OP_FLUSH)
		verify_account_flush(vc, io);
	dm_verify_free_legs(io);
	dm_verify_digest_intent_end(vc, io);
	if (account)
		verify_account_write(vc, io);
	else
		dm_verify_untrack(vc, io);
	status = verify_apply_fault(io, status);
	/* In flight at a power cut: whatever the legs did, the caller sees EIO. */
	if (unlikely(verify_crashed_in_flight(io)))
		status = BLK_STS_IOERR;
	if (io->fault.action == VERIFY_ACT_DELAY) {
		io->status = status;
		verify_delay(vc, io);
		return;
	}
	verify_endio_io(io, status);
}

/* For the completions that dm-verify-digest.c takes over. */
void dm_verify_finish(struct verify_io *io, blk_status_t status)
{
	verify_finish(io, status);
}

static void verify_read_work(struct work_struct *work)
{
	struct verify_io *io = container_of(work, struct verify_io, work.work);
	blk_status_t status;

	dm_verify_compare(io, true, &status);
	verify_finish(io, status);
}

/*
 * A leg that cannot discard or write zeroes at all says so with
 * BLK_STS_NOTSUPP: a loop device over a file system without the fallocate
 * mode (tmpfs has no FALLOC_FL_ZERO_RANGE) advertises both before it
 * knows.  A SCSI disk that rejects WRITE SAME or UNMAP turns it off and
 * fails the bio with BLK_STS_TARGET, which dm core takes the same way for
 * these two operations.
 */
static bool verify_sts_unsupported(blk_status_t status)
{
	return status == BLK_STS_NOTSUPP || status == BLK_STS_TARGET;
}

/*
 * A leg that could not is no lost error while the other leg did it or
 * could not either; the range is left undefined, as for any failure on
 * one leg.
 */
static bool verify_leg_unsupported(const struct verify_io *io)
{
	if (io->op != VERIFY_OP_DISCARD && io->op != VERIFY_OP_WRITE_ZEROES)
		return false;
	return (verify_sts_unsupported(io->data_status) &&
		(!io->ref_status || verify_sts_unsupported(io->ref_status))) ||
	       (verify_sts_unsupported(io->ref_status) && !io->data_status);
}

/* Both legs are done; runs in completion context, so it must not sleep. */
static void verify_legs_done(struct verify_io *io)
{
	struct verify_c *vc = io->vc;
	bool both = io->ref_bio && io->data_bio;
	u64 bytes = (u64)io->nr_sectors << SECTOR_SHIFT;
	blk_status_t status;
	bool can_inline;

	/* A write to part of a block hashes the whole of its edge blocks. */
	if (io->rmw)
		bytes += 2ULL << vc->digest->block_shift;
	can_inline = bytes <= READ_ONCE(inline_compare_max) ||
		     (in_task() && (current_work() == &io->work.work ||
				    current_work() == &io->ref_work));

	/*
	 * Readahead may fail on one leg without a lost error: dm fails it
	 * at once while a dm leg is suspended (lvextend, snapshots).  Such a
	 * read is only unverified (counted below).
	 */
	if (both && io->data_status != io->ref_status &&
	    !(io->op == VERIFY_OP_READ && (io->bio->bi_opf & REQ_RAHEAD)) &&
	    !verify_leg_unsupported(io)) {
		dm_verify_log_status_mismatch(io);
		if (READ_ONCE(vc->policy) == VERIFY_HALT)
			set_bit(VERIFY_HALTED, &vc->flags);
		dm_verify_raise_event(vc);
	}

	if (vc->digest && io->nr_sectors && dm_verify_digest_done(io, can_inline))
		return;
	if (io->op == VERIFY_OP_READ && io->ref_bio) {
		if (both && !io->data_status && !io->ref_status) {
			/*
			 * Already on this bio's work item: no second hop, but
			 * no sleep either, as we may be below a submission.
			 */
			if (can_inline && dm_verify_compare(io, false, &status)) {
				verify_finish(io, status);
				return;
			}
			INIT_WORK(&io->work.work, verify_read_work);
			queue_work(vc->done_wq, &io->work.work);
			return;
		}
		verify_stat_add(vc, VERIFY_STAT_UNVERIFIED_SECTORS,
				io->nr_sectors);
	}
	/*
	 * Zeroes written on the data leg only: fail it as unsupported, so
	 * that blkdev_issue_zeroout() writes zero pages through both legs,
	 * which makes the range comparable again.
	 */
	status = io->data_status;
	if (io->op == VERIFY_OP_WRITE_ZEROES && !status &&
	    verify_sts_unsupported(io->ref_status))
		status = BLK_STS_NOTSUPP;
	verify_finish(io, status);
}

static void verify_leg_endio(struct bio *bio)
{
	struct verify_io *io = bio->bi_private;

	if (bio == io->ref_bio) {
		io->ref_status = bio->bi_status;
	} else {
		io->data_status = bio->bi_status;
		if (bio == io->bio) {
			dm_verify_data_leg_done(io);
		} else if (bio == io->copy_bio) {
			/*
			 * As submitted: below, dm trims a bio that crosses
			 * a target boundary, and a request ends at 0 bytes.
			 */
			bio->bi_iter = io->saved_iter;
		}
	}
	if (atomic_dec_and_test(&io->pending))
		verify_legs_done(io);
}

static void verify_ref_work(struct work_struct *work)
{
	struct verify_io *io = container_of(work, struct verify_io, ref_work);

	submit_bio_noacct(io->ref_bio);
}

/* Is @io large enough that its copy or reference read runs beside the submitter? */
static bool verify_offload(struct verify_c *vc, struct verify_io *io)
{
	return (vc->ref_dev || vc->digest) && bio_has_data(io->bio) &&
	       io->bio->bi_iter.bi_size > READ_ONCE(inline_issue_max);
}

static bool verify_stopped(struct verify_c *vc)
{
	return unlikely(test_bit(VERIFY_HALTED, &vc->flags) ||
			test_bit(VERIFY_CRASHED, &vc->flags));
}

/*
 * Halted or crashed since @io was mapped.  Its epoch too: mapped before a
 * power cut but tracked only after the crash had drained, after a
 * power_on it must not reach the legs either.
 */
static bool verify_unissuable(struct verify_io *io)
{
	return verify_stopped(io->vc) || verify_crashed_in_flight(io);
}

/* Halted or crashed while waiting its turn: no legs were allocated. */
static void verify_fail_unissued(struct verify_io *io)
{
	dm_verify_digest_intent_end(io->vc, io);
	dm_verify_untrack(io->vc, io);
	verify_endio_io(io, BLK_STS_IOERR);
}

/* Does @io change content under an emulated write cache, which copies it first? */
static bool verify_wc_write(struct verify_c *vc, struct verify_io *io)
{
	return vc->wc.budget && io->is_write && io->nr_sectors;
}

/* Allocate and submit @io's legs; a write cache's copy is taken already. */
static void verify_issue_legs(struct verify_io *io)
{
	struct verify_c *vc = io->vc;
	struct bio *legs[2];
	bool offload_ref;
	int i;

	dm_verify_alloc_legs(vc, io);
	legs[0] = io->ref_bio;
	legs[1] = io->data_bio;
	/*
	 * A large bio's legs go to two CPUs: the reference leg from a work
	 * item of its own, beside the data leg (a write's copy is taken).
	 * That item goes to done_wq, not issue_wq: this bio already holds
	 * pool elements, and every issue_wq slot may be taken by bios
	 * waiting for them, which only this leg's completion gives back.
	 */
	offload_ref = legs[0] && legs[1] && verify_offload(vc, io);

	/* One extra count keeps @io ours until every leg is submitted. */
	atomic_set(&io->pending, !!legs[0] + !!legs[1] + 1);
	for (i = 0; i < 2; i++) {
		if (!legs[i])
			continue;
		legs[i]->bi_private = io;
		legs[i]->bi_end_io = verify_leg_endio;
		if (i == 0 && offload_ref) {
			INIT_WORK(&io->ref_work, verify_ref_work);
			queue_work(vc->done_wq, &io->ref_work);
			continue;
		}
		submit_bio_noacct(legs[i]);
	}
	if (atomic_dec_and_test(&io->pending))
		verify_legs_done(io);
}

/*
 * A write-cache write read what it overwrites, which takes as long as the
 * reference takes: a halt meanwhile keeps it off both devices, as it does a
 * write mapped after it.  Returns true if @io was failed so.
 */
static bool verify_halted_unissued(struct verify_io *io)
{
	if (!test_bit(VERIFY_HALTED, &io->vc->flags))
		return false;
	dm_verify_wcache_abandon(io->vc, io);
	verify_fail_unissued(io);
	return true;
}

static void verify_issue(struct verify_io *io)
{
	struct verify_c *vc = io->vc;
	LIST_HEAD(one);

	if (verify_unissuable(io)) {
		verify_fail_unissued(io);
		return;
	}
	/* Digest mode: the regions it writes are set on the metadata device. */
	if (!io->intent_ready && dm_verify_digest_intent_wait(vc, io)) {
		verify_fail_unissued(io);
		return;
	}
	/* A block it covers in part found corrupt fails it, as policy says. */
	if (dm_verify_digest_rmw_wanted(vc, io) &&
	    dm_verify_digest_rmw_prepare(vc, io)) {
		verify_fail_unissued(io);
		return;
	}
	/*
	 * Those waits take a metadata write or a read: a halt meanwhile
	 * keeps this write off both devices, as it does a write mapped
	 * after it.  (A crash drains tracked bios, this one too.)
	 */
	if (test_bit(VERIFY_HALTED, &vc->flags)) {
		dm_verify_digest_rmw_free(io);
		verify_fail_unissued(io);
		return;
	}
	if (verify_wc_write(vc, io)) {
		list_add(&io->list, &one);
		dm_verify_wcache_prepare(vc, &one);
		list_del(&io->list);
		/* So may the read of its undo copy. */
		if (verify_halted_unissued(io))
			return;
	}
	verify_issue_legs(io);
}

/*
 * The writes queued on wc_batch since the last run: their copies are read
 * together (dm_verify_wcache_prepare()), then their legs issued.
 */
static void verify_wc_batch_work(struct work_struct *work)
{
	struct verify_c *vc = container_of(work, struct verify_c, wc_batch_work);
	struct verify_io *io, *tmp;
	struct blk_plug plug;
	unsigned long flags;
	LIST_HEAD(ios);

	spin_lock_irqsave(&vc->wc_batch_lock, flags);
	list_splice_init(&vc->wc_batch, &ios);
	spin_unlock_irqrestore(&vc->wc_batch_lock, flags);

	/* Bio by bio: epochs differ. */
	list_for_each_entry_safe(io, tmp, &ios, list) {
		if (verify_unissuable(io)) {
			list_del(&io->list);
			verify_fail_unissued(io);
		}
	}
	if (list_empty(&ios))
		return;
	dm_verify_wcache_prepare(vc, &ios);
	blk_start_plug(&plug);
	/* Off the list first: a completion may reuse io->list, or free @io. */
	list_for_each_entry_safe(io, tmp, &ios, list) {
		list_del(&io->list);
		if (!verify_halted_unissued(io))
			verify_issue_legs(io);
	}
	blk_finish_plug(&plug);
}

/* Queue a small write-cache write for the next batch; any context. */
static void verify_wc_batch_add(struct verify_c *vc, struct verify_io *io)
{
	unsigned long flags;

	spin_lock_irqsave(&vc->wc_batch_lock, flags);
	list_add_tail(&io->list, &vc->wc_batch);
	spin_unlock_irqrestore(&vc->wc_batch_lock, flags);
	/* A run pending already takes @io: it splices the list when it starts. */
	queue_work(vc->issue_wq, &vc->wc_batch_work);
}

static unsigned int verify_op_class(struct bio *bio)
{
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		return VERIFY_OP_READ;
	case REQ_OP_WRITE:
		return bio_sectors(bio) ? VERIFY_OP_WRITE : VERIFY_OP_FLUSH;
	case REQ_OP_DISCARD:
		return VERIFY_OP_DISCARD;
	case REQ_OP_WRITE_ZEROES:
		return VERIFY_OP_WRITE_ZEROES;
	default:
		return 0;
	}
}

static void verify_count(struct verify_c *vc, unsigned int op)
{
	switch (op) {
	case VERIFY_OP_READ:
		verify_stat_inc(vc, VERIFY_STAT_READS);
		break;
	case VERIFY_OP_FLUSH:
		verify_stat_inc(vc, VERIFY_STAT_FLUSHES);
		break;
	case VERIFY_OP_DISCARD:
		verify_stat_inc(vc, VERIFY_STAT_DISCARDS);
		break;
	default:
		verify_stat_inc(vc, VERIFY_STAT_WRITES);
		break;
	}
}

static unsigned int verify_bio_flags(struct bio *bio)
{
	unsigned int flags = 0;

	if (bio->bi_opf & REQ_FUA)
		flags |= VERIFY_FLAG_FUA;
	if (bio->bi_opf & REQ_PREFLUSH)
		flags |= VERIFY_FLAG_PREFLUSH;
	if (bio->bi_opf & REQ_META)
		flags |= VERIFY_FLAG_META;
	if (bio->bi_opf & REQ_SYNC)
		flags |= VERIFY_FLAG_SYNC;
	return flags;
}

/* Ask the rules about @io, in arrival order. */
static void verify_decide(struct verify_c *vc, struct verify_io *io)
{
	struct verify_fault *f = &io->fault;
	unsigned long flags;

	f->action = VERIFY_ACT_NONE;
	if (!READ_ONCE(vc->faults.nr))
		return;
	spin_lock_irqsave(&vc->fault_lock, flags);
	dm_verify_faults_decide(&vc->faults, io->op, verify_bio_flags(io->bio),
				io->sector, io->nr_sectors,
			     io->bio->bi_iter.bi_size,
			     ktime_to_ms(ktime_get()), f);
	spin_unlock_irqrestore(&vc->fault_lock, flags);
	if (f->action == VERIFY_ACT_NONE)
		return;
	verify_stat_inc(vc, VERIFY_STAT_FAULTS_INJECTED);
	DMWARN_LIMIT("%s: fault rule %u: %s %s at sector %llu+%u",
		     dm_table_device_name(vc->ti->table), f->rule_id,
		     dm_verify_action_name(f->action), dm_verify_op_name(io->op),
		     (unsigned long long)io->sector, io->nr_sectors);
}

/*
 * Returns false if a power cut began since map tested for one: the crash
 * may have taken the write cache's epoch without this flush, and undone
 * the writes it covers, so the flush must fail now rather than reach the
 * device (a crash counts a flush in flight as done: dm_verify_crash()).
 */
static bool verify_flush_issue(struct verify_c *vc, struct verify_io *io)
{
	gfp_t gfp = (io->bio->bi_opf & REQ_NOWAIT) ? GFP_NOWAIT : GFP_NOIO;
	unsigned long flags;
	bool issued = true;

	/*
	 * REQ_NOWAIT: no sleep for the generation, and no EAGAIN either, as
	 * dm drops a flush's error and writes a PREFLUSH write's data anyway.
	 */
	if (vc->ref_dev)
		io->flush_gen = dm_verify_volatile_flush_issue(vc, gfp);
	if (vc->wc.budget) {
		spin_lock_irqsave(&vc->lock, flags);
		/* The crash moves its epoch on before it takes this lock. */
		if (verify_crashed_in_flight(io))
			issued = false;
		else
			io->wc_epoch = dm_verify_wcache_flush_issue(vc);
		spin_unlock_irqrestore(&vc->lock, flags);
	}
	return issued;
}

static int verify_map(struct dm_target *ti, struct bio *bio)
{
	struct verify_c *vc = ti->private;
	struct verify_per_bio *pb = dm_per_bio_data(bio, sizeof(*pb));
	struct verify_io *io = &pb->io;

	/*
	 * The epoch before the test, as a crash sets the bit, then moves the
	 * epoch on: a bio that saw the new epoch sees the bit too.
	 */
	io->crash_epoch = READ_ONCE(vc->crash_epoch);
	smp_rmb(); /* pairs with test_and_set_bit() in dm_verify_crash_begin() */
	if (unlikely(test_bit(VERIFY_HALTED, &vc->flags) ||
		     test_bit(VERIFY_CRASHED, &vc->flags)))
		return DM_MAPIO_KILL;

	/*
	 * At most 1 MiB with a payload, cut at every MiB of the target.  Not
	 * with dm_set_target_max_io_len(): dm would then also cut at the
	 * queue's max_sectors, stacked from the legs (127 KiB for brd), and a
	 * 1 MiB read would pay this target's per-bio costs nine times.  The
	 * legs split what they cannot take, as they do for dm-linear.
	 */
	if (bio_has_data(bio)) {
		sector_t left = VERIFY_MAX_IO_SECTORS -
			(dm_target_offset(ti, bio->bi_iter.bi_sector) &
			 (VERIFY_MAX_IO_SECTORS - 1));

		if (bio_sectors(bio) > left)
			dm_accept_partial_bio(bio, left);
	}
	io->op = verify_op_class(bio);
	if (!io->op) {
		DMERR_LIMIT("%s: unsupported operation %u at sector %llu: failed",
			    dm_table_device_name(ti->table), bio_op(bio),
			    (unsigned long long)bio->bi_iter.bi_sector);
		return DM_MAPIO_KILL;
	}
	verify_count(vc, io->op);

	io->vc = vc;
	io->bio = bio;
	io->nr_sectors = bio_sectors(bio);
	/* An empty flush carries sector 0, before a target not at 0 begins. */
	io->sector = io->nr_sectors ?
		     dm_target_offset(ti, bio->bi_iter.bi_sector) : 0;
	verify_decide(vc, io);

	if (io->fault.action == VERIFY_ACT_ERROR) {
		bio->bi_status = errno_to_blk_status(-io->fault.err);
		bio_endio(bio);
		return DM_MAPIO_SUBMITTED;
	}
	if (io->fault.action == VERIFY_ACT_CRASH) {
		dm_verify_crash_by_rule(vc, io);
		return DM_MAPIO_KILL;
	}
	/*
	 * A REQ_NOWAIT bio remapped as it is may come back with EAGAIN, and
	 * again through map (dm requeues a polled one, io_uring resubmits):
	 * the rules would count and draw for it twice.  Where rules exist,
	 * it goes through the workqueue, whose leg does not carry the flag.
	 */
	if (!vc->ref_dev && !vc->wc.budget && !vc->digest &&
	    io->fault.action == VERIFY_ACT_NONE &&
	    (!(bio->bi_opf & REQ_NOWAIT) || !READ_ONCE(vc->faults.nr))) {
		bio_set_dev(bio, verify_data_bdev(vc));
		bio->bi_iter.bi_sector = vc->data_start + io->sector;
		return DM_MAPIO_REMAPPED;
	}
	/* Before it reaches a leg: only writes done by now are its to keep. */
	if (io->op == VERIFY_OP_FLUSH && !verify_flush_issue(vc, io))
		return DM_MAPIO_KILL;

	io->is_write = op_is_write(bio_op(bio));
	io->data_status = BLK_STS_OK;
	io->ref_status = BLK_STS_OK;
	io->tracked = false;
	io->waiting = false;
	io->ref_bio = NULL;
	io->data_bio = NULL;
	io->copy_bio = NULL;
	io->undo = NULL;
	io->rmw = NULL;
	io->intent = false;
	io->intent_ready = true;
	/* Digest mode: a write's regions are set on the metadata device first. */
	if (vc->digest && io->is_write && io->nr_sectors)
		io->intent_ready = dm_verify_digest_intent_begin(vc, io);

	/*
	 * Every bio is tracked before its legs are allocated, so a bio that
	 * waits for an overlapping one holds no pool element.  A large write
	 * is copied, then issued, on the workqueue; so is a REQ_NOWAIT bio,
	 * as allocating legs may sleep.
	 */
	if ((vc->ref_dev || vc->wc.budget || vc->digest) && io->nr_sectors &&
	    !dm_verify_track(vc, io, verify_issue_work))
		return DM_MAPIO_SUBMITTED;
	/*
	 * The write cache reads what a write overwrites, and digest mode the
	 * blocks a write covers in part: that sleeps.  Small
	 * writes go to the batch, as a wakeup each would cost more than their
	 * copy; a large one keeps its own work item, so that several copy on
	 * different CPUs at once.
	 */
	if (verify_wc_write(vc, io) &&
	    io->bio->bi_iter.bi_size <= READ_ONCE(inline_issue_max)) {
		verify_wc_batch_add(vc, io);
		return DM_MAPIO_SUBMITTED;
	}
	if ((bio->bi_opf & REQ_NOWAIT) || !io->intent_ready ||
	    (io->is_write && (verify_offload(vc, io) ||
			      verify_wc_write(vc, io) ||
			      dm_verify_digest_rmw_wanted(vc, io)))) {
		INIT_WORK(&io->work.work, verify_issue_work);
		queue_work(vc->issue_wq, &io->work.work);
		return DM_MAPIO_SUBMITTED;
	}
	verify_issue(io);
	return DM_MAPIO_SUBMITTED;
}

/*
 * Every live verify target.  A table reload builds a new target before the
 * old one is destroyed; the new one takes over the old one's state at its
 * first resume, when the old one is suspended and idle.
 */
static LIST_HEAD(verify_instances);
/* Every verify target with a metadata device, from its constructor on. */
static LIST_HEAD(verify_claims);
static DEFINE_MUTEX(verify_instances_lock);

/* Does @vc hold state a table replacing it must take over? */
static bool verify_has_state(struct verify_c *vc)
{
	return vc->resumed || vc->holds_state;
}

/*
 * The same legs at the same offsets; or, with the same reference and
 * length, another data device (the device under test came back under a
 * new node after a restart).
 */
static bool verify_same_mapping(struct verify_c *a, struct verify_c *b)
{
	return dm_table_get_md(a->ti->table) == dm_table_get_md(b->ti->table) &&
	       a->ti->begin == b->ti->begin &&
	       (a->data_dev->bdev == b->data_dev->bdev ||
		(a->ref_dev && a->ti->len == b->ti->len)) &&
	       a->data_start == b->data_start &&
	       !a->ref_dev == !b->ref_dev &&
	       (!a->ref_dev || (a->ref_dev->bdev == b->ref_dev->bdev &&
				a->ref_start == b->ref_start));
}

/*
 * Take over what the table we replace knew: above all which regions are
 * not comparable, or a reload after a failed write would turn into a false
 * mismatch.  Counters, the mismatch log and the halted state carry over
 * too, so a reload is not a silent reset.  The length may change (both legs
 * grown or shrunk): the ranges are clipped to the new one, and what a grow
 * adds is unverified until written, as nothing made both legs equal there
 * (lvextend hands out whatever the new extents held).  Volatile writes
 * carry over, except to another data device: that one cannot be assumed
 * to hold the old one's cache, so they become unverified, as after
 * data_crashed.  The old table must be suspended, so that nothing changes
 * its state as we copy it.  Called with verify_instances_lock held.
 */
static void verify_hand_over(struct verify_c *vc, struct verify_c *old)
{
	sector_t lost = 0;
	unsigned long flags;
	LIST_HEAD(dead);
	int meta_err;

	lockdep_assert_held(&verify_instances_lock);
	/*
	 * A failed resume (of another target of its table) may have
	 * left @old's write-intent pass running while suspended: it
	 * would write the metadata device we take over.
	 */
	dm_verify_digest_stop_passes(old);
	/*
	 * A metadata device of @old's that we do not use is marked
	 * stale, with @old's ranges: before they move to us, or it
	 * would keep none, and a table created on it later would
	 * compare what was undefined.
	 */
	meta_err = dm_verify_state_meta_abandon(vc, old);
	spin_lock_irqsave(&old->lock, flags);
	/*
	 * We are live already: a status or an "unverified" message may
	 * be reading our sets.  The only place two locks nest, old
	 * table's first.
	 */
	spin_lock_nested(&vc->lock, SINGLE_DEPTH_NESTING);
	if (vc->ref_dev && old->data_dev->bdev != vc->data_dev->bdev)
		lost = dm_verify_volatile_lose(old, true);
	dm_verify_extents_remove(&old->unverified, vc->ti->len, (sector_t)-1);
	dm_verify_extents_move(&vc->unverified, &old->unverified);
	dm_verify_extents_remove(&old->unsynced, vc->ti->len, (sector_t)-1);
	dm_verify_extents_move(&vc->unsynced, &old->unsynced);
	/* Another data device: the "sync" feature copies all of it. */
	if (vc->sync_at_resume && old->data_dev->bdev != vc->data_dev->bdev)
		dm_verify_extents_add(&vc->unsynced, 0, vc->ti->len);
	/*
	 * What a grow adds was never written through us on both
	 * legs.  Digest mode has no second leg: its new blocks are
	 * only unknown, and a sync may digest them.
	 */
	if (vc->ref_dev && vc->ti->len > old->ti->len)
		dm_verify_extents_add(&vc->unverified, old->ti->len,
				      vc->ti->len);
	if (vc->ref_dev)
		dm_verify_volatile_take_over(vc, old);
	dm_verify_wcache_take_over(vc, old, &dead);
	memcpy(vc->log, old->log, sizeof(vc->log));
	vc->log_seq = old->log_seq;
	/* Set by message only: a reload's table line cannot carry it. */
	WRITE_ONCE(vc->scrub_rate, READ_ONCE(old->scrub_rate));
	spin_unlock(&vc->lock);
	spin_unlock_irqrestore(&old->lock, flags);
	dm_verify_wcache_free(&dead);
	/*
	 * One step per known block, up to hundreds of millions: not
	 * with interrupts off.  @old is suspended, so they hold still.
	 */
	dm_verify_digest_take_over(vc, old);
	dm_verify_stats_take_over(vc, old);
	if (test_bit(VERIFY_HALTED, &old->flags))
		set_bit(VERIFY_HALTED, &vc->flags);
	if (test_bit(VERIFY_EVENT_SENT, &old->flags))
		set_bit(VERIFY_EVENT_SENT, &vc->flags);
	if (test_bit(VERIFY_DATA_CRASHED, &old->flags) || lost)
		set_bit(VERIFY_DATA_CRASHED, &vc->flags);
	if (test_bit(VERIFY_CRASHED, &old->flags))
		set_bit(VERIFY_CRASHED, &vc->flags);
	if (old->data_dev->bdev != vc->data_dev->bdev)
		DMINFO("%s: data device %s replaces %s: %llu volatile sectors unverified",
		       dm_table_device_name(vc->ti->table),
		       vc->data_dev->name, old->data_dev->name,
		       (unsigned long long)lost);
	/*
	 * Writes from here on are ours: a metadata device of @old's
	 * that we do not use is marked stale.  Under the lock, as
	 * @old's destructor takes it before anything else, and
	 * marked taken, so that it does not mark it again.
	 */
	if (dm_verify_digest_abandon(vc, old) || meta_err)
		verify_stat_inc(vc, VERIFY_STAT_METADATA_ERRORS);
	set_bit(VERIFY_TAKEN_OVER, &old->flags);
	vc->holds_state = true;
}

/* Take over a suspended table's state at our first resume, if there is one. */
static void verify_take_over(struct verify_c *vc)
{
	struct verify_c *old;

	mutex_lock(&verify_instances_lock);
	list_for_each_entry(old, &verify_instances, instance) {
		if (old == vc || !verify_has_state(old) ||
		    !verify_same_mapping(vc, old) || !dm_suspended(old->ti))
			continue;
		verify_hand_over(vc, old);
		break;
	}
	mutex_unlock(&verify_instances_lock);
}

/* The metadata device @vc keeps its digests or its state on, or NULL. */
static struct block_device *verify_meta_bdev(struct verify_c *vc)
{
	return dm_verify_digest_meta_bdev(vc) ?: dm_verify_state_meta_bdev(vc);
}

/*
 * The resume that swapped in the table replacing @vc's failed before our
 * successor in it took us over: dm stops at the first target whose
 * preresume fails, and destroys the old table all the same.  Hand our
 * state to that successor now, or the next resume would compare what we
 * knew was undefined.  The device is still suspended, so the successor
 * serves no I/O, just as at the start of its preresume.  The successor is
 * in the oldest of our device's other tables (the list is in construction
 * order): the live one, or, if that has no verify target, the inactive
 * one.  That one is right too: the live one cannot serve I/O before it,
 * as a resume swaps the inactive table in first; only a "clear" lets the
 * live one resume, and it destroys the inactive one, whose destructor
 * then abandons the state as ours would have.
 */
static bool verify_hand_on(struct verify_c *vc)
{
	struct mapped_device *md = dm_table_get_md(vc->ti->table);
	struct dm_table *live = NULL;
	struct verify_c *next, *found = NULL;

	if (!dm_suspended(vc->ti))
		return false;
	list_for_each_entry(next, &verify_instances, instance) {
		if (next->ti->table == vc->ti->table ||
		    dm_table_get_md(next->ti->table) != md)
			continue;
		if (!live)
			live = next->ti->table;
		if (next->ti->table == live && !verify_has_state(next) &&
		    verify_same_mapping(next, vc)) {
			found = next;
			break;
		}
	}
	if (!found)
		return false;
	DMINFO("%s: the resume failed before the reload took the state over: handed over now",
	       dm_table_device_name(vc->ti->table));
	verify_hand_over(found, vc);
	return true;
}

/*
 * @vc's table is destroyed while its device lives on, with no verify
 * table having taken its state over: dm swapped in a table that writes
 * the data device without keeping our digests or state (dm-linear, or a
 * verify table with another mapping: one with the same mapping takes us
 * over at its resume, even with nothing of its own), and destroys ours
 * once that one is live.  Our metadata device, saved
 * cleanly at our suspend, would be trusted stale by a table created on it
 * later: mark it so.  A removal is told apart by the device being freed
 * (dm_hold() fails: __dm_destroy() marks it before it destroys the live
 * table), and a table that neither resumed nor took over holds nothing.
 * A device another live verify table uses is left to it: that one loaded
 * it and marked it unclean already.  Called with verify_instances_lock
 * held, @vc off the list.
 */
static void verify_abandon_replaced(struct verify_c *vc)
{
	struct mapped_device *md = dm_table_get_md(vc->ti->table);
	struct block_device *bdev = verify_meta_bdev(vc);
	struct verify_c *other;

	lockdep_assert_held(&verify_instances_lock);
	if (!verify_has_state(vc) || test_bit(VERIFY_TAKEN_OVER, &vc->flags))
		return;
	if (dm_hold(md))
		return;
	dm_put(md);
	if (verify_hand_on(vc) || !bdev)
		return;
	list_for_each_entry(other, &verify_instances, instance)
		if (verify_has_state(other) && verify_meta_bdev(other) == bdev)
			return;
	/* A failure is logged, not counted: our counters go with us. */
	dm_verify_digest_abandon(NULL, vc);
	dm_verify_state_meta_abandon(NULL, vc);
}

/*
 * Claim @bdev as @vc's metadata device, unless another verify target has:
 * one of another mapped device, or another target of @vc's table (their
 * saves would overwrite each other).  The table @vc replaces may have: it
 * hands over.  Claimed in the constructor, before anything is read, and
 * checked in the same lock section, so two tables loaded at once cannot
 * both pass; released by the destructor.
 */
bool dm_verify_meta_claim(struct verify_c *vc, struct block_device *bdev)
{
	struct mapped_device *md = dm_table_get_md(vc->ti->table);
	struct verify_c *other;
	bool taken = false;

	mutex_lock(&verify_instances_lock);
	list_for_each_entry(other, &verify_claims, claim) {
		if (other->meta_claim == bdev &&
		    (dm_table_get_md(other->ti->table) != md ||
		     other->ti->table == vc->ti->table)) {
			taken = true;
			break;
		}
	}
	if (!taken) {
		vc->meta_claim = bdev;
		list_add(&vc->claim, &verify_claims);
	}
	mutex_unlock(&verify_instances_lock);
	return !taken;
}

/*
 * Is @vc a reload of a live table of the same device that keeps its state
 * on @bdev, with the same mapping but maybe another length?  That one
 * will hand the state over at our first resume.  With another mapping
 * nothing is handed over: the metadata must match @vc as it is.
 */
bool dm_verify_reloads_meta(struct verify_c *vc, struct block_device *bdev)
{
	struct mapped_device *md = dm_table_get_md(vc->ti->table);
	struct verify_c *old;
	bool found = false;

	mutex_lock(&verify_instances_lock);
	list_for_each_entry(old, &verify_instances, instance) {
		if (old != vc && verify_has_state(old) &&
		    dm_table_get_md(old->ti->table) == md &&
		    dm_verify_state_meta_bdev(old) == bdev &&
		    verify_same_mapping(vc, old)) {
			found = true;
			break;
		}
	}
	mutex_unlock(&verify_instances_lock);
	return found;
}

static int __verify_preresume(struct verify_c *vc)
{
	int r;

	/*
	 * Every verify table takes over, even one that keeps nothing of its
	 * own: the old table's metadata device is marked stale before our
	 * first write, not after, when the old table is destroyed.
	 */
	if (!verify_has_state(vc))
		verify_take_over(vc);
	r = dm_verify_digest_resume(vc);
	if (r)
		return r;
	/*
	 * State taken over (here, or handed on by a destroyed table,
	 * verify_hand_on()), or loaded by an earlier preresume of ours
	 * whose table's resume failed later, is newer than what the
	 * metadata device holds.
	 */
	r = dm_verify_state_meta_resume(vc, vc->holds_state);
	if (r)
		return r;
	/*
	 * Loaded or taken over, the metadata device marked in use: a table
	 * replacing ours takes it over even if a later target's preresume
	 * fails ours, or it would load that device as unclean, and our
	 * write-intent pass would go on writing it beside the new table.
	 */
	vc->holds_state = true;
	/* Taken over or loaded: ours to change now, see dm_verify_message(). */
	smp_mb__before_atomic();
	set_bit(VERIFY_STATE_READY, &vc->flags);
	return 0;
}

/*
 * The loads allocate: no reclaim may write to this device, suspended
 * until we return, nor to the legs below it (dm core sets no noio scope
 * around a resume).
 */
static int verify_preresume(struct dm_target *ti)
{
	unsigned int noio = memalloc_noio_save();
	int r;

	r = __verify_preresume(ti->private);
	memalloc_noio_restore(noio);
	return r;
}

static void verify_resume(struct dm_target *ti)
{
	struct verify_c *vc = ti->private;

	vc->resumed = true;
	clear_bit(VERIFY_NO_DELAY, &vc->flags);
	/* Before the "sync" feature's pass, which would be refused. */
	clear_bit(VERIFY_SUSPENDING, &vc->flags);
	dm_verify_sync_resume(vc);
}

static void verify_event_work(struct work_struct *work)
{
	struct verify_c *vc = container_of(work, struct verify_c, event_work);

	dm_table_event(vc->ti->table);
}

/* Safe on a half-built context: the constructor's error path uses it. */
static void verify_dtr(struct dm_target *ti)
{
	struct verify_c *vc = ti->private;

	mutex_lock(&verify_instances_lock);
	/* Only a fully built context is on the list. */
	if (!list_empty(&vc->instance)) {
		list_del(&vc->instance);
		verify_abandon_replaced(vc);
	}
	if (!list_empty(&vc->claim))
		list_del(&vc->claim);
	mutex_unlock(&verify_instances_lock);
	flush_work(&vc->crash_work);
	dm_verify_scrub_destroy(vc);
	if (vc->issue_wq)
		destroy_workqueue(vc->issue_wq);
	if (vc->done_wq) {
		cancel_work_sync(&vc->event_work);
		destroy_workqueue(vc->done_wq);
	}
	dm_verify_pages_destroy(vc);
	dm_verify_stats_destroy(vc);
	bioset_exit(&vc->aux_bs);
	bioset_exit(&vc->data_bs);
	bioset_exit(&vc->ref_bs);
	dm_verify_extents_destroy(&vc->unverified);
	dm_verify_extents_destroy(&vc->unsynced);
	dm_verify_volatile_destroy(vc);
	dm_verify_wcache_destroy(vc);
	dm_verify_digest_destroy(vc);
	dm_verify_state_meta_destroy(vc);
	if (vc->ref_dev)
		dm_put_device(ti, vc->ref_dev);
	if (vc->data_dev)
		dm_put_device(ti, vc->data_dev);
	kfree(vc);
}

static int verify_get_leg(struct dm_target *ti, struct dm_arg_set *as,
			  struct dm_dev **dev, sector_t *start, bool optional)
{
	const char *path = dm_shift_arg(as);
	const char *offset = dm_shift_arg(as);
	unsigned long long tmp;
	int r;

	if (kstrtoull(offset, 10, &tmp) || tmp != (sector_t)tmp) {
		ti->error = "Invalid device offset";
		return -EINVAL;
	}
	*start = tmp;

	if (optional && !strcmp(path, "-"))
		return 0;

	r = dm_get_device(ti, path, dm_table_get_mode(ti->table), dev);
	if (r) {
		ti->error = "Device lookup failed";
		return r;
	}
	if (*start > bdev_nr_sectors((*dev)->bdev) ||
	    ti->len > bdev_nr_sectors((*dev)->bdev) - *start) {
		ti->error = "Device too small for target length at offset";
		return -EINVAL;
	}
	return 0;
}

static int verify_parse_features(struct dm_target *ti, struct dm_arg_set *as,
				 struct verify_c *vc)
{
	static const struct dm_arg _args[] = {
		{0, 1024, "Invalid number of feature args"},
	};
	bool have_policy = false;
	unsigned long long seed, mb;
	unsigned int argc;
	const char *name;
	int r;

	if (!as->argc)
		return 0;
	r = dm_read_arg_group(_args, as, &argc, &ti->error);
	if (r)
		return r;

	while (argc) {
		name = dm_shift_arg(as);
		argc--;

		if (!strcasecmp(name, "on_mismatch")) {
			if (have_policy) {
				ti->error = "Feature on_mismatch duplicated";
				return -EINVAL;
			}
			if (!argc) {
				ti->error = "Feature on_mismatch requires a policy";
				return -EINVAL;
			}
			have_policy = true;
			argc--;
			if (dm_verify_parse_policy(dm_shift_arg(as), &vc->policy)) {
				ti->error = "Invalid on_mismatch policy";
				return -EINVAL;
			}
			continue;
		}
		if (!strcasecmp(name, "seed")) {
			if (vc->have_seed) {
				ti->error = "Feature seed duplicated";
				return -EINVAL;
			}
			if (!argc || kstrtoull(dm_shift_arg(as), 10, &seed)) {
				ti->error = "Invalid seed";
				return -EINVAL;
			}
			argc--;
			vc->have_seed = true;
			dm_verify_faults_set_seed(&vc->faults, seed);
			continue;
		}
		if (!strcasecmp(name, "write_cache")) {
			if (vc->wc.budget) {
				ti->error = "Feature write_cache duplicated";
				return -EINVAL;
			}
			if (!argc || kstrtoull(dm_shift_arg(as), 10, &mb) ||
			    !mb || mb > VERIFY_WRITE_CACHE_MAX_MB) {
				ti->error = "Invalid write_cache size (MiB, 1 to 4096)";
				return -EINVAL;
			}
			argc--;
			vc->wc.budget = mb << 20;
			continue;
		}
		if (!strcasecmp(name, "sync")) {
			if (vc->sync_feature) {
				ti->error = "Feature sync duplicated";
				return -EINVAL;
			}
			if (!vc->ref_dev) {
				ti->error = "Feature sync needs a reference device";
				return -EINVAL;
			}
			vc->sync_feature = true;
			vc->sync_at_resume = true;
			continue;
		}
		if (!strcasecmp(name, "metadata")) {
			if (vc->state_meta_path) {
				ti->error = "Feature metadata duplicated";
				return -EINVAL;
			}
			if (!argc) {
				ti->error = "Feature metadata requires a device";
				return -EINVAL;
			}
			argc--;
			/* argv outlives the constructor, where the device is opened. */
			vc->state_meta_path = dm_shift_arg(as);
			continue;
		}
		if (!strcasecmp(name, "digest") ||
		    !strcasecmp(name, "digest_block")) {
			r = dm_verify_digest_parse(ti, vc, name, as, &argc);
			if (r)
				return r;
			continue;
		}
		if (!strcasecmp(name, "fault")) {
			r = dm_verify_parse_fault_feature(ti, as, &argc);
			if (r)
				return r;
			continue;
		}
		ti->error = "Unrecognised verify feature requested";
		return -EINVAL;
	}
	if (as->argc) {
		ti->error = "Too many arguments";
		return -EINVAL;
	}
	return dm_verify_rules_check(vc, &ti->error);
}

/*
 * Construct a verify mapping:
 * <data_dev> <data_offset> <ref_dev> <ref_offset> [<#features> <feature>...]
 *
 * <ref_dev> may be "-" for no reference leg (<ref_offset> is then ignored).
 * Features:
 *   on_mismatch <log|error|reference|halt>
 *   seed <n>
 *   write_cache <MiB>		emulate a volatile write cache of that size
 *   sync			copy the data leg to the reference from the
 *				first resume on; nothing is compared before
 *				the copy has been there
 *   digest <meta_dev|->	no reference: check reads against digests,
 *				kept on <meta_dev> or only in memory
 *   digest_block <bytes>	their block size (default 4096)
 *   metadata <meta_dev>	with a reference: save the undefined and
 *				unsynced ranges and the counters there
 *   fault <#words> <rule words>	(grammar in dm-verify-fault.c)
 */
static int verify_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct dm_arg_set as = { .argc = argc, .argv = argv };
	struct verify_c *vc;
	int r;

	if (argc < 4) {
		ti->error = "Invalid argument count";
		return -EINVAL;
	}

	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc) {
		ti->error = "Cannot allocate context";
		return -ENOMEM;
	}
	ti->private = vc;
	vc->ti = ti;
	vc->policy = VERIFY_LOG;
	spin_lock_init(&vc->lock);
	spin_lock_init(&vc->fault_lock);
	dm_verify_faults_init(&vc->faults, 0);
	dm_verify_inflight_init(vc);
	INIT_LIST_HEAD(&vc->delayed);
	dm_verify_pages_init(vc);
	dm_verify_wcache_init(vc);
	INIT_WORK(&vc->event_work, verify_event_work);
	INIT_WORK(&vc->crash_work, dm_verify_crash_work);
	mutex_init(&vc->crash_lock);
	spin_lock_init(&vc->wc_batch_lock);
	INIT_LIST_HEAD(&vc->wc_batch);
	INIT_WORK(&vc->wc_batch_work, verify_wc_batch_work);
	INIT_LIST_HEAD(&vc->instance);
	INIT_LIST_HEAD(&vc->claim);

	r = verify_get_leg(ti, &as, &vc->data_dev, &vc->data_start, false);
	if (r)
		goto bad;
	r = verify_get_leg(ti, &as, &vc->ref_dev, &vc->ref_start, true);
	if (r)
		goto bad;
	if (vc->ref_dev && vc->ref_dev->bdev == vc->data_dev->bdev &&
	    vc->ref_start < vc->data_start + ti->len &&
	    vc->data_start < vc->ref_start + ti->len) {
		ti->error = "Data and reference ranges overlap";
		r = -EINVAL;
		goto bad;
	}
	r = verify_parse_features(ti, &as, vc);
	/* Nothing to return instead: refused, not taken as a no-op. */
	if (!r && vc->policy == VERIFY_REFERENCE && !vc->ref_dev) {
		ti->error = "on_mismatch reference needs a reference device";
		r = -EINVAL;
	}
	if (!r)
		r = dm_verify_digest_create(ti, vc);
	if (r)
		goto bad;

	r = dm_verify_extents_init(&vc->unverified, READ_ONCE(max_unverified_ranges));
	if (!r)
		r = dm_verify_extents_init(&vc->unsynced, READ_ONCE(max_unverified_ranges));
	if (!r && vc->ref_dev)
		r = dm_verify_volatile_create(vc, READ_ONCE(max_unverified_ranges));
	if (r) {
		ti->error = "Cannot allocate range tracking";
		goto bad;
	}
	if (vc->sync_at_resume) {
		/* Nothing is compared before the pass has copied it. */
		dm_verify_extents_add(&vc->unsynced, 0, ti->len);
		r = dm_verify_pass_alloc(vc);
		if (r) {
			ti->error = "Cannot allocate sync buffers";
			goto bad;
		}
	}
	r = dm_verify_state_meta_create(ti, vc);
	if (r)
		goto bad;

	r = dm_verify_stats_create(vc);
	if (r) {
		ti->error = "Cannot allocate counters";
		goto bad;
	}

	r = bioset_init(&vc->ref_bs, BIO_POOL_SIZE, 0, BIOSET_NEED_BVECS);
	if (!r)
		r = bioset_init(&vc->data_bs, BIO_POOL_SIZE, 0, 0);
	if (!r)
		r = bioset_init(&vc->aux_bs, BIO_POOL_SIZE, 0, BIOSET_NEED_BVECS);
	if (!r)
		r = dm_verify_pages_create(vc);
	if (r) {
		ti->error = "Cannot allocate bio and page pools";
		goto bad;
	}

	vc->issue_wq = alloc_workqueue("kverifyd_io-%s",
				       WQ_MEM_RECLAIM | WQ_UNBOUND | WQ_HIGHPRI, 0,
				       dm_table_device_name(ti->table));
	vc->done_wq = alloc_workqueue("kverifyd-%s",
				      WQ_MEM_RECLAIM | WQ_UNBOUND | WQ_HIGHPRI, 0,
				      dm_table_device_name(ti->table));
	if (!vc->issue_wq || !vc->done_wq) {
		ti->error = "Cannot allocate workqueue";
		r = -ENOMEM;
		goto bad;
	}

	ti->per_io_data_size = sizeof(struct verify_per_bio);
	ti->num_flush_bios = 1;
	ti->num_discard_bios = 1;
	ti->num_write_zeroes_bios = 1;
	/* An emulated cache is volatile whatever the legs: flushes and FUA. */
	ti->flush_supported = !!vc->wc.budget;

	mutex_lock(&verify_instances_lock);
	list_add_tail(&vc->instance, &verify_instances);
	mutex_unlock(&verify_instances_lock);
	return 0;
bad:
	verify_dtr(ti);
	return r;
}

/* Release the bios delay rules hold, as suspend waits for every bio; end a scrub. */
static void verify_presuspend(struct dm_target *ti)
{
	struct verify_c *vc = ti->private;
	struct verify_io *io, *tmp;
	unsigned long flags;
	LIST_HEAD(release);

	spin_lock_irqsave(&vc->lock, flags);
	set_bit(VERIFY_NO_DELAY, &vc->flags);
	/*
	 * dm core sends messages without the suspend lock and marks the
	 * device suspended only once its bios have drained, well after
	 * this: a "scrub" or "sync" arriving in between would find it not
	 * suspended and start a pass after the stop below.  Its chunks go
	 * to the legs by dm_io, which suspend does not wait for, so the
	 * pass would run on while suspended, and beside a reloaded table.
	 * dm_verify_pass_start() tests this under vc->lock: a pass that
	 * started before it is ended by the stop below, none after it.
	 */
	set_bit(VERIFY_SUSPENDING, &vc->flags);
	/*
	 * A bio whose work we cancel is ours to complete.  One whose timer
	 * fired already completes on its own: re-queueing its work, which
	 * may be running, would complete it a second time.
	 */
	list_for_each_entry_safe(io, tmp, &vc->delayed, list)
		if (cancel_delayed_work(&io->work))
			list_move_tail(&io->list, &release);
	spin_unlock_irqrestore(&vc->lock, flags);
	list_for_each_entry_safe(io, tmp, &release, list) {
		list_del(&io->list);
		verify_delayed_complete(io);
	}
	/* A suspended target issues no I/O: the pass ends (resend to go on). */
	dm_verify_scrub_stop(vc);
}

static void verify_presuspend_undo(struct dm_target *ti)
{
	struct verify_c *vc = ti->private;

	clear_bit(VERIFY_NO_DELAY, &vc->flags);
	clear_bit(VERIFY_SUSPENDING, &vc->flags);
}

static void verify_postsuspend(struct dm_target *ti)
{
	struct verify_c *vc = ti->private;

	/*
	 * No pass can have started since presuspend stopped it, but the
	 * saves below must not race one: make sure it has ended.
	 */
	dm_verify_scrub_stop(vc);
	flush_work(&vc->crash_work);
	/* A crash message that began before presuspend ends its undo first. */
	mutex_lock(&vc->crash_lock);
	mutex_unlock(&vc->crash_lock);
	flush_workqueue(vc->issue_wq);
	flush_workqueue(vc->done_wq);
	flush_work(&vc->event_work);
	/* Idle now: a persistent digest store saves what changed. */
	dm_verify_digest_suspend(vc);
	dm_verify_state_meta_suspend(vc);
}

static int verify_iterate_devices(struct dm_target *ti,
				  iterate_devices_callout_fn fn, void *data)
{
	struct verify_c *vc = ti->private;
	int r;

	r = fn(ti, vc->data_dev, vc->data_start, ti->len, data);
	if (!r && vc->ref_dev)
		r = fn(ti, vc->ref_dev, vc->ref_start, ti->len, data);
	return r;
}

static void verify_io_hints(struct dm_target *ti, struct queue_limits *limits)
{
	dm_verify_digest_io_hints(ti->private, limits);
}

static struct target_type verify_target = {
	.name = "verify",
	.version = {1, 4, 0},
	.features = DM_TARGET_NOWAIT,
	.module = THIS_MODULE,
	.ctr = verify_ctr,
	.dtr = verify_dtr,
	.map = verify_map,
	.presuspend = verify_presuspend,
	.presuspend_undo = verify_presuspend_undo,
	.postsuspend = verify_postsuspend,
	.preresume = verify_preresume,
	.resume = verify_resume,
	.status = dm_verify_status,
	.message = dm_verify_message,
	.iterate_devices = verify_iterate_devices,
	.io_hints = verify_io_hints,
};

static int __init dm_verify_init(void)
{
	int r = dm_register_target(&verify_target);

	if (r < 0)
		DMERR("register failed %d", r);
	return r;
}

static void __exit dm_verify_exit(void)
{
	dm_unregister_target(&verify_target);
}

module_init(dm_verify_init);
module_exit(dm_verify_exit);

MODULE_DESCRIPTION(DM_NAME " target that verifies reads against a reference device");
MODULE_LICENSE("GPL");
