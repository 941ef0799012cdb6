// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the state of a reference-mode target saved on a metadata device
 * ("metadata <meta_dev>"), so that it survives a removal, a module unload
 * and a reboot: the undefined ranges (verify_c.unverified), the unsynced
 * ranges (verify_c.unsynced) and the status counters.  Without it a table
 * created again compares regions that a discard or a failed write left
 * different on the legs, and reports them as mismatches.
 *
 * The state stays in memory while the table runs; the device is only
 * written through dm-bufio while the target is idle.  Layout, in 4 KiB
 * blocks, little endian:
 *
 *   block 0        superblock (struct verify_state_sb, within its first
 *                  512 bytes, so that a torn write cannot split it)
 *   blocks 1 ...   ranges, 16 bytes each (start, end exclusive, in target
 *                  sectors), 256 per block: the undefined ones, then the
 *                  unsynced ones, each set sorted, from the block the
 *                  superblock names: 1, or the middle of the device
 *
 * A save writes its ranges where the ranges the superblock names are not
 * (the low half after them, the high half before them), flushes them,
 * then writes the superblock that names them: a save torn by a crash, or
 * one that fails half way, leaves the superblock and the ranges of the
 * save before it whole.  Where the ranges start is recorded, so the
 * device may grow or shrink between tables.  Version 1 wrote its ranges
 * from block 1 on, in place: it is still read, and written as version 2
 * at the next save.  Only when no room is left beside the saved ranges
 * (a device of three blocks full of them) is a save written over them,
 * unclean first.
 *
 * Before the first I/O of a resume the state is written with the clean
 * flag clear, and flushed; once the target is suspended (a reload, a
 * removal) both legs are flushed, then the state is written again, flushed,
 * with the clean flag.  A superblock still unclean at load means the table
 * went away while in use (a crash, a power cut, a failed save): the ranges
 * saved may lack a discard or a failed write since, so the whole target is
 * then unsynced, compared nowhere until a sync pass has copied it.
 *
 * A device whose first 4 KiB are all zero is taken as empty and formatted
 * at the first resume; one that holds anything else without our magic is
 * refused and never written.  Nothing is written in the constructor, so a
 * refused table leaves both devices as they were; the destructor only
 * marks the device stale when the table was replaced by one that did not
 * take the state over (dm_verify_state_meta_abandon()).
 */
#include "dm-verify.h"

#include <linux/crc32c.h>
#include <linux/dm-bufio.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#define VERIFY_STATE_BLOCK		4096
#define VERIFY_STATE_SECTORS		(VERIFY_STATE_BLOCK >> SECTOR_SHIFT)
#define VERIFY_STATE_PER_BLOCK		(VERIFY_STATE_BLOCK / sizeof(struct verify_state_range))
/* "DMVSTATE" as it reads on the device. */
#define VERIFY_STATE_MAGIC		0x4554415453564d44ULL
#define VERIFY_STATE_VERSION		2
#define VERIFY_STATE_CLEAN		BIT(0)
/* Room for counters appended to the status line later. */
#define VERIFY_STATE_MAX_STATS		48

struct verify_state_range {
	__le64 start;
	__le64 end;		/* exclusive */
} __packed;

struct verify_state_sb {
	__le32 csum;		/* CRC-32C of the rest of the block */
	__le32 flags;
	__le64 magic;
	__le32 version;
	__le32 nr_stats;	/* counters in @stats */
	__le64 data_sectors;	/* the target's length */
	__le64 data_start;	/* the legs' offsets */
	__le64 ref_start;
	__le64 nr_unverified;	/* ranges, from block 1 on */
	__le64 nr_unsynced;	/* ranges, after the undefined ones */
	__le64 unverified_merges;
	__le32 ranges_csum;	/* CRC-32C of the ranges' 16-byte records */
	__le32 pad;
	/* dm_verify_stat_read() of each status field, in schema order */
	__le64 stats[VERIFY_STATE_MAX_STATS];
	__le64 ranges_block;	/* version 2: where the ranges start */
} __packed;

struct verify_state_meta {
	struct dm_dev *dev;
	struct dm_bufio_client *bufio;
	u64 blocks;		/* the device's */
	bool loaded;		/* the state in memory is the device's, or newer */
	bool open;		/* the superblock says unclean */
	bool sb_unsure;		/* ... or maybe not: a save failed */
};

