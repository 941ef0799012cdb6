// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the background pass.  Scrub reads a range of both legs and
 * compares them, to find corruption that no read has touched yet; with
 * "repair" it also rewrites the data leg's mismatching sectors from the
 * reference.  In digest mode it checks the data leg against the digests
 * instead (dm-verify-digest-scrub.c), with no repair.  Sync copies the
 * data leg to the reference (dm-verify-sync.c).
 * One pass runs at a time.
 *
 * The pass keeps up to VERIFY_PASS_DEPTH chunks of 1 MiB in flight, each
 * with its own buffers and its own work item, so that the reads of the
 * next chunks overlap the comparison (or copy) of this one: a RAM disk or
 * a loop device copies in the reader's context, and one chunk at a time
 * left a CPU idle.  A coordinator work item hands out the chunks in order
 * and accounts them in order.  The coordinator tracks each chunk like a
 * bio (dm-verify-inflight.c), waits its turn and only then hands it to the
 * chunk's work item, which reads, compares, repairs or copies and
 * untracks it: tracked as a read, or as a write when it repairs or syncs,
 * so no overlapping write runs while it reads or rewrites, and it waits
 * its turn behind the bios that arrived before it.  The chunks of a pass
 * never overlap each other.  It skips the undefined ranges, as reads do.
 * A halt, a crash, a suspend or "scrub stop" (or "sync stop") ends it: the
 * coordinator checks after each chunk's turn, so no chunk starts its reads
 * after that (a chunk tracked after a crash drained the tracked I/O sees
 * the crash), and the pass ends once the chunks already handed out are
 * done and untracked; suspend must, since a suspended target issues no
 * I/O.  Chunks start in order, so those before one that started are done
 * too; the position reported (s->pos) only moves over chunks that are
 * done, in order.  A chunk that fails (a leg's read, a repair or a sync's
 * copy) is counted in pass_failed_sectors and logged, and the pass goes on;
 * after VERIFY_PASS_MAX_FAILED in a row it ends ("failed"), as a leg that
 * is gone would otherwise be waited on chunk after chunk.
 *
 * Memory: VERIFY_PASS_DEPTH chunks of each leg the target has, vmalloc'ed
 * once per target at its first pass: 4 MiB per leg, 8 MiB with a
 * reference.  The chunks' work items run on a workqueue of the pass's own
 * with a rescuer: a tracked chunk holds back bios, so it must make
 * progress under memory pressure.
 */
#include "dm-verify.h"

#include <linux/dm-io.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/* One chunk, as large as the largest bio a leg sees. */
#define VERIFY_SCRUB_SECTORS	VERIFY_MAX_IO_SECTORS
/* Chunks in flight at once. */
#define VERIFY_PASS_DEPTH	4
/* Chunks that fail in a row before a pass gives up: the leg is gone. */
#define VERIFY_PASS_MAX_FAILED	16

struct verify_scrub;

/*
 * How many of them a pass uses, read at each chunk: 1 is the pass of one
 * chunk at a time, the least in the way of foreground I/O; the buffers are
 * VERIFY_PASS_DEPTH chunks whatever it says.
 */
static unsigned int pass_depth = VERIFY_PASS_DEPTH;
module_param(pass_depth, uint, 0644);
MODULE_PARM_DESC(pass_depth,
		 "Chunks of 1 MiB a scrub or sync pass keeps in flight, 1-4 (default 4)");

/* A chunk in flight: tracked, read, compared (or copied), untracked. */
struct verify_scrub_chunk {
	struct verify_scrub *s;
	struct verify_io io;		/* the chunk, tracked like a bio */
	struct completion turn;		/* the chunk's overlaps completed */
	struct work_struct work;	/* reads, compares, untracks */
	struct completion done;		/* ... and has untracked */
	/* Reads the reference's chunk beside the data read, on another CPU. */
	struct work_struct ref_work;
	struct completion ref_done;
	int ref_r;
	void *data;			/* the chunk of each leg */
	void *ref;			/* NULL without a reference */
	u64 unknown;			/* digest mode: unknown blocks skipped */
	int r;				/* its reads, repair or copy failed */
};

