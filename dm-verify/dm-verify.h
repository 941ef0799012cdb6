/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm-verify: types shared by the target's files.
 */
#ifndef DM_VERIFY_H
#define DM_VERIFY_H

#include <linux/device-mapper.h>
#include <linux/bio.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "dm-verify-diff.h"
#include "dm-verify-digest.h"
#include "dm-verify-extents.h"
#include "dm-verify-fault.h"
#include "dm-verify-schema.h"

#define DM_MSG_PREFIX "verify"

/*
 * Largest bio a leg sees (1 MiB): bounds the reference pages one bio holds,
 * which the page reserve must cover.  Sized in bytes, so a kernel with
 * 64 KiB pages reserves 1 MiB too, not BIO_MAX_VECS pages (16 MiB).
 */
#define VERIFY_MAX_IO_BYTES	SZ_1M
#define VERIFY_MAX_IO_SECTORS	(VERIFY_MAX_IO_BYTES >> SECTOR_SHIFT)
#define VERIFY_MAX_IO_PAGES	(VERIFY_MAX_IO_BYTES >> PAGE_SHIFT)
#define VERIFY_MAX_IO_ORDER	ilog2(VERIFY_MAX_IO_PAGES)
/* Freed reference pages kept for reuse by one target: 8 MiB of them. */
#define VERIFY_CACHE_PAGES	(SZ_8M >> PAGE_SHIFT)
#define VERIFY_LOG_SIZE		16

/* Bits in verify_c.flags */
enum {
	VERIFY_HALTED,		/* policy halt tripped: fail every bio */
	VERIFY_EVENT_SENT,	/* a dm event was raised since the last reset */
	VERIFY_NO_DELAY,	/* suspending: delay rules complete at once */
	VERIFY_DATA_CRASHED,	/* data_crashed was sent: what matches is durable */
	VERIFY_CRASHED,		/* a simulated power cut: fail every bio */
	VERIFY_RULE_CRASH,	/* a crash rule's undo is queued or runs */
	VERIFY_TAKEN_OVER,	/* a reloaded table took our state over */
	VERIFY_SUSPENDING,	/* presuspend ran: no pass may start */
	VERIFY_STATE_READY,	/* preresume took the old table's state over */
};

/* The emulated write cache; see dm-verify-crash.c. */
struct verify_wcache {
	u64 budget;			/* bytes of copies to keep; 0: off */
	u64 bytes;			/* bytes of copies held */
	struct list_head undo;		/* completed writes, oldest first */
	u64 epoch;			/* flushes issued */
	u64 written_back;		/* records dropped as written back */
	struct rb_root_cached tree;	/* the records of @undo, by sector */
	u64 seq;			/* records kept */
};

struct verify_crash_opts {
	enum verify_crash_mode mode;
	u32 ppm;
	u64 rng;
	bool prepared;			/* dm_verify_crash_prepare() succeeded */
	struct verify_extents settled;	/* see verify_crash_undo() */
};

struct verify_crash_result {
	u64 volatile_writes;
	u64 lost;
	u64 torn;
	u64 sectors;			/* sectors undone */
	u64 merges;			/* see dm_verify_crash() */
};

struct verify_mismatch {
	u64 seq;
	sector_t bio_sector;
	unsigned int bio_sectors;
	sector_t sector;		/* first mismatching sector */
	unsigned int offset;		/* byte within it */
	unsigned int bad_sectors;
	unsigned int nr_bytes;
	u8 data[VERIFY_DIFF_BYTES];
	u8 ref[VERIFY_DIFF_BYTES];
};

/* Reference and write-copy pages; see dm-verify-pages.c. */
struct verify_pages {
	spinlock_t lock;		/* guards @free and @nr */
	struct list_head free;
	unsigned int nr;
	mempool_t reserve;
	struct mutex reserve_lock;	/* one bio at a time waits on @reserve */
	mempool_t reread;		/* one page: see verify_diff_reread() */
	struct page * __percpu *slot;	/* one freed page per CPU */
	struct mutex reread_lock;
};

/* One generation of volatile writes; see dm-verify-volatile.c. */
struct verify_gen {
	struct list_head list;
	u64 id;
	struct verify_extents set;
};

struct verify_volatile {
	struct list_head gens;		/* oldest first; the last one is open */
	mempool_t pool;
	unsigned long max;		/* ranges per generation */
	u64 merges;			/* those of generations freed */
};