/* What the superblock says, in CPU order. */
struct verify_state_hdr {
	bool fresh;		/* the first block is all zero */
	bool clean;
	u64 first_block;	/* where the ranges start */
	u64 len;		/* the target length recorded */
	u64 nr_unverified;
	u64 nr_unsynced;
	u64 merges;
	u32 ranges_csum;
	unsigned int nr_stats;
	u64 stats[VERIFY_STATE_MAX_STATS];
};

static const char *verify_state_name(struct verify_c *vc)
{
	return dm_table_device_name(vc->ti->table);
}

/* Where the ranges of superblock @sb start. */
static u64 verify_state_first_block(const struct verify_state_sb *sb)
{
	return le32_to_cpu(sb->version) > 1 ? le64_to_cpu(sb->ranges_block) : 1;
}

/* Blocks that @nr ranges take. */
static u64 verify_state_blocks(u64 nr)
{
	return DIV_ROUND_UP(nr, VERIFY_STATE_PER_BLOCK);
}

/*
 * Do the ranges @sb names lie on the device (it may have shrunk)?  None
 * always do: the area they would start in may be gone.
 */
static bool verify_state_fits(const struct verify_state_meta *meta,
			      const struct verify_state_sb *sb)
{
	u64 first = verify_state_first_block(sb), room;
	u64 nu = le64_to_cpu(sb->nr_unverified), ns = le64_to_cpu(sb->nr_unsynced);

	if (first < 1)
		return false;
	if (!nu && !ns)
		return true;
	if (first >= meta->blocks)
		return false;
	room = (meta->blocks - first) * VERIFY_STATE_PER_BLOCK;
	return nu <= room && ns <= room - nu;
}

/* Forget the superblock and @n blocks from @first: memory holds the state. */
static void verify_state_forget(struct verify_state_meta *meta, u64 first,
				u64 n)
{
	dm_bufio_forget(meta->bufio, 0);
	if (n)
		dm_bufio_forget_buffers(meta->bufio, first, n);
}

/*
 * Read and check the superblock into @h.  @err gets the table error; the
 * kernel log gets the values when two disagree.  With @reload (a live
 * table of this device uses the same metadata device, and will hand its
 * state over) the length and the offsets may differ: a resize.
 */
static int verify_state_check_sb(struct verify_c *vc, bool reload,
				 struct verify_state_hdr *h, char **err)
{
	struct verify_state_meta *meta = vc->state_meta;
	const char *name = verify_state_name(vc);
	struct verify_state_sb *sb;
	struct dm_buffer *b;
	unsigned int i;
	void *p;
	int r = -EINVAL;

	memset(h, 0, sizeof(*h));
	p = dm_verify_meta_sb_read(meta->bufio, VERIFY_STATE_MAGIC,
				   "Metadata device is neither a verify state nor zeroed: not overwritten",
				   &b, &h->fresh, err);
	if (IS_ERR(p))
		return PTR_ERR(p);
	sb = p;
	if (h->fresh) {
		r = 0;
	} else if (le32_to_cpu(sb->version) != VERIFY_STATE_VERSION &&
		   le32_to_cpu(sb->version) != 1) {
		DMERR("%s: metadata version %u, this module reads versions 1 and %u",
		      name, le32_to_cpu(sb->version), VERIFY_STATE_VERSION);
		*err = "Unsupported metadata version";
	} else if (!reload && le64_to_cpu(sb->data_sectors) != vc->ti->len) {
		DMERR("%s: metadata records %llu data sectors, the table has %llu",
		      name, le64_to_cpu(sb->data_sectors),
		      (unsigned long long)vc->ti->len);
		*err = "Metadata records another data size";
	} else if (!reload && (le64_to_cpu(sb->data_start) != vc->data_start ||
				le64_to_cpu(sb->ref_start) != vc->ref_start)) {
		DMERR("%s: metadata records offsets %llu and %llu, the table has %llu and %llu",
		      name, le64_to_cpu(sb->data_start),
		      le64_to_cpu(sb->ref_start),
		      (unsigned long long)vc->data_start,
		      (unsigned long long)vc->ref_start);
		*err = "Metadata records other device offsets";
	} else if (le32_to_cpu(sb->nr_stats) > VERIFY_STATE_MAX_STATS) {
		*err = "Metadata layout is inconsistent";
	} else if (!verify_state_fits(meta, sb)) {
		DMERR("%s: metadata %s: %llu + %llu ranges from block %llu, device of %llu blocks",
		      name, meta->dev->name, le64_to_cpu(sb->nr_unverified),
		      le64_to_cpu(sb->nr_unsynced), verify_state_first_block(sb),
		      meta->blocks);
		*err = "Metadata layout is inconsistent";
	} else {
		h->clean = le32_to_cpu(sb->flags) & VERIFY_STATE_CLEAN;
		h->first_block = verify_state_first_block(sb);
		h->len = le64_to_cpu(sb->data_sectors);
		h->nr_unverified = le64_to_cpu(sb->nr_unverified);
		h->nr_unsynced = le64_to_cpu(sb->nr_unsynced);
		h->merges = le64_to_cpu(sb->unverified_merges);
		h->ranges_csum = le32_to_cpu(sb->ranges_csum);
		h->nr_stats = le32_to_cpu(sb->nr_stats);
		for (i = 0; i < h->nr_stats; i++)
			h->stats[i] = le64_to_cpu(sb->stats[i]);
		r = 0;
	}
	dm_bufio_release(b);
	return r;
}