struct verify_scrub {
	struct work_struct work;	/* the coordinator */
	struct workqueue_struct *wq;	/* the chunks' work items */
	struct verify_c *vc;
	struct dm_io_client *client;
	struct verify_scrub_chunk chunk[VERIFY_PASS_DEPTH];
	enum verify_pass_kind kind;
	bool repair;
	bool stop;			/* READ_ONCE: end after the chunks in flight */
	wait_queue_head_t stop_wait;	/* a throttled coordinator sleeps here */
	/* Under verify_c.lock, for status. */
	bool running;
	sector_t pos;			/* next sector to check */
	sector_t end;
};

static void verify_scrub_turn(struct work_struct *work)
{
	struct verify_io *io = container_of(work, struct verify_io, work.work);
	struct verify_scrub_chunk *c = container_of(io, struct verify_scrub_chunk,
						    io);

	complete(&c->turn);
}

int dm_verify_pass_io(struct dm_io_client *client, struct dm_dev *dev,
		      sector_t sector, blk_opf_t opf, void *buf, sector_t count)
{
	struct dm_io_region where = {
		.bdev = dev->bdev, .sector = sector, .count = count,
	};
	struct dm_io_request req = {
		.bi_opf = opf | REQ_SYNC,
		.mem.type = DM_IO_VMA,
		.mem.ptr.vma = buf,
		.client = client,
	};

	return dm_io(&req, 1, &where, NULL, IOPRIO_DEFAULT);
}

static int verify_scrub_io(struct verify_scrub *s, struct dm_dev *dev,
			   sector_t sector, blk_opf_t opf, void *buf,
			   sector_t count)
{
	return dm_verify_pass_io(s->client, dev, sector, opf, buf, count);
}

static void verify_scrub_ref_work(struct work_struct *work)
{
	struct verify_scrub_chunk *c = container_of(work,
						    struct verify_scrub_chunk,
						    ref_work);
	struct verify_c *vc = c->io.vc;

	c->ref_r = verify_scrub_io(c->s, vc->ref_dev,
				   vc->ref_start + c->io.sector, REQ_OP_READ,
				   c->ref, c->io.nr_sectors);
	complete(&c->ref_done);
}

/*
 * Does the window skip any of its sectors from @first to @last (counted
 * from the window's start, as its skip list is)?
 */
static bool verify_scrub_skips(const struct verify_diff *d, sector_t first,
			       sector_t last)
{
	unsigned int i;

	for (i = 0; i < d->nr_skip; i++)
		if (d->skip[i].start <= last && d->skip[i].end > first)
			return true;
	return false;
}

/*
 * Is the sector at byte @at of the window at byte @base of the chunk
 * compared, and different?
 */
static bool verify_scrub_bad(struct verify_scrub_chunk *c,
			     const struct verify_diff *d, u64 base, u64 at)
{
	sector_t sector = at >> SECTOR_SHIFT;

	return !verify_scrub_skips(d, sector, sector) &&
	       memcmp(c->data + base + at, c->ref + base + at, SECTOR_SIZE);
}

/*
 * Rewrite the data leg's sectors of the window at byte @base of the chunk,
 * from byte @at of it to @to, that differ from the reference, in runs
 * widened to whole logical blocks of the legs (a leg fails a write of
 * part of one); adds them to @repaired.  Only what the comparison looked
 * at: the undefined and unsynced ranges it skipped may differ.  They are
 * whole blocks when this table's bios made them; a run that would widen
 * over one (ranges a table with smaller blocks saved) is not repaired.
 */
static int verify_scrub_repair(struct verify_c *vc,
			       struct verify_scrub_chunk *c,
			       const struct verify_diff *d, u64 base, u64 at,
			       u64 to, u64 *repaired)
{
	u64 run, lbs = verify_legs_lbs(vc);
	int r;

	while (at < to) {
		if (!verify_scrub_bad(c, d, base, at)) {
			at += SECTOR_SIZE;
			continue;
		}
		for (run = at + SECTOR_SIZE;
		     run < to && verify_scrub_bad(c, d, base, run);
		     run += SECTOR_SIZE)
			;
		at = max(round_down(base + at, lbs), base) - base;
		run = min(round_up(base + run, lbs), base + to) - base;
		if (verify_scrub_skips(d, at >> SECTOR_SHIFT,
				       (run - 1) >> SECTOR_SHIFT))
			return -EINVAL;
		r = verify_scrub_io(c->s, vc->data_dev, vc->data_start +
				    c->io.sector + ((base + at) >> SECTOR_SHIFT),
				    REQ_OP_WRITE | REQ_FUA, c->ref + base + at,
				    (run - at) >> SECTOR_SHIFT);
		if (r)
			return r;
		*repaired += (run - at) >> SECTOR_SHIFT;
		at = run;
	}
	return 0;
}

