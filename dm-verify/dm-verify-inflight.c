// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the bios in flight, and which of them must wait.
 *
 * A bio that changes content never runs while an overlapping bio runs, and
 * a read never runs while an overlapping write runs; bios wait in arrival
 * order.  Tracked bios sit in an interval tree keyed by their sector range,
 * numbered in arrival order, so a submission looks only at the bios it
 * overlaps, and a completion with nobody waiting looks at nothing.
 *
 * In digest mode a write is tracked by the whole digest blocks it touches:
 * two writes into different sectors of one block both change its digest
 * (dm-verify-digest-rmw.c reads the rest of the block), so they must not
 * run together.
 */
#include "dm-verify.h"

#include <linux/interval_tree_generic.h>

static inline sector_t verify_io_start(const struct verify_io *io)
{
	return io->track_first;
}

static inline sector_t verify_io_last(const struct verify_io *io)
{
	return io->track_last;
}

INTERVAL_TREE_DEFINE(struct verify_io, rb, sector_t, rb_last,
		     verify_io_start, verify_io_last, static, verify_inflight)

void dm_verify_inflight_init(struct verify_c *vc)
{
	vc->inflight = RB_ROOT_CACHED;
	vc->inflight_seq = 0;
	vc->nr_waiting = 0;
}

static bool verify_conflict(const struct verify_io *a, const struct verify_io *b)
{
	return a->is_write || b->is_write;
}

/*
 * Does @io conflict with a bio that arrived before it?  Every bio in the
 * tree did when @io is not in it yet.  Needs vc->lock.
 */
static bool __verify_blocked(struct verify_c *vc, struct verify_io *io)
{
	struct verify_io *other;

	for (other = verify_inflight_iter_first(&vc->inflight,
						verify_io_start(io),
						verify_io_last(io));
	     other;
	     other = verify_inflight_iter_next(other, verify_io_start(io),
					       verify_io_last(io))) {
		if (other != io && other->seq < io->seq &&
		    verify_conflict(io, other))
			return true;
	}
	return false;
}

/*
 * Track @io, which has sectors.  Returns true if it may run now, false if
 * it waits its turn; then a completing bio queues @issue for it.
 */
bool dm_verify_track(struct verify_c *vc, struct verify_io *io, work_func_t issue)
{
	unsigned long flags;
	bool wait;

	io->tracked = true;
	io->track_first = io->sector;
	io->track_last = io->sector + io->nr_sectors - 1;
	if (vc->digest && io->is_write) {
		sector_t mask = vc->digest->block_sectors - 1;

		io->track_first &= ~mask;
		io->track_last |= mask;
	}
	spin_lock_irqsave(&vc->lock, flags);
	io->seq = ++vc->inflight_seq;
	wait = __verify_blocked(vc, io);
	/*
	 * Once the lock drops, a completing bio may clear io->waiting and
	 * queue the issue: only @wait, taken under the lock, says who issues.
	 */
	io->waiting = wait;
	if (wait) {
		INIT_WORK(&io->work.work, issue);
		vc->nr_waiting++;
	}
	verify_inflight_insert(io, &vc->inflight);
	spin_unlock_irqrestore(&vc->lock, flags);

	return !wait;
}

/* Drop @io from the tree and start the bios it held back; needs vc->lock. */
void dm_verify_untrack_locked(struct verify_c *vc, struct verify_io *io)
{
	struct verify_io *w;

	if (!io->tracked)
		return;
	io->tracked = false;
	verify_inflight_remove(io, &vc->inflight);
	if (!vc->nr_waiting)
		return;
	for (w = verify_inflight_iter_first(&vc->inflight, verify_io_start(io),
					    verify_io_last(io));
	     w;
	     w = verify_inflight_iter_next(w, verify_io_start(io),
					   verify_io_last(io))) {
		if (w->waiting && !__verify_blocked(vc, w)) {
			w->waiting = false;
			vc->nr_waiting--;
			queue_work(vc->issue_wq, &w->work.work);
		}
	}
}

void dm_verify_untrack(struct verify_c *vc, struct verify_io *io)
{
	unsigned long flags;

	if (!io->tracked)
		return;
	spin_lock_irqsave(&vc->lock, flags);
	dm_verify_untrack_locked(vc, io);
	spin_unlock_irqrestore(&vc->lock, flags);
}