/*
 * Walk the saved ranges: check them (sorted, disjoint, inside the target,
 * the checksum right), and with @unverified and @unsynced set add them
 * there.  Sleeps.
 */
static int verify_state_read_ranges(struct verify_c *vc,
				    const struct verify_state_hdr *h,
				    struct verify_extents *unverified,
				    struct verify_extents *unsynced,
				    char **err)
{
	struct verify_state_meta *meta = vc->state_meta;
	u64 nr = h->nr_unverified + h->nr_unsynced, i, start, end;
	u64 blocks = DIV_ROUND_UP(nr, VERIFY_STATE_PER_BLOCK);
	struct verify_state_range *rec = NULL;
	struct dm_buffer *b = NULL;
	sector_t prev = 0;
	u32 crc = ~0U;

	/* Read afresh: another table on this device may have saved since. */
	if (blocks) {
		dm_bufio_forget_buffers(meta->bufio, h->first_block, blocks);
		dm_bufio_prefetch(meta->bufio, h->first_block, blocks);
	}
	for (i = 0; i < nr; i++) {
		if (!(i % VERIFY_STATE_PER_BLOCK)) {
			if (b)
				dm_bufio_release(b);
			rec = dm_bufio_read(meta->bufio, h->first_block +
					    i / VERIFY_STATE_PER_BLOCK, &b);
			if (IS_ERR(rec)) {
				*err = "Cannot read the saved ranges";
				return PTR_ERR(rec);
			}
			cond_resched();
		}
		if (i == h->nr_unverified)
			prev = 0;
		start = le64_to_cpu(rec->start);
		end = le64_to_cpu(rec->end);
		crc = crc32c(crc, rec, sizeof(*rec));
		rec++;
		if (start < prev || start >= end || end > vc->ti->len) {
			dm_bufio_release(b);
			*err = "Metadata ranges are inconsistent";
			return -EINVAL;
		}
		prev = end;
		if (i < h->nr_unverified && unverified)
			dm_verify_extents_add(unverified, start, end);
		else if (i >= h->nr_unverified && unsynced)
			dm_verify_extents_add(unsynced, start, end);
	}
	if (b)
		dm_bufio_release(b);
	if (~crc != h->ranges_csum) {
		*err = "Metadata ranges checksum mismatch";
		return -EINVAL;
	}
	return 0;
}

/*
 * Restore the saved state: the ranges, the counters, and for an unclean
 * device the whole target unsynced.  Nothing has run through this table
 * yet.
 */