/*
 * Check (and repair) the chunk's sectors from *@at on, as far as one list
 * of undefined ranges reaches: with more of them than it holds, up to the
 * start of the last one, where *@at is left for the next window.  A list
 * cut short would leave all after it unchecked, and scrub is the only
 * check of data nobody reads.  Returns 1 when the pass must end (halt),
 * or how a repair failed.
 */
static int verify_scrub_window(struct verify_c *vc, struct verify_scrub_chunk *c,
			       sector_t *at)
{
	struct verify_io *io = &c->io;
	sector_t from = *at, to = io->nr_sectors;
	u64 base = (u64)from << SECTOR_SHIFT, repaired = 0;
	struct verify_diff d;
	int r;

	dm_verify_diff_prepare_range(vc, io->sector + from, io->sector + to, &d);
	to = from + dm_verify_diff_trim(&d, to - from);
	*at = to;
	dm_verify_diff_chunk(&d, c->data + base, c->ref + base, 0,
			     (u64)(to - from) << SECTOR_SHIFT);
	dm_verify_count_skipped(io, &d);
	if (d.first == U64_MAX)
		return 0;
	dm_verify_record_mismatch(vc, io->sector + from, to - from, &d, true);
	dm_verify_raise_event(vc);
	if (READ_ONCE(vc->policy) == VERIFY_HALT) {
		set_bit(VERIFY_HALTED, &vc->flags);
		return 1;
	}
	if (!c->s->repair)
		return 0;
	r = verify_scrub_repair(vc, c, &d, base,
				d.first & ~(u64)(SECTOR_SIZE - 1),
				(u64)(to - from) << SECTOR_SHIFT, &repaired);
	verify_stat_add(vc, VERIFY_STAT_REPAIRED_SECTORS, repaired);
	if (r)
		DMERR_LIMIT("%s: scrub: repair at sector %llu failed (%d)",
			    dm_table_device_name(vc->ti->table),
			    (unsigned long long)(io->sector + from), r);
	else
		DMWARN_LIMIT("%s: scrub: repaired %llu sectors of %llu+%llu from the reference",
			     dm_table_device_name(vc->ti->table), repaired,
			     (unsigned long long)(io->sector + from),
			     (unsigned long long)(to - from));
	return r;
}

/* Check (and repair) one tracked chunk.  Sleeps. */
static int verify_scrub_chunk(struct verify_c *vc, struct verify_scrub_chunk *c)
{
	struct verify_io *io = &c->io;
	sector_t at = 0;
	int r;

	if (vc->digest)
		return dm_verify_digest_scrub_chunk(vc, io, c->s->client,
						    c->data, &c->unknown);
	/*
	 * Both legs are read at once: a RAM disk or a loop device copies in
	 * the submitter's context, so the reference's read gets a worker of
	 * its own and the chunk is read at near one leg's read speed.
	 */
	reinit_completion(&c->ref_done);
	queue_work(vc->issue_wq, &c->ref_work);
	r = verify_scrub_io(c->s, vc->data_dev, vc->data_start + io->sector,
			    REQ_OP_READ, c->data, io->nr_sectors);
	wait_for_completion(&c->ref_done);
	if (!r)
		r = c->ref_r;
	if (r) {
		DMERR_LIMIT("%s: scrub: read of sector %llu+%u failed (%d)",
			    dm_table_device_name(vc->ti->table),
			    (unsigned long long)io->sector, io->nr_sectors, r);
		return r;
	}
	while (at < io->nr_sectors) {
		r = verify_scrub_window(vc, c, &at);
		if (r)
			return r < 0 ? r : 0;
	}
	return 0;
}

static bool verify_scrub_must_stop(struct verify_c *vc, struct verify_scrub *s)
{
	return READ_ONCE(s->stop) || test_bit(VERIFY_HALTED, &vc->flags) ||
	       test_bit(VERIFY_CRASHED, &vc->flags);
}

/* One tracked chunk whose turn came, on its own work item.  Sleeps. */
static void verify_scrub_chunk_work(struct work_struct *work)
{
	struct verify_scrub_chunk *c = container_of(work,
						    struct verify_scrub_chunk,
						    work);
	struct verify_scrub *s = c->s;
	struct verify_c *vc = s->vc;

	if (s->kind == VERIFY_PASS_SYNC)
		c->r = dm_verify_sync_chunk(vc, &c->io, s->client, c->data);
	else
		c->r = verify_scrub_chunk(vc, c);
	dm_verify_untrack(vc, &c->io);
	complete(&c->done);
}