struct verify_scrub;
struct verify_state_meta;
struct dm_io_client;

struct verify_counts {
	u64 val[VERIFY_NR_STATS];
};

struct verify_c {
	struct dm_target *ti;
	struct dm_dev *data_dev;
	sector_t data_start;
	struct dm_dev *ref_dev;		/* NULL: no reference leg */
	sector_t ref_start;

	enum verify_policy policy;	/* READ_ONCE/WRITE_ONCE */
	unsigned long flags;

	/* Reference-leg bios, with their own pages for reads and writes. */
	struct bio_set ref_bs;
	/* Data-leg clones; they share pages with the bio or the ref bio. */
	struct bio_set data_bs;
	/*
	 * Bios the target issues for itself: the rest of a block written in
	 * part, a write cache's saved content.  Not fs_bio_set, which the
	 * bios queued behind ours may hold; each user submits a bio before
	 * allocating its next, so this pool alone keeps them going.
	 */
	struct bio_set aux_bs;
	struct verify_pages pages;
	/*
	 * Work that allocates (issuing a bio, copying a write) and work that
	 * frees (a reference leg's submission once the bio holds its pool
	 * elements, compare and completion) run on separate workqueues, as in
	 * dm-crypt: under memory pressure each has only its rescuer, and
	 * the freeing work must never queue behind an allocation waiting
	 * for what it frees.
	 */
	struct workqueue_struct *issue_wq;
	struct workqueue_struct *done_wq;
	struct work_struct event_work;

	/*
	 * Small writes under write_cache wait here for their copy, so that
	 * one run of @wc_batch_work copies many (see dm-verify-crash.c).
	 */
	spinlock_t wc_batch_lock;	/* guards @wc_batch */
	struct list_head wc_batch;	/* verify_io.list, in arrival order */
	struct work_struct wc_batch_work;

	/*
	 * @lock guards @inflight (every tracked bio, running or waiting for
	 * an overlapping one; see dm-verify-inflight.c), @inflight_seq,
	 * @nr_waiting, @delayed, @unverified, @unsynced and @log.
	 */
	spinlock_t lock;
	struct rb_root_cached inflight;
	u64 inflight_seq;		/* arrival order of tracked bios */
	unsigned int nr_waiting;	/* tracked bios that wait */
	struct list_head delayed;	/* bios a delay rule holds back */
	struct verify_extents unverified;
	/*
	 * Sectors a sync pass has yet to copy to the reference: not compared,
	 * like @unverified, but a sync (not only a write) makes them
	 * comparable, while @unverified's failed and discarded regions stay
	 * undefined until written.
	 */
	struct verify_extents unsynced;
	struct verify_volatile vol;	/* only with a reference */
	struct verify_wcache wc;
	struct verify_crash_opts crash_opt;	/* of a crash rule */
	struct work_struct crash_work;
	/*
	 * One power cut at a time, and power_on only once it is over: the
	 * undo writes both legs, which a bio let in meanwhile would race.
	 */
	struct mutex crash_lock;
	/* Power cuts so far: a bio mapped before the last one fails. */
	unsigned long crash_epoch;
	struct verify_mismatch log[VERIFY_LOG_SIZE];
	u64 log_seq;

	/* @fault_lock keeps rule decisions in bio arrival order. */
	spinlock_t fault_lock;
	struct verify_faults faults;
	bool have_seed;

	/* Status counts; see dm-verify-stats.c. */
	struct verify_counts __percpu *counts;
	u64 counts_base[VERIFY_NR_STATS];	/* written under @lock */
	atomic64_t last_mismatch;	/* sector + 1, 0 when none */

	struct verify_scrub *scrub;	/* the background pass, once started */

	/* Digest mode (no reference): see dm-verify-digest.c. */
	struct verify_digest *digest;	/* NULL: not in digest mode */
	bool digest_on;			/* the digest feature was given */
	u32 digest_block;		/* bytes, as given in the table */
	const char *digest_meta_path;	/* in the constructor: its device */
	u32 scrub_rate;			/* MiB/s, 0: no limit; READ_ONCE */

	/* With a reference: the state saved on a metadata device, or NULL. */
	struct verify_state_meta *state_meta;
	const char *state_meta_path;	/* in the constructor: its device */

	bool sync_feature;		/* "sync" in the table */
	bool sync_at_resume;		/* feature sync: sync all at first resume */