static int verify_state_load(struct verify_c *vc,
			     const struct verify_state_hdr *h)
{
	struct verify_state_meta *meta = vc->state_meta;
	struct verify_extents unverified, unsynced;
	u64 nr_unverified = h->nr_unverified, nr_unsynced = h->nr_unsynced;
	unsigned long flags;
	char *err = NULL;
	int r;

	/* Private sets: their ranges may sleep for memory, no lock held. */
	r = dm_verify_extents_init(&unverified, vc->unverified.max);
	if (r)
		return r;
	r = dm_verify_extents_init(&unsynced, vc->unsynced.max);
	if (r) {
		dm_verify_extents_destroy(&unverified);
		return r;
	}
	unverified.gfp = GFP_NOIO | __GFP_NOWARN;
	unsynced.gfp = GFP_NOIO | __GFP_NOWARN;
	r = verify_state_read_ranges(vc, h, &unverified, &unsynced, &err);
	if (r == -EINVAL && !h->clean) {
		/*
		 * Version 1 rewrote its ranges in place: a crash during a
		 * save tore them under the unclean superblock of the resume
		 * (version 2 writes beside them first).  Refusing would
		 * leave only a zeroed device, which drops them too; the whole
		 * target is made unsynced below.
		 */
		DMWARN("%s: state on %s: saved ranges torn by a crash during a save (%s): dropped",
		       verify_state_name(vc), meta->dev->name, err);
		dm_verify_extents_remove(&unverified, 0, vc->ti->len);
		dm_verify_extents_remove(&unsynced, 0, vc->ti->len);
		nr_unverified = 0;
		nr_unsynced = 0;
		r = 0;
	}
	if (r) {
		DMERR("%s: cannot load the state from %s (%d): %s",
		      verify_state_name(vc), meta->dev->name, r, err);
		goto out;
	}
	unverified.merges = h->merges;
	/*
	 * The "sync" feature marked the whole target unsynced for want of
	 * anything better; the saved state knows what was synced, and a
	 * copy over it would erase the evidence of a write the data device
	 * lost since.
	 */
	if (vc->sync_at_resume) {
		spin_lock_irqsave(&vc->lock, flags);
		dm_verify_extents_remove(&vc->unsynced, 0, vc->ti->len);
		spin_unlock_irqrestore(&vc->lock, flags);
	}
	dm_verify_extents_merge_into(vc, &vc->unverified, &unverified);
	dm_verify_extents_merge_into(vc, &vc->unsynced, &unsynced);
	dm_verify_stats_restore(vc, h->stats,
				min_t(unsigned int, h->nr_stats, VERIFY_NR_STATS));
	verify_state_forget(meta, h->first_block,
			    DIV_ROUND_UP(h->nr_unverified + h->nr_unsynced,
					 VERIFY_STATE_PER_BLOCK));
	if (!h->clean) {
		spin_lock_irqsave(&vc->lock, flags);
		dm_verify_extents_add(&vc->unsynced, 0, vc->ti->len);
		spin_unlock_irqrestore(&vc->lock, flags);
		DMWARN("%s: state on %s %s: all %llu sectors unsynced, %s",
		       verify_state_name(vc), meta->dev->name,
		       "was not saved cleanly (crash or power cut while in use)",
		       (unsigned long long)vc->ti->len,
		       "compared once a sync message has copied them");
	}
	DMINFO("%s: state loaded from %s: %llu undefined and %llu unsynced ranges",
	       verify_state_name(vc), meta->dev->name, nr_unverified,
	       nr_unsynced);
out:
	dm_verify_extents_destroy(&unverified);
	dm_verify_extents_destroy(&unsynced);
	return r;
}

/*
 * A copy of @s, taken under vc->lock, in a buffer of at least one entry;
 * *@nr gets its length.  Sleeps.
 */
static struct verify_extent *verify_state_snapshot(struct verify_c *vc,
						   struct verify_extents *s,
						   u64 *nr)
{
	const struct verify_range *r = NULL;
	struct verify_extent *e;
	unsigned long flags, want;
	u64 n;

	for (;;) {
		want = READ_ONCE(s->nr) + 1;
		e = kvmalloc_array(want, sizeof(*e), GFP_KERNEL);
		if (!e)
			return NULL;
		spin_lock_irqsave(&vc->lock, flags);
		if (s->nr < want)
			break;
		/* A message added ranges meanwhile. */
		spin_unlock_irqrestore(&vc->lock, flags);
		kvfree(e);
	}
	n = 0;
	while ((r = dm_verify_extents_next(s, r)))
		e[n++] = r->e;
	spin_unlock_irqrestore(&vc->lock, flags);
	*nr = n;
	return e;
}

/* How many of the gaps between the @n extents of @e are at most @gap. */
static u64 verify_state_gaps_upto(const struct verify_extent *e, u64 n,
				  sector_t gap)
{
	u64 i, k = 0;

	for (i = 1; i < n; i++)
		k += e[i].start - e[i - 1].end <= gap;
	return k;
}

/*
 * Make @e (@n sorted, disjoint extents) fit in @max entries by closing the
 * smallest gaps between neighbours: the set only grows, so more is left
 * undefined, never less.  Returns the new count, @max.
 */
static u64 verify_state_squeeze(struct verify_extent *e, u64 n, u64 max)
{
	sector_t lo = 0, hi, mid, gap;
	u64 i, out = 0, need, ties;

	if (n <= max || n < 2)
		return n;
	if (!max)
		max = 1;
	need = n - max;
	/* The smallest gap size whose closing leaves at most @max. */
	hi = e[n - 1].start;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (verify_state_gaps_upto(e, n, mid) >= need)
			hi = mid;
		else
			lo = mid + 1;
		cond_resched();
	}
	/* Every smaller gap closes, and of those of size @lo as many as need be. */
	ties = need - (lo ? verify_state_gaps_upto(e, n, lo - 1) : 0);
	for (i = 1; i < n; i++) {
		gap = e[i].start - e[out].end;
		if (gap < lo || (gap == lo && ties)) {
			if (gap == lo)
				ties--;
			e[out].end = e[i].end;
		} else {
			e[++out] = e[i];
		}
	}
	return out + 1;
}