/*
 * Track chunk @c, wait its turn, and hand it to its work item unless the
 * pass must end (then untrack it).  Returns whether it was handed out.
 * Sleeps.
 */
static bool verify_scrub_start(struct verify_c *vc, struct verify_scrub *s,
			       struct verify_scrub_chunk *c)
{
	reinit_completion(&c->turn);
	if (!dm_verify_track(vc, &c->io, verify_scrub_turn))
		wait_for_completion(&c->turn);
	/* After the tracking: a crash that drained the tracked I/O is seen. */
	if (verify_scrub_must_stop(vc, s)) {
		dm_verify_untrack(vc, &c->io);
		return false;
	}
	reinit_completion(&c->done);
	queue_work(s->wq, &c->work);
	return true;
}

/*
 * Jiffies to wait before the chunk at @done_bytes from where @rate was set
 * may start, so that the pass runs at about @rate MiB/s since @t0; 0 when
 * it may start now.
 */
static unsigned long verify_scrub_throttle(u32 rate, u64 done_bytes,
					   unsigned long t0)
{
	unsigned long due, now = jiffies;

	if (!rate)
		return 0;
	/* div64_u64(): from 4096 MiB/s on, the divisor needs more than 32 bits. */
	due = t0 + div64_u64(done_bytes * HZ, (u64)rate << 20);
	return time_before(now, due) ? due - now : 0;
}

/* The state of the coordinator, between its steps. */
struct verify_scrub_ring {
	unsigned int head;		/* the oldest chunk in flight */
	unsigned int nr;		/* chunks in flight */
	sector_t pos;			/* the chunks before it are done */
	u64 failed;			/* sectors of the chunks that failed */
	unsigned int failed_run;	/* chunks that failed since one did not */
	u64 unknown;
};

/* Account the oldest chunk in flight, which is done and untracked. */
static void verify_scrub_retire(struct verify_scrub *s,
				struct verify_scrub_ring *ring)
{
	struct verify_scrub_chunk *c = &s->chunk[ring->head];
	unsigned long flags;

	ring->head = (ring->head + 1) % VERIFY_PASS_DEPTH;
	ring->nr--;
	ring->unknown += c->unknown;
	/*
	 * A chunk that could not be read (or copied, or repaired) is counted
	 * and passed over, as a scrub of btrfs or md goes on past a bad
	 * sector: ending the pass there would leave the rest of a large
	 * volume unchecked for one unreadable spot.  A sync leaves it
	 * unsynced.
	 */
	if (c->r) {
		ring->failed += c->io.nr_sectors;
		ring->failed_run++;
		verify_stat_add(s->vc, VERIFY_STAT_PASS_FAILED_SECTORS,
				c->io.nr_sectors);
	} else {
		ring->failed_run = 0;
	}
	ring->pos += c->io.nr_sectors;
	spin_lock_irqsave(&s->vc->lock, flags);
	s->pos = ring->pos;
	spin_unlock_irqrestore(&s->vc->lock, flags);
}

/* What the pass did, once it has ended: one line, for the logs. */
static void verify_scrub_closing_line(struct verify_scrub *s, sector_t start,
				      const struct verify_scrub_ring *ring)
{
	struct verify_c *vc = s->vc;
	char failed[48] = "", unknown[48] = "";

	if (ring->failed)
		snprintf(failed, sizeof(failed), ", %llu sectors failed",
			 (unsigned long long)ring->failed);
	if (vc->digest && s->kind == VERIFY_PASS_SCRUB)
		snprintf(unknown, sizeof(unknown), ", %llu unknown blocks skipped",
			 (unsigned long long)ring->unknown);
	DMINFO("%s: %s of %llu-%llu %s at %llu%s%s",
	       dm_table_device_name(vc->ti->table),
	       s->kind == VERIFY_PASS_SYNC ? "sync" :
	       s->repair ? "scrub repair" : "scrub",
	       (unsigned long long)start, (unsigned long long)s->end,
	       ring->pos == s->end ? "done" :
	       ring->failed_run >= VERIFY_PASS_MAX_FAILED ? "failed" : "stopped",
	       (unsigned long long)ring->pos, unknown, failed);
}