	/* On verify_instances, so a reloaded table can take over our state. */
	struct list_head instance;
	/* On verify_claims from the constructor on: our metadata device. */
	struct list_head claim;
	struct block_device *meta_claim;
	bool resumed;			/* has served I/O since its creation */
	/*
	 * Took over another table's state, or loaded its own in a
	 * preresume: hands it on even if never resumed (a resume that
	 * failed at another target, which dm follows by destroying the
	 * table before ours).
	 */
	bool holds_state;
};

struct verify_io {
	struct verify_c *vc;
	struct bio *bio;		/* the bio dm handed to map */
	struct bio *ref_bio;
	struct bio *data_bio;		/* may be @bio itself, see below */
	struct bio *copy_bio;		/* digest mode: a write's private copy */
	/*
	 * @bio's own fields while it is the data leg, or the iterator of
	 * @copy_bio as it was submitted (dm_verify_alloc_legs())
	 */
	struct bvec_iter saved_iter;
	bio_end_io_t *saved_end_io;
	void *saved_private;
	blk_opf_t saved_opf;
	sector_t sector;		/* target relative */
	unsigned int nr_sectors;
	atomic_t pending;
	blk_status_t data_status;
	blk_status_t ref_status;
	blk_status_t status;		/* final status, held over a delay */
	unsigned int op;		/* VERIFY_OP_* */
	u64 flush_gen;			/* a flush: what it makes durable */
	u64 wc_epoch;			/* the same, in the write cache */
	unsigned long crash_epoch;	/* verify_c.crash_epoch when mapped */
	struct verify_undo *undo;	/* what a write overwrote */
	struct verify_rmw *rmw;		/* digest mode: blocks written in part */
	bool tracked;
	bool waiting;
	bool intent;			/* counted in its regions' write intent */
	bool intent_ready;		/* its regions are set on the device */
	bool is_write;			/* changes content: write, discard, zeroes */
	struct rb_node rb;		/* in verify_c.inflight while tracked */
	sector_t track_first;		/* the range it is tracked by */
	sector_t track_last;
	sector_t rb_last;		/* interval tree: last sector in subtree */
	u64 seq;			/* arrival order among tracked bios */
	struct list_head list;		/* on verify_c.delayed or wc_batch */
	struct verify_fault fault;
	struct delayed_work work;	/* issue, compare or delayed completion */
	struct work_struct ref_work;	/* the reference leg's submission */
};

/*
 * What dm keeps in front of each bio it maps (per_io_data_size): its
 * verify_io, and the legs of a bio of up to VERIFY_INLINE_VECS pages, so
 * that those cost no pool allocation (see dm_verify_leg_alloc()).  A
 * verify_io of the target's own (a pass's chunk) has none.
 */
#define VERIFY_INLINE_VECS	4

struct verify_per_bio {
	struct verify_io io;
	struct bio ref;			/* reference leg, or a digest copy */
	struct bio data;		/* a write's data leg */
	struct bio_vec vecs[VERIFY_INLINE_VECS];
};

static inline struct verify_per_bio *verify_per_bio(struct verify_io *io)
{
	return container_of(io, struct verify_per_bio, io);
}

static inline struct block_device *verify_data_bdev(struct verify_c *vc)
{
	return vc->data_dev->bdev;
}

/*
 * A read whose payload differed and whose re-read failed: nothing tells
 * which copy is right, so no mismatch is reported, but under on_mismatch
 * error and halt the caller must not take that payload as good.
 */
static inline blk_status_t dm_verify_unconfirmed_status(struct verify_c *vc)
{
	enum verify_policy policy = READ_ONCE(vc->policy);

	return policy == VERIFY_ERROR || policy == VERIFY_HALT ?
	       BLK_STS_IOERR : BLK_STS_OK;
}

/* The larger of the legs' logical block sizes, in bytes. */
static inline unsigned int verify_legs_lbs(struct verify_c *vc)
{
	return max(bdev_logical_block_size(verify_data_bdev(vc)),
		   vc->ref_dev ? bdev_logical_block_size(vc->ref_dev->bdev) : 0);
}