/*
 * Records @e[0..@n) into the blocks from @first on, from record @at on;
 * @crc goes on.
 */
static int verify_state_put(struct verify_c *vc, u64 first,
			    const struct verify_extent *e, u64 n, u64 *at,
			    u32 *crc)
{
	struct verify_state_meta *meta = vc->state_meta;
	struct verify_state_range *rec = NULL;
	struct dm_buffer *b = NULL;
	u64 i, k;

	for (i = 0; i < n; i++, (*at)++) {
		k = *at % VERIFY_STATE_PER_BLOCK;
		if (!k || !b) {
			if (b) {
				dm_bufio_mark_buffer_dirty(b);
				dm_bufio_release(b);
			}
			/* Blocks are filled in order: one part filled is ours. */
			if (k)
				rec = dm_bufio_read(meta->bufio,
						    first + *at / VERIFY_STATE_PER_BLOCK, &b);
			else
				rec = dm_bufio_new(meta->bufio,
						   first + *at / VERIFY_STATE_PER_BLOCK, &b);
			if (IS_ERR(rec))
				return PTR_ERR(rec);
			if (!k)
				memset(rec, 0, VERIFY_STATE_BLOCK);
			rec += k;
			cond_resched();
		}
		rec->start = cpu_to_le64(e[i].start);
		rec->end = cpu_to_le64(e[i].end);
		*crc = crc32c(*crc, rec, sizeof(*rec));
		rec++;
	}
	if (b) {
		dm_bufio_mark_buffer_dirty(b);
		dm_bufio_release(b);
	}
	return 0;
}

/*
 * Where a save writes its ranges (*@first) and how many blocks it may use
 * (*@room): beside the ranges the superblock on the device names, read
 * afresh (a reload's new table reads it before the old one's last save).
 * Ranges from block 1 on (or none): the high half, after them.  Ranges
 * higher up: the low half, before them.  With @unclean, or when there is
 * no room but over the saved ranges, a clean superblock there is first
 * made unclean, as it is, and flushed: a state that an abandoned table
 * left clean must not stay so while the taker runs (see _abandon()), and
 * ranges written over are then forgiven by the next load.
 */
static int verify_state_prepare(struct verify_state_meta *meta, bool unclean,
				u64 *first, u64 *room)
{
	u64 half = (meta->blocks - 1) / 2, at = 1, used = 0;
	struct verify_state_sb *sb;
	struct dm_buffer *b;
	char *err = NULL;
	bool fresh;
	void *p;

	p = dm_verify_meta_sb_read(meta->bufio, VERIFY_STATE_MAGIC, "", &b,
				   &fresh, &err);
	/* Not ours, or a bad checksum: no load trusts it anyway. */
	if (IS_ERR(p) && PTR_ERR(p) != -EINVAL)
		return PTR_ERR(p);
	sb = IS_ERR(p) || fresh ? NULL : p;
	if (sb) {
		at = verify_state_first_block(sb);
		used = verify_state_blocks(le64_to_cpu(sb->nr_unverified) +
					   le64_to_cpu(sb->nr_unsynced));
	}
	if (at > 1) {
		*first = 1;
		*room = min(half, at - 1);
	} else {
		*first = max(1 + half, 1 + used);
		*room = meta->blocks > *first ? meta->blocks - *first : 0;
	}
	/*
	 * Written over the saved ranges, into half the room only, so that
	 * the saves after it have room beside it again: one in place, not
	 * all of them (a crash during one tears the ranges it overwrites).
	 */
	if (!*room) {
		*first = 1;
		*room = max(half, 1ULL);
		unclean = true;
	}
	if (IS_ERR(p))
		return 0;
	if (!sb || !unclean || !(le32_to_cpu(sb->flags) & VERIFY_STATE_CLEAN)) {
		dm_bufio_release(b);
		return 0;
	}
	sb->flags = cpu_to_le32(le32_to_cpu(sb->flags) & ~VERIFY_STATE_CLEAN);
	return dm_verify_meta_sb_write(meta->bufio, b, sb);
}

/*
 * Write the ranges beside those the superblock names, then the superblock
 * that names them, each flushed (an unclean save clears the clean flag
 * first).  The target is idle
 * (or has not run yet).  Ranges beyond the device's capacity are merged
 * with their nearest neighbours, which is logged.  Sleeps.
 */