/*
 * The coordinator: hands out the chunks in order while fewer than
 * pass_depth are in flight, the rate allows and the pass goes on,
 * and accounts them in order as they finish; returns once every chunk it
 * handed out is done.
 */
static void verify_scrub_work(struct work_struct *work)
{
	struct verify_scrub *s = container_of(work, struct verify_scrub, work);
	struct verify_c *vc = s->vc;
	struct verify_scrub_ring ring = { .pos = s->pos };
	unsigned long flags, t0 = jiffies, wait;
	sector_t next = s->pos, end = s->end, start = s->pos, base = s->pos;
	u32 rate = READ_ONCE(vc->scrub_rate);
	struct verify_scrub_chunk *c;
	unsigned int depth;
	bool more, stopped = false;

	for (;;) {
		while (ring.nr &&
		       try_wait_for_completion(&s->chunk[ring.head].done))
			verify_scrub_retire(s, &ring);
		more = next < end && !stopped &&
		       ring.failed_run < VERIFY_PASS_MAX_FAILED &&
		       !verify_scrub_must_stop(vc, s);
		if (!more && !ring.nr)
			break;
		wait = MAX_SCHEDULE_TIMEOUT;
		depth = clamp_t(unsigned int, READ_ONCE(pass_depth), 1,
				VERIFY_PASS_DEPTH);
		if (more && ring.nr < depth) {
			/* A new rate counts from now, not from the start. */
			if (READ_ONCE(vc->scrub_rate) != rate) {
				rate = READ_ONCE(vc->scrub_rate);
				t0 = jiffies;
				base = next;
			}
			wait = verify_scrub_throttle(rate, (u64)(next - base) <<
						     SECTOR_SHIFT, t0);
			if (!wait) {
				c = &s->chunk[(ring.head + ring.nr) %
					      VERIFY_PASS_DEPTH];
				c->io.sector = next;
				c->io.nr_sectors = min_t(sector_t, end - next,
							 VERIFY_SCRUB_SECTORS);
				c->io.is_write = s->repair ||
						 s->kind == VERIFY_PASS_SYNC;
				c->unknown = 0;
				if (!verify_scrub_start(vc, s, c)) {
					stopped = true;
					continue;
				}
				next += c->io.nr_sectors;
				ring.nr++;
				continue;
			}
			if (!ring.nr) {
				/*
				 * A stop wakes it; a halt, a crash or a new
				 * rate is seen within a second.
				 */
				wait_event_interruptible_timeout(s->stop_wait,
								 READ_ONCE(s->stop),
								 min_t(unsigned long, wait, HZ));
				continue;
			}
		}
		/* Until the oldest chunk is done, or the rate lets one start. */
		if (wait_for_completion_timeout(&s->chunk[ring.head].done, wait))
			verify_scrub_retire(s, &ring);
	}

	verify_scrub_closing_line(s, start, &ring);
	spin_lock_irqsave(&vc->lock, flags);
	s->running = false;
	spin_unlock_irqrestore(&vc->lock, flags);
}

/* Stop a running pass and wait until it has.  Sleeps. */
void dm_verify_scrub_stop(struct verify_c *vc)
{
	/* A message may be publishing it beside us (dm_verify_pass_alloc()). */
	struct verify_scrub *s = smp_load_acquire(&vc->scrub);

	if (!s)
		return;
	WRITE_ONCE(s->stop, true);
	wake_up(&s->stop_wait);
	flush_work(&s->work);
}

/* A pass that never ran, or one stopped for good; safe half-built. */
static void verify_pass_free(struct verify_scrub *s)
{
	unsigned int i;

	for (i = 0; i < VERIFY_PASS_DEPTH; i++) {
		/* Each may still be returning from its last complete(). */
		if (s->wq)
			flush_work(&s->chunk[i].work);
		flush_work(&s->chunk[i].ref_work);
		vfree(s->chunk[i].data);
		vfree(s->chunk[i].ref);
	}
	if (s->wq)
		destroy_workqueue(s->wq);
	if (s->client)
		dm_io_client_destroy(s->client);
	kfree(s);
}

/* From the destructor only: no message runs any more. */
void dm_verify_scrub_destroy(struct verify_c *vc)
{
	struct verify_scrub *s = vc->scrub;

	if (!s)
		return;
	dm_verify_scrub_stop(vc);
	vc->scrub = NULL;
	verify_pass_free(s);
}