/* dm-verify-stats.c */
int dm_verify_stats_create(struct verify_c *vc);
void dm_verify_stats_destroy(struct verify_c *vc);
u64 dm_verify_stat_read(struct verify_c *vc, enum verify_stat i);
void dm_verify_stats_reset(struct verify_c *vc);
void dm_verify_stats_take_over(struct verify_c *vc, struct verify_c *old);
void dm_verify_stats_restore(struct verify_c *vc, const u64 *val, unsigned int nr);

void dm_verify_extents_merge_into(struct verify_c *vc,
				  struct verify_extents *dst,
				  struct verify_extents *src);

/*
 * The first range of @set (one of @vc's, under vc->lock) inside [@start,
 * @end), as dm_verify_extents_first(); no lock round when it is empty.
 */
static inline bool verify_extents_first_locked(struct verify_c *vc,
					       struct verify_extents *set,
					       sector_t start, sector_t end,
					       struct verify_extent *e)
{
	unsigned long flags;
	bool found;

	if (!READ_ONCE(set->nr))
		return false;
	spin_lock_irqsave(&vc->lock, flags);
	found = dm_verify_extents_first(set, start, end, e);
	spin_unlock_irqrestore(&vc->lock, flags);
	return found;
}

/* Safe in any context, as the per-CPU ops are. */
static inline void verify_stat_add(struct verify_c *vc, enum verify_stat i,
				   u64 n)
{
	this_cpu_add(vc->counts->val[i], n);
}

static inline void verify_stat_inc(struct verify_c *vc, enum verify_stat i)
{
	verify_stat_add(vc, i, 1);
}

/* dm-verify-compare.c */
void dm_verify_alloc_legs(struct verify_c *vc, struct verify_io *io);
void dm_verify_data_leg_done(struct verify_io *io);
void dm_verify_free_legs(struct verify_io *io);
struct bio *dm_verify_leg_alloc(struct verify_c *vc, struct verify_io *io,
				struct block_device *bdev, unsigned int size);
bool dm_verify_compare(struct verify_io *io, bool can_sleep, blk_status_t *status);
void dm_verify_log_status_mismatch(struct verify_io *io);
void dm_verify_raise_event(struct verify_c *vc);
void dm_verify_diff_prepare(struct verify_io *io, struct verify_diff *d);
void dm_verify_diff_prepare_range(struct verify_c *vc, sector_t start,
				  sector_t end, struct verify_diff *d);
sector_t dm_verify_diff_trim(struct verify_diff *d, sector_t len);
void dm_verify_count_skipped(struct verify_io *io, const struct verify_diff *d);
void dm_verify_record_mismatch(struct verify_c *vc, sector_t start,
			       unsigned int nr, struct verify_diff *d, bool scrub);

/* dm-verify-digest.c */
int dm_verify_digest_parse(struct dm_target *ti, struct verify_c *vc,
			   const char *name, struct dm_arg_set *as,
			   unsigned int *argc);
int dm_verify_digest_create(struct dm_target *ti, struct verify_c *vc);
void dm_verify_digest_destroy(struct verify_c *vc);
struct bio *dm_verify_digest_copy(struct verify_c *vc, struct verify_io *io);
bool dm_verify_digest_done(struct verify_io *io, bool can_inline);
void dm_verify_digest_report(struct verify_c *vc, sector_t start,
			     unsigned int nr,
			     const struct verify_digest_found *f, bool scrub);

/* dm-verify-digest-scrub.c */
int dm_verify_digest_scrub_chunk(struct verify_c *vc, struct verify_io *io,
				 struct dm_io_client *client, void *buf,
				 u64 *unknown);

/* dm-verify-digest-rmw.c */
bool dm_verify_digest_rmw_wanted(struct verify_c *vc, struct verify_io *io);
bool dm_verify_digest_rmw_prepare(struct verify_c *vc, struct verify_io *io);
void dm_verify_digest_rmw_written(struct verify_io *io, u64 *done,
				  unsigned int *nr_done);
void dm_verify_digest_rmw_span(struct verify_io *io, sector_t *start,
			       sector_t *end);
void dm_verify_digest_rmw_free(struct verify_io *io);
void dm_verify_digest_io_hints(struct verify_c *vc, struct queue_limits *limits);
u64 dm_verify_digest_unknown(struct verify_c *vc);
void dm_verify_digest_stop_passes(struct verify_c *vc);
void dm_verify_digest_take_over(struct verify_c *vc, struct verify_c *old);
int dm_verify_digest_abandon(struct verify_c *vc, struct verify_c *old);
struct block_device *dm_verify_digest_meta_bdev(struct verify_c *vc);
bool dm_verify_digest_aligned(struct verify_c *vc, sector_t start, sector_t end);
void dm_verify_digest_sync(struct verify_c *vc, sector_t sector,
			   unsigned int nr_sectors, const void *buf);