static int verify_state_save(struct verify_c *vc, bool clean)
{
	struct verify_state_meta *meta = vc->state_meta;
	struct verify_extent *un = NULL, *sy = NULL;
	u64 nu = 0, ns = 0, bu, bs, merges, was_u, was_s, cap, room = 0;
	struct verify_state_sb *sb;
	unsigned long flags;
	struct dm_buffer *b;
	unsigned int noio, i;
	u64 at = 0, first = 0;
	u32 crc = ~0U;
	int r;

	/* The legs' devices may sit below this suspended one. */
	noio = memalloc_noio_save();
	un = verify_state_snapshot(vc, &vc->unverified, &nu);
	sy = verify_state_snapshot(vc, &vc->unsynced, &ns);
	if (!un || !sy) {
		r = -ENOMEM;
		goto out;
	}
	spin_lock_irqsave(&vc->lock, flags);
	merges = dm_verify_merges(vc);
	spin_unlock_irqrestore(&vc->lock, flags);

	r = verify_state_prepare(meta, !clean, &first, &room);
	if (r)
		goto out;
	cap = room * VERIFY_STATE_PER_BLOCK;
	/* Each set gets at least half of the room, or all it needs. */
	bs = min(ns, max(cap / 2, cap - min(nu, cap)));
	bu = cap - bs;
	was_u = nu;
	was_s = ns;
	nu = verify_state_squeeze(un, nu, bu);
	ns = verify_state_squeeze(sy, ns, bs);
	if (nu < was_u || ns < was_s) {
		DMWARN("%s: %s holds %llu ranges: %llu undefined as %llu, %llu unsynced as %llu",
		       verify_state_name(vc), meta->dev->name, cap,
		       was_u, nu, was_s, ns);
		merges += was_u - nu + was_s - ns;
	}

	r = verify_state_put(vc, first, un, nu, &at, &crc);
	if (!r)
		r = verify_state_put(vc, first, sy, ns, &at, &crc);
	if (!r)
		r = dm_bufio_write_dirty_buffers(meta->bufio);
	if (!r)
		r = dm_bufio_issue_flush(meta->bufio);
	if (r)
		goto out;

	sb = dm_bufio_new(meta->bufio, 0, &b);
	if (IS_ERR(sb)) {
		r = PTR_ERR(sb);
		goto out;
	}
	memset(sb, 0, VERIFY_STATE_BLOCK);
	sb->flags = cpu_to_le32(clean ? VERIFY_STATE_CLEAN : 0);
	sb->magic = cpu_to_le64(VERIFY_STATE_MAGIC);
	sb->version = cpu_to_le32(VERIFY_STATE_VERSION);
	sb->nr_stats = cpu_to_le32(VERIFY_NR_STATS);
	sb->data_sectors = cpu_to_le64(vc->ti->len);
	sb->data_start = cpu_to_le64(vc->data_start);
	sb->ref_start = cpu_to_le64(vc->ref_start);
	sb->nr_unverified = cpu_to_le64(nu);
	sb->nr_unsynced = cpu_to_le64(ns);
	sb->unverified_merges = cpu_to_le64(merges);
	sb->ranges_csum = cpu_to_le32(~crc);
	sb->ranges_block = cpu_to_le64(first);
	for (i = 0; i < VERIFY_NR_STATS; i++)
		sb->stats[i] = cpu_to_le64(dm_verify_stat_read(vc, i));
	r = dm_verify_meta_sb_write(meta->bufio, b, sb);
out:
	/* What is in memory is the state: no second copy in the cache. */
	verify_state_forget(meta, first, DIV_ROUND_UP(at, VERIFY_STATE_PER_BLOCK));
	memalloc_noio_restore(noio);
	kvfree(un);
	kvfree(sy);
	return r;
}

/*
 * Before the target takes I/O: load the device (unless a reload handed
 * us the state, which is newer), then write it unclean, durably, so that
 * a crash from here on is seen at the next load.
 */