/*
 * Whether a scrub or a sync pass runs, and where the running or last pass
 * is; needs vc->lock.
 */
void dm_verify_scrub_progress(struct verify_c *vc, u64 *scrubbing,
			      u64 *syncing, u64 *pos, u64 *end)
{
	struct verify_scrub *s = vc->scrub;

	*scrubbing = s && s->running && s->kind == VERIFY_PASS_SCRUB;
	*syncing = s && s->running && s->kind == VERIFY_PASS_SYNC;
	*pos = s ? s->pos : 0;
	*end = s ? s->end : 0;
}

/*
 * The pass's buffers, once: VERIFY_PASS_DEPTH chunks of the data leg, and
 * of the reference when there is one.  Sleeps (GFP_KERNEL: not below a
 * suspended device).
 *
 * dm core sends messages without a lock, so two "scrub" or "sync" messages
 * may both find no pass here and both build one.  Each builds its own and
 * publishes it under vc->lock only once complete: the first keeps it, the
 * other frees its own, and status never sees one half-built or freed.
 * Once published, a pass stays until the destructor.
 */
int dm_verify_pass_alloc(struct verify_c *vc)
{
	struct verify_scrub *s;
	struct verify_scrub_chunk *c;
	unsigned long flags;
	bool failed = false;
	unsigned int i;

	/* Pairs with the release below: a pass found here is whole. */
	if (smp_load_acquire(&vc->scrub))
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->vc = vc;
	s->client = dm_io_client_create();
	if (IS_ERR(s->client)) {
		s->client = NULL;
		failed = true;
	}
	s->wq = alloc_workqueue("kverifyd_pass-%s",
				WQ_MEM_RECLAIM | WQ_UNBOUND, VERIFY_PASS_DEPTH,
				dm_table_device_name(vc->ti->table));
	if (!s->wq)
		failed = true;
	INIT_WORK(&s->work, verify_scrub_work);
	init_waitqueue_head(&s->stop_wait);
	for (i = 0; i < VERIFY_PASS_DEPTH; i++) {
		c = &s->chunk[i];
		c->s = s;
		c->io.vc = vc;
		INIT_WORK(&c->work, verify_scrub_chunk_work);
		INIT_WORK(&c->ref_work, verify_scrub_ref_work);
		init_completion(&c->turn);
		init_completion(&c->done);
		init_completion(&c->ref_done);
		c->data = vmalloc(VERIFY_SCRUB_SECTORS << SECTOR_SHIFT);
		if (vc->ref_dev)
			c->ref = vmalloc(VERIFY_SCRUB_SECTORS << SECTOR_SHIFT);
		if (!c->data || (vc->ref_dev && !c->ref))
			failed = true;
	}
	if (failed) {
		verify_pass_free(s);
		return -ENOMEM;
	}
	spin_lock_irqsave(&vc->lock, flags);
	if (!vc->scrub) {
		/* Its readers without the lock see it whole. */
		smp_store_release(&vc->scrub, s);
		s = NULL;
	}
	spin_unlock_irqrestore(&vc->lock, flags);
	if (s)
		verify_pass_free(s);
	return 0;
}

/*
 * Messages:
 *   scrub [repair] [<start> <end>]   check (and repair) a range, default all;
 *                                    in digest mode, against the digests
 *                                    and without repair
 *   scrub stop                       end the running pass
 *   scrub_rate <MiB/s>               throttle passes, 0: no limit (default)
 */
int dm_verify_scrub_message(struct verify_c *vc, unsigned int argc,
			    char **argv)
{
	bool repair = false;

	if (argc == 1 && !strcasecmp(argv[0], "stop")) {
		dm_verify_scrub_stop(vc);
		return 0;
	}
	if (argc && !strcasecmp(argv[0], "repair")) {
		repair = true;
		argc--;
		argv++;
	}
	return dm_verify_pass_message(vc, VERIFY_PASS_SCRUB, repair, argc, argv,
				      "[repair] [<start> <end>] or stop");
}

/*
 * The rest of a scrub or sync message: [<start> <end>] (default: all),
 * the checks both share, then the pass.  @usage: the words the message
 * takes, for the error.
 */