int dm_verify_digest_resume(struct verify_c *vc);
void dm_verify_digest_suspend(struct verify_c *vc);
unsigned int dm_verify_digest_table_words(struct verify_c *vc);
void dm_verify_digest_emit_table(struct verify_c *vc, char *result,
				 unsigned int maxlen, unsigned int *szp);

/* dm-verify-digest-meta.c */
int dm_verify_digest_meta_create(struct dm_target *ti, struct verify_c *vc,
				 const char *path);

/* dm-verify-digest-intent.c */
bool dm_verify_digest_intent_begin(struct verify_c *vc, struct verify_io *io);
int dm_verify_digest_intent_wait(struct verify_c *vc, struct verify_io *io);
void dm_verify_digest_intent_end(struct verify_c *vc, struct verify_io *io);
u64 dm_verify_digest_dirty_regions(struct verify_c *vc);

/* dm-verify-meta-sb.c: the superblock head both metadata formats share */
#define VERIFY_META_SB_BLOCK	4096
struct dm_bufio_client;
struct dm_buffer;
u32 dm_verify_meta_sb_csum(const void *block);
int dm_verify_meta_sb_write(struct dm_bufio_client *bufio, struct dm_buffer *b,
			    void *sb);
void *dm_verify_meta_sb_read(struct dm_bufio_client *bufio, u64 magic,
			     char *not_ours, struct dm_buffer **bp,
			     bool *fresh, char **err);

/* dm-verify-state-meta.c */
int dm_verify_state_meta_create(struct dm_target *ti, struct verify_c *vc);
void dm_verify_state_meta_destroy(struct verify_c *vc);
int dm_verify_state_meta_resume(struct verify_c *vc, bool taken_over);
void dm_verify_state_meta_suspend(struct verify_c *vc);
int dm_verify_state_meta_abandon(struct verify_c *vc, struct verify_c *old);
struct block_device *dm_verify_state_meta_bdev(struct verify_c *vc);
unsigned int dm_verify_state_meta_table_words(struct verify_c *vc);
void dm_verify_state_meta_emit_table(struct verify_c *vc, char *result,
				     unsigned int maxlen, unsigned int *szp);
void dm_verify_state_meta_emit_ima(struct verify_c *vc, char *result,
				   unsigned int maxlen, unsigned int *szp);

/* dm-verify-target.c */
void dm_verify_finish(struct verify_io *io, blk_status_t status);
bool dm_verify_meta_claim(struct verify_c *vc, struct block_device *bdev);
bool dm_verify_reloads_meta(struct verify_c *vc, struct block_device *bdev);

/* dm-verify-scrub.c: the background pass, scrub or sync */
enum verify_pass_kind {
	VERIFY_PASS_SCRUB,
	VERIFY_PASS_SYNC,
};

int dm_verify_scrub_message(struct verify_c *vc, unsigned int argc,
			    char **argv);
int dm_verify_scrub_rate_message(struct verify_c *vc, const char *arg);
int dm_verify_pass_alloc(struct verify_c *vc);
int dm_verify_pass_message(struct verify_c *vc, enum verify_pass_kind kind,
			   bool repair, unsigned int argc, char **argv,
			   const char *usage);
int dm_verify_pass_start(struct verify_c *vc, enum verify_pass_kind kind,
			 bool repair, bool mark, sector_t start, sector_t end);
int dm_verify_pass_io(struct dm_io_client *client, struct dm_dev *dev,
		      sector_t sector, blk_opf_t opf, void *buf, sector_t count);
void dm_verify_scrub_stop(struct verify_c *vc);
void dm_verify_scrub_destroy(struct verify_c *vc);
void dm_verify_scrub_progress(struct verify_c *vc, u64 *scrubbing,
			      u64 *syncing, u64 *pos, u64 *end);

/* dm-verify-sync.c */
int dm_verify_sync_message(struct verify_c *vc, unsigned int argc,
			   char **argv);
int dm_verify_sync_chunk(struct verify_c *vc, struct verify_io *io,
			 struct dm_io_client *client, void *buf);
void dm_verify_sync_resume(struct verify_c *vc);