int dm_verify_state_meta_resume(struct verify_c *vc, bool taken_over)
{
	struct verify_state_meta *meta = vc->state_meta;
	struct verify_state_hdr *h;
	char *err = NULL;
	int r = 0;

	if (!meta || (meta->open && !meta->sb_unsure))
		return 0;
	if (taken_over)
		meta->loaded = true;
	if (!meta->loaded) {
		h = kmalloc(sizeof(*h), GFP_KERNEL);
		if (!h)
			return -ENOMEM;
		r = verify_state_check_sb(vc, false, h, &err);
		if (r)
			DMERR("%s: cannot load the state from %s (%d): %s",
			      verify_state_name(vc), meta->dev->name, r, err);
		else if (!h->fresh)
			r = verify_state_load(vc, h);
		kfree(h);
		if (r)
			return r;
		meta->loaded = true;
	}
	r = verify_state_save(vc, false);
	if (r) {
		verify_stat_inc(vc, VERIFY_STAT_METADATA_ERRORS);
		DMERR("%s: cannot mark the state on %s in use (%d)",
		      verify_state_name(vc), meta->dev->name, r);
		/* In use already, after a failed save: go on, as before it. */
		return meta->open ? 0 : r;
	}
	meta->open = true;
	meta->sb_unsure = false;
	return 0;
}

/*
 * The target is idle: make what both legs hold durable, then save the
 * state with the clean flag.  A failure leaves the device unclean, which
 * the next load treats as a crash.
 */
void dm_verify_state_meta_suspend(struct verify_c *vc)
{
	struct verify_state_meta *meta = vc->state_meta;
	unsigned long flags;
	int r;

	if (!meta || !meta->open)
		return;
	r = blkdev_issue_flush(verify_data_bdev(vc));
	if (!r && !vc->wc.budget) {
		/*
		 * Every completed write is durable now: a data_crashed from
		 * here on, which the saved state would not know of, has
		 * nothing to make unverified.  Not under write_cache, whose
		 * writes stay in the emulated cache over a suspend.
		 */
		spin_lock_irqsave(&vc->lock, flags);
		dm_verify_volatile_lose(vc, false);
		spin_unlock_irqrestore(&vc->lock, flags);
	}
	if (!r)
		r = blkdev_issue_flush(vc->ref_dev->bdev);
	if (!r)
		r = verify_state_save(vc, true);
	if (r) {
		/*
		 * The superblock may say clean all the same (its write may
		 * have failed after it reached the device): the next resume
		 * marks the state in use again, or discards reach it behind
		 * a clean one.
		 */
		meta->sb_unsure = true;
		verify_stat_inc(vc, VERIFY_STAT_METADATA_ERRORS);
		DMERR("%s: saving the state to %s failed (%d): all unsynced at the next load",
		      verify_state_name(vc), meta->dev->name, r);
		return;
	}
	meta->open = false;
	meta->sb_unsure = false;
}

/*
 * @vc took @old's state over at its first resume and keeps it elsewhere
 * (another metadata device, or none), or (@vc NULL) @old's table was
 * replaced by one that took nothing (dm-linear, another mapping): what
 * @old saved cleanly at its suspend misses every discard and failed write
 * from now on, and a table created on that device later would compare
 * their ranges (false mismatches).  Save it unclean, which makes such a
 * table unsynced throughout, with the ranges @old has (called by @vc's
 * take-over before they move to @vc).  From @vc's resume, or from @old's
 * destructor once the new table is live, as nothing else would write it;
 * @old is suspended and idle.  Returns 0, or the error of the save.
 */
int dm_verify_state_meta_abandon(struct verify_c *vc, struct verify_c *old)
{
	struct verify_state_meta *meta = old->state_meta;
	int r;

	if (!meta || (vc && dm_verify_state_meta_bdev(vc) == meta->dev->bdev))
		return 0;
	r = verify_state_save(old, false);
	if (r) {
		DMERR("%s: cannot mark the state on %s stale (%d): %s",
		      verify_state_name(old), meta->dev->name, r,
		      "zero its first 4 KiB and create the table with the sync feature before using it again");
		return r;
	}
	meta->open = true;
	if (vc)
		DMINFO("%s: state taken over from %s: left unclean, all unsynced there",
		       verify_state_name(old), meta->dev->name);
	else
		DMINFO("%s: %s: state on %s left unclean, all unsynced there",
		       verify_state_name(old),
		       "table replaced by one that does not keep it",
		       meta->dev->name);
	return 0;
}

struct block_device *dm_verify_state_meta_bdev(struct verify_c *vc)
{
	return vc->state_meta ? vc->state_meta->dev->bdev : NULL;
}

/* Never writes: see dm_verify_state_meta_suspend() and _abandon(). */
void dm_verify_state_meta_destroy(struct verify_c *vc)
{
	struct verify_state_meta *meta = vc->state_meta;

	if (!meta)
		return;
	if (meta->bufio)
		dm_bufio_client_destroy(meta->bufio);
	if (meta->dev)
		dm_put_device(vc->ti, meta->dev);
	kfree(meta);
	vc->state_meta = NULL;
}