int dm_verify_pass_message(struct verify_c *vc, enum verify_pass_kind kind,
			   bool repair, unsigned int argc, char **argv,
			   const char *usage)
{
	const char *name = dm_table_device_name(vc->ti->table);
	const char *what = kind == VERIFY_PASS_SYNC ? "sync" : "scrub";
	unsigned long long start = 0, end = vc->ti->len;
	unsigned int lbs = verify_legs_lbs(vc) >> SECTOR_SHIFT;
	int r;

	if (argc == 2) {
		if (kstrtoull(argv[0], 10, &start) ||
		    kstrtoull(argv[1], 10, &end) || start >= end ||
		    end > vc->ti->len) {
			DMERR("%s: %s: expected <start> <end>, start below end, end <= %llu",
			      name, what, (unsigned long long)vc->ti->len);
			return -EINVAL;
		}
		/* A leg fails a read that is not whole logical blocks. */
		if ((start | end) & (lbs - 1)) {
			DMERR("%s: %s: <start> and <end> must be whole logical blocks (%u sectors)",
			      name, what, lbs);
			return -EINVAL;
		}
	} else if (argc) {
		DMERR("%s: %s: expected %s", name, what, usage);
		return -EINVAL;
	}
	/*
	 * In digest mode a sync digests the data device and a scrub checks
	 * it against the digests: no reference, but nothing to repair from.
	 */
	if (!vc->ref_dev && (!vc->digest || repair)) {
		DMERR("%s: %s%s needs a reference device", name, what,
		      repair ? " repair" : "");
		return -EINVAL;
	}
	if (vc->digest && !dm_verify_digest_aligned(vc, start, end)) {
		DMERR("%s: %s: <start> and <end> must be multiples of digest_block",
		      name, what);
		return -EINVAL;
	}
	if (test_bit(VERIFY_HALTED, &vc->flags) ||
	    test_bit(VERIFY_CRASHED, &vc->flags) || dm_suspended(vc->ti)) {
		DMERR("%s: %s: device halted, crashed or suspended", name, what);
		return -EINVAL;
	}
	r = dm_verify_pass_alloc(vc);
	if (r) {
		DMERR("%s: %s: cannot allocate its buffers", name, what);
		return r;
	}
	return dm_verify_pass_start(vc, kind, repair, kind == VERIFY_PASS_SYNC,
				    start, end);
}

/*
 * Start a pass over [@start, @end); -EBUSY while one runs or while the
 * device is being suspended (VERIFY_SUSPENDING, see verify_presuspend()).
 * With @mark, a sync marks its range unsynced as it claims the pass, under
 * vc->lock; without, it copies only what already is.  The buffers must be
 * allocated.
 */
int dm_verify_pass_start(struct verify_c *vc, enum verify_pass_kind kind,
			 bool repair, bool mark, sector_t start, sector_t end)
{
	struct verify_scrub *s = vc->scrub;
	unsigned long flags;

	spin_lock_irqsave(&vc->lock, flags);
	if (test_bit(VERIFY_SUSPENDING, &vc->flags)) {
		spin_unlock_irqrestore(&vc->lock, flags);
		DMERR("%s: %s: device suspending: resend after the resume",
		      dm_table_device_name(vc->ti->table),
		      kind == VERIFY_PASS_SYNC ? "sync" : "scrub");
		return -EBUSY;
	}
	if (s->running) {
		spin_unlock_irqrestore(&vc->lock, flags);
		DMERR("%s: %s: a pass is running: scrub stop first",
		      dm_table_device_name(vc->ti->table),
		      kind == VERIFY_PASS_SYNC ? "sync" : "scrub");
		return -EBUSY;
	}
	s->running = true;
	s->kind = kind;
	s->pos = start;
	s->end = end;
	s->repair = repair;
	/* Not yet copied: compared by nothing until the pass has been there. */
	if (mark)
		dm_verify_extents_add(&vc->unsynced, start, end);
	/* From here on a "scrub stop" ends this pass, even before it runs. */
	WRITE_ONCE(s->stop, false);
	spin_unlock_irqrestore(&vc->lock, flags);
	/* The last pass's work item may still be returning. */
	flush_work(&s->work);
	queue_work(system_unbound_wq, &s->work);
	return 0;
}

int dm_verify_scrub_rate_message(struct verify_c *vc, const char *arg)
{
	unsigned int rate;

	if (kstrtouint(arg, 10, &rate) || rate > 1000000) {
		DMERR("%s: scrub_rate: expected MiB/s from 0 (no limit) to 1000000",
		      dm_table_device_name(vc->ti->table));
		return -EINVAL;
	}
	WRITE_ONCE(vc->scrub_rate, rate);
	return 0;
}