/* dm-verify-crash.c */
void dm_verify_wcache_init(struct verify_c *vc);
void dm_verify_wcache_destroy(struct verify_c *vc);
void dm_verify_wcache_prepare(struct verify_c *vc, struct list_head *ios);
void dm_verify_wcache_complete(struct verify_c *vc, struct verify_io *io,
			       struct list_head *dead);
void dm_verify_wcache_free(struct list_head *dead);
void dm_verify_wcache_abandon(struct verify_c *vc, struct verify_io *io);
u64 dm_verify_wcache_flush_issue(struct verify_c *vc);
void dm_verify_wcache_flushed(struct verify_c *vc, u64 epoch,
			      struct list_head *dead);
void dm_verify_wcache_take_over(struct verify_c *vc, struct verify_c *old,
				struct list_head *dead);
void dm_verify_crash_opts_init(struct verify_c *vc, struct verify_crash_opts *opt,
			       enum verify_crash_mode mode, u32 ppm);
int dm_verify_crash_prepare(struct verify_crash_opts *opt);
int dm_verify_crash(struct verify_c *vc, struct verify_crash_opts *opt,
		    struct verify_crash_result *res);
bool dm_verify_crash_begin(struct verify_c *vc);
int dm_verify_crash_power_on(struct verify_c *vc);
void dm_verify_crash_by_rule(struct verify_c *vc, struct verify_io *io);
void dm_verify_crash_work(struct work_struct *work);

/* dm-verify-inflight.c */
void dm_verify_inflight_init(struct verify_c *vc);
bool dm_verify_track(struct verify_c *vc, struct verify_io *io, work_func_t issue);
void dm_verify_untrack(struct verify_c *vc, struct verify_io *io);
void dm_verify_untrack_locked(struct verify_c *vc, struct verify_io *io);

/* dm-verify-pages.c */
void dm_verify_pages_init(struct verify_c *vc);
int dm_verify_pages_create(struct verify_c *vc);
void dm_verify_pages_destroy(struct verify_c *vc);
void dm_verify_pages_alloc(struct verify_c *vc, struct bio *bio, unsigned int size);
void dm_verify_pages_free(struct verify_c *vc, struct bio *bio);

/* dm-verify-rules.c */
int dm_verify_parse_fault_feature(struct dm_target *ti, struct dm_arg_set *as,
				  unsigned int *argc);
int dm_verify_rules_check(struct verify_c *vc, char **error);
unsigned int dm_verify_rules_table_words(struct verify_c *vc);
void dm_verify_rules_emit_table(struct verify_c *vc, char *result,
				unsigned int maxlen, unsigned int *szp);
void dm_verify_rules_emit_ima(struct verify_c *vc, char *result,
			      unsigned int maxlen, unsigned int *szp);
int dm_verify_fault_message(struct verify_c *vc, unsigned int argc, char **argv,
			    char *result, unsigned int maxlen);

/* dm-verify-volatile.c */
int dm_verify_volatile_create(struct verify_c *vc, unsigned long max);
void dm_verify_volatile_destroy(struct verify_c *vc);
void dm_verify_volatile_written(struct verify_c *vc, sector_t start, sector_t end,
				bool fua);
u64 dm_verify_volatile_flush_issue(struct verify_c *vc, gfp_t gfp);
void dm_verify_volatile_flushed(struct verify_c *vc, u64 id);
sector_t dm_verify_volatile_sectors(struct verify_c *vc);
void dm_verify_volatile_size(struct verify_c *vc, u64 *sectors, u64 *ranges);
sector_t dm_verify_volatile_lose(struct verify_c *vc, bool unverify);
void dm_verify_volatile_take_over(struct verify_c *vc, struct verify_c *old);
u64 dm_verify_volatile_merges(struct verify_c *vc);
u64 dm_verify_merges(struct verify_c *vc);
void dm_verify_volatile_reset_merges(struct verify_c *vc);

/* dm-verify-status.c */
void dm_verify_status(struct dm_target *ti, status_type_t type,
		      unsigned int status_flags, char *result, unsigned int maxlen);
int dm_verify_message(struct dm_target *ti, unsigned int argc, char **argv,
		      char *result, unsigned int maxlen);
const char *dm_verify_policy_name(enum verify_policy policy);
int dm_verify_parse_policy(const char *name, enum verify_policy *policy);

#endif