/*
 * Open the metadata device of "metadata <meta_dev>" and check what it
 * holds: the superblock and the saved ranges.  Reads only.
 */
int dm_verify_state_meta_create(struct dm_target *ti, struct verify_c *vc)
{
	struct verify_state_meta *meta;
	struct verify_state_hdr *h = NULL;
	char *err = NULL;
	sector_t have;
	int r;

	if (!vc->state_meta_path)
		return 0;
	if (!vc->ref_dev) {
		ti->error = "Feature metadata needs a reference (digest mode: digest <meta_dev>)";
		return -EINVAL;
	}
	BUILD_BUG_ON(sizeof(struct verify_state_sb) > SECTOR_SIZE);
	BUILD_BUG_ON(VERIFY_NR_STATS > VERIFY_STATE_MAX_STATS);

	meta = kzalloc(sizeof(*meta), GFP_KERNEL);
	if (!meta) {
		ti->error = "Cannot allocate metadata state";
		return -ENOMEM;
	}
	vc->state_meta = meta;
	r = dm_get_device(ti, vc->state_meta_path, dm_table_get_mode(ti->table),
			  &meta->dev);
	if (r) {
		ti->error = "Metadata device lookup failed";
		return r;
	}
	if (meta->dev->bdev == verify_data_bdev(vc)) {
		ti->error = "Metadata device is the data device";
		return -EINVAL;
	}
	if (meta->dev->bdev == vc->ref_dev->bdev) {
		ti->error = "Metadata device is the reference device";
		return -EINVAL;
	}
	if (!dm_verify_meta_claim(vc, meta->dev->bdev)) {
		ti->error = "Metadata device is in use by another verify target";
		return -EBUSY;
	}
	if (bdev_logical_block_size(meta->dev->bdev) > VERIFY_STATE_BLOCK) {
		ti->error = "Metadata device's logical block size is above 4096";
		return -EINVAL;
	}
	/* The superblock and two halves of one block of ranges at least. */
	have = bdev_nr_sectors(meta->dev->bdev);
	if (have < 3 * VERIFY_STATE_SECTORS) {
		DMERR("%s: metadata %s has %llu sectors, needs at least %u",
		      dm_table_device_name(ti->table), meta->dev->name,
		      (unsigned long long)have, 3 * VERIFY_STATE_SECTORS);
		ti->error = "Metadata device too small";
		return -EINVAL;
	}
	meta->blocks = have / VERIFY_STATE_SECTORS;
	meta->bufio = dm_bufio_client_create(meta->dev->bdev, VERIFY_STATE_BLOCK,
					     1, 0, NULL, NULL, 0);
	if (IS_ERR(meta->bufio)) {
		r = PTR_ERR(meta->bufio);
		meta->bufio = NULL;
		ti->error = "Cannot create the metadata buffer cache";
		return r;
	}
	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h) {
		ti->error = "Cannot allocate metadata state";
		return -ENOMEM;
	}
	r = verify_state_check_sb(vc, dm_verify_reloads_meta(vc, meta->dev->bdev),
				  h, &err);
	/* A resize's ranges may lie past the end: the old table trims them. */
	if (!r && !h->fresh && h->len == vc->ti->len) {
		r = verify_state_read_ranges(vc, h, NULL, NULL, &err);
		/* Torn by a crash during a save: the load drops them. */
		if (r == -EINVAL && !h->clean)
			r = 0;
	}
	if (r) {
		ti->error = err;
	} else if (h->fresh) {
		DMINFO("%s: metadata device %s is zeroed: formatted at the first resume",
		       dm_table_device_name(ti->table), meta->dev->name);
	}
	verify_state_forget(meta, h->first_block,
			    DIV_ROUND_UP(h->nr_unverified + h->nr_unsynced,
					 VERIFY_STATE_PER_BLOCK));
	kfree(h);
	return r;
}

unsigned int dm_verify_state_meta_table_words(struct verify_c *vc)
{
	return vc->state_meta ? 2 : 0;
}

void dm_verify_state_meta_emit_table(struct verify_c *vc, char *result,
				     unsigned int maxlen, unsigned int *szp)
{
	unsigned int sz = *szp;

	if (vc->state_meta)
		DMEMIT(" metadata %s", vc->state_meta->dev->name);
	*szp = sz;
}

void dm_verify_state_meta_emit_ima(struct verify_c *vc, char *result,
				   unsigned int maxlen, unsigned int *szp)
{
	unsigned int sz = *szp;

	if (vc->state_meta)
		DMEMIT(",metadata=%s", vc->state_meta->dev->name);
	*szp = sz;
}
