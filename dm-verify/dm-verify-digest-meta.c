// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify digest mode: digests saved on a metadata device ("digest
 * <meta_dev>"), so that verification survives a reload, a removal, a module
 * unload and a reboot.
 *
 * The working set stays the in-memory store of dm-verify-digest.c, with a
 * bit per metadata block it changed; the device is only written through
 * dm-bufio while the target is idle.  Layout, in 4 KiB metadata blocks:
 *
 *   block 0                 superblock (struct verify_meta_sb)
 *   blocks 1 ...            digests: 8 bytes per data block, little endian;
 *                           for an unknown block, VERIFY_META_UNDEFINED if a
 *                           discard or a failed write left it undefined
 *                           (verify_c.unverified), else zero
 *   then                    known bitmap: a bit per data block, little endian
 *   then, version 2         write-intent bitmap, one block: a bit per region
 *                           (dm-verify-digest-intent.c), little endian
 *   then, with HAS_CSUM     checksums: a CRC-32C per digest and known block,
 *                           1024 per block, little endian
 *
 * Before the first I/O of a resume the superblock's clean flag is cleared
 * and flushed; once the target is suspended (a reload, a removal) the dirty
 * blocks are written and flushed, then the superblock with the clean flag.
 * A superblock still unclean at load means the digests on the device may be
 * older than the data (a crash or power cut while the target ran): the
 * blocks of the regions set in the write-intent bitmap become unknown, and
 * only those; never a false mismatch.  A version 1 device (no intent
 * bitmap, written by an older module) is read and kept as version 1: there
 * an unclean shutdown makes every block unknown, as that module did.  A
 * device zeroed, then formatted by this module, gets version 2.
 *
 * The checksums are beyond the blocks the superblock's meta_blocks counts,
 * so a module that predates them reads the device and, writing its own
 * superblock, drops the flag that says they are there; this one then
 * computes them again.  A block that fails its checksum at load (a bit
 * flipped on the metadata device, a misdirected or torn write) is never
 * trusted: its blocks become unknown, a digest block's undefined too, as
 * its marks are lost.  A save that a crash interrupts can leave a block
 * and its checksum apart: that costs the coverage of the block, never a
 * false mismatch.
 *
 * While the target runs, the device's buffers are used by the write-intent
 * log only, under its lock: the working set is saved there by its pass
 * (dm_verify_meta_save()) and by the suspend.
 *
 * A device whose first 4 KiB are all zero is taken as empty and formatted
 * at the first resume; one that holds anything else without our magic is
 * refused and never written.  Nothing is written before the first resume,
 * so a refused table leaves both devices as they were.
 */
#include "dm-verify.h"

#include <linux/blkdev.h>
#include <linux/crc32c.h>
#include <linux/dm-bufio.h>
#include <linux/slab.h>

#define VERIFY_META_BLOCK		4096
#define VERIFY_META_SECTORS		(VERIFY_META_BLOCK >> SECTOR_SHIFT)
#define VERIFY_META_DIGESTS		(VERIFY_META_BLOCK / sizeof(__le64))
#define VERIFY_META_BITS		(VERIFY_META_BLOCK * BITS_PER_BYTE)
/* "DMVDIGST" as it reads on the device. */
#define VERIFY_META_MAGIC		0x5453474944564d44ULL
#define VERIFY_META_VERSION		2
#define VERIFY_META_VERSION_NO_INTENT	1
#define VERIFY_META_CLEAN		BIT(0)
/* @data_start is set: older version 2 devices leave it zero, unchecked. */
#define VERIFY_META_HAS_START		BIT(1)
/* Checksum blocks from @csum_start on match the digest and known blocks. */
#define VERIFY_META_HAS_CSUM		BIT(2)
#define VERIFY_META_CSUMS		(VERIFY_META_BLOCK / sizeof(__le32))
/*
 * Formatted, and the digest blocks not all written since: their undefined
 * marks may be an older use's (only the first 4 KiB was zeroed).
 */
#define VERIFY_META_FORMATTING		BIT(3)
/*
 * "DMVUNDEF": the digest slot of an unknown block that a discard or a
 * failed write left undefined, so that a table created again does not let
 * a sync digest content that may differ at the next read.  The slots of
 * unknown blocks were never read before: older devices read the same.
 */
#define VERIFY_META_UNDEFINED		0x4645444e55564d44ULL
/* Digest blocks read ahead at a time when loading. */
#define VERIFY_META_PREFETCH		256

struct verify_meta_sb {
	__le32 csum;		/* CRC-32C of the rest of the block */
	__le32 flags;
	__le64 magic;
	__le32 version;
	__le32 block_size;	/* digest_block, bytes */
	__le64 data_sectors;	/* the target's length */
	__le64 nr_blocks;
	__le64 digests_start;	/* in metadata blocks */
	__le64 known_start;
	__le64 meta_blocks;	/* all used, the superblock included */
	/* Version 2 */
	__le64 intent_start;	/* the write-intent bitmap's block */
	__le32 region_shift;	/* log2 of the digest blocks per region */
	/* With VERIFY_META_HAS_START */
	__le64 data_start;	/* the data device's offset */
	/* With VERIFY_META_HAS_CSUM */
	__le64 csum_start;	/* the first checksum block */
} __packed;

struct verify_digest_meta {
	struct dm_target *ti;
	struct dm_dev *dev;
	struct block_device *data_bdev;
	struct dm_bufio_client *bufio;
	u64 digests_start;
	u64 known_start;
	u64 intent_start;
	u64 meta_blocks;
	u64 csum_start;
	u64 csum_blocks;
	u32 *csums;		/* of digests_start.., as on the device or to be */
	bool has_csum;		/* this table keeps the checksums */
	bool csum_on_disk;	/* the superblock read says the device has them */
	bool csum_written;	/* the device's checksum blocks are all current */
	bool formatting;	/* VERIFY_META_FORMATTING, as we write it */
	bool fresh;		/* zeroed at the last superblock read */
	bool marks_stale;	/* VERIFY_META_FORMATTING, as we read it */
	bool v1;		/* a version 1 device: no intent bitmap */
	unsigned long *dirty;	/* metadata blocks the device lacks */
	u64 *scratch;		/* one bitmap block, in CPU order */
	bool loaded;		/* the working set is the device's, or newer */
	bool open;		/* the superblock says unclean */
	bool sb_unsure;		/* ... or maybe not: a save failed */
	bool saved;		/* this table's working set saved cleanly */
};

static const char *verify_meta_name(struct verify_digest_meta *meta)
{
	return dm_table_device_name(meta->ti->table);
}

/* The digests are of the data device's sectors from there on. */
static sector_t verify_meta_data_start(struct verify_digest_meta *meta)
{
	struct verify_c *vc = meta->ti->private;

	return vc->data_start;
}

/* The blocks this table uses: the checksums are beyond meta_blocks. */
static u64 verify_meta_end(struct verify_digest_meta *meta)
{
	return meta->meta_blocks + (meta->has_csum ? meta->csum_blocks : 0);
}

static bool verify_meta_fits(struct verify_digest_meta *meta)
{
	return bdev_nr_sectors(meta->dev->bdev) >=
	       verify_meta_end(meta) * VERIFY_META_SECTORS;
}

/* The digest and known blocks: those the checksums cover, from digests_start. */
static u64 verify_meta_nr_summed(const struct verify_digest_meta *meta)
{
	return meta->intent_start - meta->digests_start;
}

/* With the block's number, so that a block written to another is caught. */
static u32 verify_meta_block_csum(u64 mb, const void *p)
{
	__le64 where = cpu_to_le64(mb);

	return ~crc32c(crc32c(~0U, &where, sizeof(where)), p,
		       VERIFY_META_BLOCK);
}

/* Block @mb (digests or known) as filled in @p: its checksum to be written. */
static void verify_meta_set_csum(struct verify_digest_meta *meta, u64 mb,
				 const void *p)
{
	u64 i = mb - meta->digests_start;

	meta->csums[i] = verify_meta_block_csum(mb, p);
	set_bit(meta->csum_start + i / VERIFY_META_CSUMS, meta->dirty);
}

/* A write to the metadata device failed: metadata_errors in the status. */
void dm_verify_meta_count_error(struct verify_digest *dg)
{
	verify_stat_inc(dg->meta->ti->private, VERIFY_STAT_METADATA_ERRORS);
}

static void verify_meta_dirty(struct verify_digest_meta *meta, u64 mb)
{
	/* Most writes hit blocks already dirty: no atomic then. */
	if (!test_bit(mb, meta->dirty))
		set_bit(mb, meta->dirty);
}

/*
 * The digest is set before its block is marked dirty, and the intent
 * log's pass clears a dirty bit (fully ordered) before it reads the
 * block's digests: either it sees the new digest or we see the bit clear
 * and set it again.  A lost update would be saved as clean, and stale.
 */
static void verify_meta_set(struct verify_digest *dg, u64 block, u64 digest)
{
	struct verify_digest_meta *meta = dg->meta;

	dm_verify_mem_set(dg, block, digest);
	/* The digest before the dirty bit: see above. */
	smp_mb();
	verify_meta_dirty(meta, meta->digests_start + block / VERIFY_META_DIGESTS);
	verify_meta_dirty(meta, meta->known_start + block / VERIFY_META_BITS);
}

static void verify_meta_invalidate(struct verify_digest *dg, u64 block, u64 nr)
{
	struct verify_digest_meta *meta = dg->meta;
	u64 mb, last;

	if (!nr)
		return;
	dm_verify_mem_invalidate(dg, block, nr);
	smp_mb();	/* see verify_meta_set() */
	last = meta->known_start + (block + nr - 1) / VERIFY_META_BITS;
	for (mb = meta->known_start + block / VERIFY_META_BITS; mb <= last; mb++)
		verify_meta_dirty(meta, mb);
	/* Their slots: undefined or not (verify_meta_fill()). */
	last = meta->digests_start + (block + nr - 1) / VERIFY_META_DIGESTS;
	for (mb = meta->digests_start + block / VERIFY_META_DIGESTS; mb <= last; mb++)
		verify_meta_dirty(meta, mb);
}

/*
 * The whole working set to be written, every digest slot too: a device
 * zeroed at its first 4 KiB only may hold the undefined marks of an older
 * use, which a load would restore.  Until then, every region is set in
 * the intent bitmap.
 */
static void verify_meta_dirty_all(struct verify_digest *dg)
{
	struct verify_digest_meta *meta = dg->meta;

	bitmap_fill(dm_verify_intent_image(dg), dm_verify_intent_nr_regions(dg));
	dm_verify_intent_image_changed(dg);
	bitmap_set(meta->dirty, meta->digests_start,
		   verify_meta_nr_summed(meta));
	if (meta->has_csum)
		bitmap_set(meta->dirty, meta->csum_start, meta->csum_blocks);
	meta->csum_written = false;
}

/*
 * What the old table knew replaces what we loaded.  The same metadata
 * device, saved cleanly by the old table, already holds exactly that;
 * anything else (memory only, another device, a failed save, a table
 * that took state over and never saved it) is written again in full.
 */
static void verify_meta_take_over(struct verify_digest *dg,
				  struct verify_digest *old)
{
	struct verify_digest_meta *meta = dg->meta, *o = old->meta;

	dm_verify_mem_take_over(dg, old);
	meta->loaded = true;
	/* The marks on a device zeroed at its first 4 KiB are not ours. */
	if (meta->fresh ||
	    (o && o->dev->bdev == meta->dev->bdev && o->formatting))
		meta->formatting = true;
	if (o && o->dev->bdev == meta->dev->bdev && o->saved &&
	    !o->open && old->nr_blocks == dg->nr_blocks &&
	    o->has_csum == meta->has_csum) {
		if (meta->has_csum) {
			memcpy(meta->csums, o->csums,
			       verify_meta_nr_summed(meta) * sizeof(*meta->csums));
			meta->csum_written = o->csum_written;
		}
		return;
	}
	verify_meta_dirty_all(dg);
}

/*
 * Mark the slots of the unknown blocks among @n from @first that
 * intersect an undefined range.  The set is read under vc->lock, a range
 * at a time; a write that changes it dirties the block again.
 */
static void verify_meta_fill_undefined(struct verify_digest *dg, u64 first,
				       u64 n, __le64 *le)
{
	struct verify_c *vc = dg->meta->ti->private;
	unsigned int shift = dg->block_shift - SECTOR_SHIFT;
	sector_t pos = first << shift, end = (first + n) << shift;
	struct verify_extent e;
	u64 b;

	while (pos < end &&
	       verify_extents_first_locked(vc, &vc->unverified, pos, end, &e)) {
		e.end = min(e.end, end);
		for (b = max(e.start, pos) >> shift; b <= (e.end - 1) >> shift; b++)
			if (!test_bit(b, dg->store->known))
				le[b - first] = cpu_to_le64(VERIFY_META_UNDEFINED);
		pos = e.end;
	}
}

/* Fill metadata block @mb from the working set. */
static void verify_meta_fill(struct verify_digest *dg, u64 mb, void *p)
{
	struct verify_digest_meta *meta = dg->meta;
	struct verify_digest_mem *m = dg->store;
	__le64 *le = p;
	u64 first, i, n;

	memset(p, 0, VERIFY_META_BLOCK);
	if (mb >= meta->csum_start) {
		first = (mb - meta->csum_start) * VERIFY_META_CSUMS;
		n = min_t(u64, verify_meta_nr_summed(meta) - first,
			  VERIFY_META_CSUMS);
		for (i = 0; i < n; i++)
			((__le32 *)p)[i] = cpu_to_le32(meta->csums[first + i]);
		return;
	}
	if (mb >= meta->known_start) {
		first = (mb - meta->known_start) * VERIFY_META_BITS;
		n = min_t(u64, dg->nr_blocks - first, VERIFY_META_BITS);
		bitmap_to_arr64(meta->scratch, m->known + first / BITS_PER_LONG, n);
		for (i = 0; i < DIV_ROUND_UP(n, 64); i++)
			le[i] = cpu_to_le64(meta->scratch[i]);
		return;
	}
	first = (mb - meta->digests_start) * VERIFY_META_DIGESTS;
	n = min_t(u64, dg->nr_blocks - first, VERIFY_META_DIGESTS);
	for (i = 0; i < n; i++)
		if (test_bit(first + i, m->known))
			le[i] = cpu_to_le64(READ_ONCE(m->digests[first + i]));
	verify_meta_fill_undefined(dg, first, n, le);
}

/* Write the superblock and flush it: it reaches the device before we go on. */
static int verify_meta_write_sb(struct verify_digest *dg, bool clean)
{
	struct verify_digest_meta *meta = dg->meta;
	struct verify_meta_sb *sb;
	struct dm_buffer *b;
	void *p;

	p = dm_bufio_new(meta->bufio, 0, &b);
	if (IS_ERR(p))
		return PTR_ERR(p);
	memset(p, 0, VERIFY_META_BLOCK);
	sb = p;
	sb->flags = cpu_to_le32((clean ? VERIFY_META_CLEAN : 0) |
				VERIFY_META_HAS_START);
	sb->data_start = cpu_to_le64(verify_meta_data_start(meta));
	if (meta->formatting)
		sb->flags |= cpu_to_le32(VERIFY_META_FORMATTING);
	if (meta->has_csum && meta->csum_written) {
		sb->flags |= cpu_to_le32(VERIFY_META_HAS_CSUM);
		sb->csum_start = cpu_to_le64(meta->csum_start);
	}
	sb->magic = cpu_to_le64(VERIFY_META_MAGIC);
	sb->version = cpu_to_le32(meta->v1 ? VERIFY_META_VERSION_NO_INTENT :
				  VERIFY_META_VERSION);
	sb->block_size = cpu_to_le32(1U << dg->block_shift);
	sb->data_sectors = cpu_to_le64(meta->ti->len);
	sb->nr_blocks = cpu_to_le64(dg->nr_blocks);
	sb->digests_start = cpu_to_le64(meta->digests_start);
	sb->known_start = cpu_to_le64(meta->known_start);
	sb->meta_blocks = cpu_to_le64(meta->meta_blocks);
	if (!meta->v1) {
		sb->intent_start = cpu_to_le64(meta->intent_start);
		sb->region_shift = cpu_to_le32(dm_verify_intent_shift(dg));
	}
	return dm_verify_meta_sb_write(meta->bufio, b, p);
}

/*
 * Write the dirty blocks of the working set and flush them.  On failure
 * they are all dirty again.  While the target runs, under the intent
 * log's lock: see verify_meta_set() for the order with the I/O path.
 *
 * The data device is flushed first: a write completed in its volatile
 * cache and lost at a power cut would leave the saved digest, trusted
 * once the region's bit is clear or the superblock clean, newer than
 * the data.
 */
static int verify_meta_write_dirty(struct verify_digest *dg, u64 *nr)
{
	struct verify_digest_meta *meta = dg->meta;
	unsigned long mb;
	struct dm_buffer *b;
	void *p;
	int r;

	*nr = 0;
	r = blkdev_issue_flush(meta->data_bdev);
	if (r)
		return r;
	/* Ascending: a block's checksum block, dirtied here, comes later. */
	for_each_set_bit(mb, meta->dirty, verify_meta_end(meta)) {
		if (!test_and_clear_bit(mb, meta->dirty))
			continue;
		p = dm_bufio_new(meta->bufio, mb, &b);
		if (IS_ERR(p)) {
			set_bit(mb, meta->dirty);
			r = PTR_ERR(p);
			break;
		}
		verify_meta_fill(dg, mb, p);
		if (meta->has_csum && mb < meta->intent_start)
			verify_meta_set_csum(meta, mb, p);
		dm_bufio_mark_buffer_dirty(b);
		dm_bufio_release(b);
		(*nr)++;
		cond_resched();
	}
	if (!r)
		r = dm_bufio_write_dirty_buffers(meta->bufio);
	if (!r)
		r = dm_bufio_issue_flush(meta->bufio);
	/*
	 * The digest and known blocks only: not the superblock before them.
	 * Their checksum blocks follow, as they are filled again.
	 */
	if (r)
		bitmap_set(meta->dirty, meta->digests_start,
			   verify_meta_nr_summed(meta));
	else if (meta->has_csum)
		meta->csum_written = true;
	return r;
}

/* Put the intent bitmap @image in its buffer, dirty; written later. */
static int verify_meta_put_intent(struct verify_digest *dg,
				  const unsigned long *image)
{
	struct verify_digest_meta *meta = dg->meta;
	u64 i, n = dm_verify_intent_nr_regions(dg);
	struct dm_buffer *b;
	__le64 *le;

	le = dm_bufio_new(meta->bufio, meta->intent_start, &b);
	if (IS_ERR(le))
		return PTR_ERR(le);
	memset(le, 0, VERIFY_META_BLOCK);
	bitmap_to_arr64(meta->scratch, image, n);
	for (i = 0; i < DIV_ROUND_UP(n, 64); i++)
		le[i] = cpu_to_le64(meta->scratch[i]);
	dm_bufio_mark_buffer_dirty(b);
	dm_bufio_release(b);
	return 0;
}

/* The intent log's write: @image on the device, flushed.  Under its lock. */
int dm_verify_meta_write_intent(struct verify_digest *dg,
				const unsigned long *image)
{
	struct verify_digest_meta *meta = dg->meta;
	int r;

	r = verify_meta_put_intent(dg, image);
	if (!r)
		r = dm_bufio_write_dirty_buffers(meta->bufio);
	if (!r)
		r = dm_bufio_issue_flush(meta->bufio);
	/*
	 * After a failed save the superblock may say clean: unclean again
	 * before the write this bit is for goes to the data device.
	 */
	if (!r && meta->sb_unsure) {
		r = verify_meta_write_sb(dg, false);
		if (!r)
			meta->sb_unsure = false;
	}
	return r;
}

/* The intent log's pass: every digest set so far on the device, flushed. */
int dm_verify_meta_save(struct verify_digest *dg)
{
	struct verify_digest_meta *meta = dg->meta;
	bool formatting = meta->formatting;
	bool sums = meta->has_csum && !meta->csum_written;
	u64 nr;
	int r;

	r = verify_meta_write_dirty(dg, &nr);
	/*
	 * Every block written since the format: the marks on the device are
	 * ours, and a crash must not drop them.  Or the first checksums: a
	 * crash from now on must find them checked.
	 */
	if (!r && (formatting || sums || meta->sb_unsure)) {
		meta->formatting = false;
		r = verify_meta_write_sb(dg, false);
		if (r)
			meta->formatting = formatting;
		else
			meta->sb_unsure = false;
	}
	if (r) {
		dm_verify_meta_count_error(dg);
		DMERR_LIMIT("%s: saving digests to %s failed (%d): intent bits kept",
			    verify_meta_name(meta), meta->dev->name, r);
		return r;
	}
	dm_bufio_forget_buffers(meta->bufio, 0, meta->intent_start);
	if (meta->has_csum)
		dm_bufio_forget_buffers(meta->bufio, meta->csum_start,
					meta->csum_blocks);
	return 0;
}

/*
 * Save the working set: the data device flushed, the dirty blocks, a
 * flush, then the intent bitmap cleared and the clean flag.  The target is
 * idle.  On failure the superblock stays unclean (the next load makes the
 * regions set unknown, or every block on a version 1 device) and
 * everything is written again next time.
 */
static int verify_meta_commit(struct verify_digest *dg)
{
	struct verify_digest_meta *meta = dg->meta;
	unsigned long *image = dm_verify_intent_image(dg);
	bool formatting = meta->formatting;
	u64 nr = 0;
	int r;

	r = verify_meta_write_dirty(dg, &nr);
	/* Every block written: the superblock below drops the flag. */
	if (!r)
		meta->formatting = false;
	/* Every digest is on the device: no region may be stale. */
	if (!r && !meta->v1) {
		bitmap_zero(image, dm_verify_intent_nr_regions(dg));
		dm_verify_intent_image_changed(dg);
		r = verify_meta_put_intent(dg, image);
	}
	if (!r)
		r = verify_meta_write_sb(dg, true);
	if (r) {
		/* The superblock on the device may still have the flag. */
		meta->formatting = formatting;
		bitmap_set(meta->dirty, meta->digests_start,
			   verify_meta_nr_summed(meta));
		/*
		 * And may say clean: a failed write of it, or of the intent
		 * block beside it, or the flush after them, may still have
		 * put it there.  The next resume marks the device in use
		 * again, or writes reach it behind a clean superblock.
		 */
		meta->sb_unsure = true;
		dm_verify_meta_count_error(dg);
		DMERR("%s: saving digests to %s failed (%d): not saved cleanly",
		      verify_meta_name(meta), meta->dev->name, r);
		return r;
	}
	meta->open = false;
	meta->sb_unsure = false;
	meta->saved = true;
	/* The working set is in memory: no second copy in the buffer cache. */
	dm_bufio_forget_buffers(meta->bufio, 0, verify_meta_end(meta));
	DMDEBUG("%s: %llu metadata blocks saved", verify_meta_name(meta), nr);
	return 0;
}

/* The layout of metadata version @version: with an intent bitmap or not. */
static void verify_meta_set_version(struct verify_digest *dg, u32 version)
{
	struct verify_digest_meta *meta = dg->meta;

	meta->v1 = version == VERIFY_META_VERSION_NO_INTENT;
	meta->meta_blocks = meta->intent_start + !meta->v1;
	dm_verify_intent_enable(dg, !meta->v1);
}

/* Does @sb's layout, for its version, match ours?  Takes its version. */
static bool verify_meta_layout_ok(struct verify_digest *dg,
				  const struct verify_meta_sb *sb)
{
	struct verify_digest_meta *meta = dg->meta;

	verify_meta_set_version(dg, le32_to_cpu(sb->version));
	if (le64_to_cpu(sb->nr_blocks) != dg->nr_blocks ||
	    le64_to_cpu(sb->digests_start) != meta->digests_start ||
	    le64_to_cpu(sb->known_start) != meta->known_start ||
	    le64_to_cpu(sb->meta_blocks) != meta->meta_blocks)
		return false;
	return meta->v1 ||
	       (le64_to_cpu(sb->intent_start) == meta->intent_start &&
		le32_to_cpu(sb->region_shift) == dm_verify_intent_shift(dg));
}

/*
 * Checksums on a version 2 device: those it has, as @sb says, or, on a
 * device to format (@sb NULL) or one written by a module without them,
 * from the next save on, if the device has the room.  False if @sb names
 * another place for them.
 */
static bool verify_meta_csum_layout(struct verify_digest *dg,
				    const struct verify_meta_sb *sb)
{
	struct verify_digest_meta *meta = dg->meta;
	sector_t need = (meta->meta_blocks + meta->csum_blocks) *
			VERIFY_META_SECTORS;

	meta->csum_on_disk = false;
	if (meta->v1) {
		meta->has_csum = false;
	} else if (sb && (le32_to_cpu(sb->flags) & VERIFY_META_HAS_CSUM)) {
		if (le64_to_cpu(sb->csum_start) != meta->csum_start)
			return false;
		meta->has_csum = true;
		meta->csum_on_disk = true;
	} else {
		/* A device sized before the checksums goes on without them. */
		meta->has_csum = bdev_nr_sectors(meta->dev->bdev) >= need;
	}
	/* Those on the device are checked, and the superblock keeps the flag. */
	meta->csum_written = meta->csum_on_disk;
	return true;
}

/*
 * Read and check the superblock.  *@fresh: the block is all zero (an empty
 * device); else *@clean says whether the digests were saved cleanly.
 * @err gets the table error.
 */
static int verify_meta_check_sb(struct verify_digest *dg, bool *fresh,
				bool *clean, char **err)
{
	struct verify_digest_meta *meta = dg->meta;
	const char *name = verify_meta_name(meta);
	struct verify_meta_sb *sb;
	struct dm_buffer *b;
	void *p;
	int r = -EINVAL;

	*clean = false;
	p = dm_verify_meta_sb_read(meta->bufio, VERIFY_META_MAGIC,
				   "Metadata device is neither a digest store nor zeroed: not overwritten",
				   &b, fresh, err);
	if (IS_ERR(p))
		return PTR_ERR(p);
	sb = p;
	meta->fresh = *fresh;
	if (*fresh) {
		verify_meta_set_version(dg, VERIFY_META_VERSION);
		verify_meta_csum_layout(dg, NULL);
		r = 0;
	} else if (le32_to_cpu(sb->version) != VERIFY_META_VERSION &&
		   le32_to_cpu(sb->version) != VERIFY_META_VERSION_NO_INTENT) {
		DMERR("%s: metadata version %u, this module reads versions %u and %u",
		      name, le32_to_cpu(sb->version),
		      VERIFY_META_VERSION_NO_INTENT, VERIFY_META_VERSION);
		*err = "Unsupported metadata version";
	} else if (le32_to_cpu(sb->block_size) != 1U << dg->block_shift) {
		DMERR("%s: metadata records digest_block %u, the table has %u",
		      name, le32_to_cpu(sb->block_size), 1U << dg->block_shift);
		*err = "Metadata records another digest_block";
	} else if (le64_to_cpu(sb->data_sectors) != meta->ti->len) {
		DMERR("%s: metadata records %llu data sectors, the table has %llu",
		      name, le64_to_cpu(sb->data_sectors),
		      (unsigned long long)meta->ti->len);
		*err = "Metadata records another data size";
	} else if ((le32_to_cpu(sb->flags) & VERIFY_META_HAS_START) &&
		   le64_to_cpu(sb->data_start) != verify_meta_data_start(meta)) {
		DMERR("%s: metadata records data offset %llu, the table has %llu",
		      name, le64_to_cpu(sb->data_start),
		      (unsigned long long)verify_meta_data_start(meta));
		*err = "Metadata records another data offset";
	} else if (!verify_meta_layout_ok(dg, sb) ||
		   !verify_meta_csum_layout(dg, sb)) {
		*err = "Metadata layout is inconsistent";
	} else {
		*clean = le32_to_cpu(sb->flags) & VERIFY_META_CLEAN;
		meta->marks_stale = le32_to_cpu(sb->flags) &
				    VERIFY_META_FORMATTING;
		r = 0;
	}
	dm_bufio_release(b);
	return r;
}

/*
 * Not saved cleanly: read the intent bitmap into the image.  Its bits stay
 * set, on the device and in the image, until a pass has saved the regions.
 */
static int verify_meta_read_intent(struct verify_digest *dg)
{
	struct verify_digest_meta *meta = dg->meta;
	unsigned long *image = dm_verify_intent_image(dg);
	u64 i, n = dm_verify_intent_nr_regions(dg);
	struct dm_buffer *b;
	__le64 *le;

	le = dm_bufio_read(meta->bufio, meta->intent_start, &b);
	if (IS_ERR(le))
		return PTR_ERR(le);
	for (i = 0; i < DIV_ROUND_UP(n, 64); i++)
		meta->scratch[i] = le64_to_cpu(le[i]);
	dm_bufio_release(b);
	bitmap_from_arr64(image, meta->scratch, n);
	return 0;
}

/*
 * Not saved cleanly: the blocks of the regions set in the image (as read
 * from the device) are unknown (their known bitmap blocks dirty).
 */
static void verify_meta_load_intent(struct verify_digest *dg, u64 had)
{
	struct verify_digest_meta *meta = dg->meta;
	struct verify_digest_mem *m = dg->store;
	unsigned long *image = dm_verify_intent_image(dg);
	u64 n = dm_verify_intent_nr_regions(dg), first, end, blocks = 0;
	unsigned long r;

	for_each_set_bit(r, image, n) {
		dm_verify_intent_blocks(dg, r, &first, &end);
		verify_meta_invalidate(dg, first, end - first);
		blocks += end - first;
		cond_resched();
	}
	DMWARN("%s: digests on %s %s: %u of %llu %s, their %llu blocks unknown, %llu %s",
	       verify_meta_name(meta), meta->dev->name,
	       "were not saved cleanly (crash or power cut while in use)",
	       bitmap_weight(image, n), n, "regions being written", blocks,
	       had - atomic64_read(&m->nr_known), "of them had a digest");
}

/*
 * Blocks [@first, @end) lost their digests or known bits with a corrupt
 * metadata block.  Its rewrite goes with others, in no order: a crash may
 * keep the new digest block beside the old known bits, which call its
 * undefined or zero slots known digests.  So their regions go into
 * @regions, set on the device from the resume on, as if written, until a
 * pass has saved them.
 */
static void verify_meta_mark_bad(struct verify_digest *dg,
				 unsigned long *regions, u64 first, u64 end)
{
	unsigned int shift = dm_verify_intent_shift(dg);

	if (!regions)
		return;
	first >>= shift;
	bitmap_set(regions, first, ((end - 1) >> shift) - first + 1);
}

/* The metadata blocks a load found corrupt. */
struct verify_meta_bad {
	u64 nr;
	u64 first;
};

static int verify_meta_load_csums(struct verify_digest_meta *meta)
{
	u64 j, i, n, total = verify_meta_nr_summed(meta);
	struct dm_buffer *b;
	__le32 *le;

	dm_bufio_prefetch(meta->bufio, meta->csum_start, meta->csum_blocks);
	for (j = 0; j < meta->csum_blocks; j++) {
		le = dm_bufio_read(meta->bufio, meta->csum_start + j, &b);
		if (IS_ERR(le))
			return PTR_ERR(le);
		n = min_t(u64, total - j * VERIFY_META_CSUMS, VERIFY_META_CSUMS);
		for (i = 0; i < n; i++)
			meta->csums[j * VERIFY_META_CSUMS + i] = le32_to_cpu(le[i]);
		dm_bufio_release(b);
	}
	return 0;
}

/*
 * Is block @mb, as read in @p, what was saved there?  On a device without
 * checksums it is taken as it is, and its checksum kept for the next save.
 * A corrupt block is written again at the next save.
 */
static bool verify_meta_block_ok(struct verify_digest_meta *meta, u64 mb,
				 const void *p, struct verify_meta_bad *bad)
{
	u32 csum;

	if (!meta->has_csum)
		return true;
	csum = verify_meta_block_csum(mb, p);
	if (!meta->csum_on_disk) {
		meta->csums[mb - meta->digests_start] = csum;
		return true;
	}
	if (csum == meta->csums[mb - meta->digests_start])
		return true;
	if (!bad->nr++)
		bad->first = mb;
	verify_meta_dirty(meta, mb);
	return false;
}

/*
 * Read the digest slots: the digests of the known blocks, and into @set
 * the marked unknown ones, undefined again (to whole blocks) as the
 * saving table had them.  Returns the number of those.  The blocks of a
 * corrupt digest block are unknown, and undefined: their marks are lost.
 */
static int verify_meta_load_digests(struct verify_digest *dg,
				    struct verify_extents *set, u64 *undefined,
				    struct verify_meta_bad *bad,
				    unsigned long *bad_regions)
{
	struct verify_digest_meta *meta = dg->meta;
	struct verify_digest_mem *m = dg->store;
	unsigned int shift = dg->block_shift - SECTOR_SHIFT;
	u64 i, b = 0, mb, end, run = 0, nr = 0;
	struct dm_buffer *buf;
	__le64 *le;

	for (i = 0; i < dg->nr_blocks; i += VERIFY_META_DIGESTS) {
		end = min_t(u64, dg->nr_blocks, i + VERIFY_META_DIGESTS);
		mb = meta->digests_start + i / VERIFY_META_DIGESTS;
		if (!((i / VERIFY_META_DIGESTS) % VERIFY_META_PREFETCH))
			dm_bufio_prefetch(meta->bufio, mb,
					  min_t(u64, VERIFY_META_PREFETCH,
						meta->known_start - mb));
		le = dm_bufio_read(meta->bufio, mb, &buf);
		if (IS_ERR(le))
			return PTR_ERR(le);
		if (!verify_meta_block_ok(meta, mb, le, bad)) {
			dm_bufio_release(buf);
			bitmap_clear(m->known, i, end - i);
			verify_meta_mark_bad(dg, bad_regions, i, end);
			verify_meta_dirty(meta, meta->known_start +
					  i / VERIFY_META_BITS);
			run += end - i;
			b = end;
			continue;
		}
		for (b = i; b < end; b++) {
			if (test_bit(b, m->known)) {
				m->digests[b] = le64_to_cpu(le[b - i]);
			} else if (le64_to_cpu(le[b - i]) == VERIFY_META_UNDEFINED &&
				   !meta->marks_stale) {
				run++;
				continue;
			}
			if (run)
				dm_verify_extents_add(set, (b - run) << shift,
						      b << shift);
			nr += run;
			run = 0;
		}
		dm_bufio_release(buf);
		cond_resched();
	}
	if (run)
		dm_verify_extents_add(set, (b - run) << shift, b << shift);
	*undefined = nr + run;
	return 0;
}

/*
 * Load the known bitmap, the undefined marks, and the digests of the known
 * blocks when the device was saved cleanly or has an intent bitmap; else
 * every block is unknown.
 */
static int verify_meta_load(struct verify_digest *dg, bool clean)
{
	struct verify_digest_meta *meta = dg->meta;
	struct verify_digest_mem *m = dg->store;
	struct verify_c *vc = meta->ti->private;
	u64 j, i, first, n, had = 0, undefined = 0;
	struct verify_meta_bad bad = {};
	unsigned long *image = dm_verify_intent_image(dg), *bad_regions = NULL;
	u64 nr_regions = dm_verify_intent_nr_regions(dg);
	struct verify_extents undef;
	struct dm_buffer *b;
	__le64 *le;
	int r;

	/*
	 * Into the table's set only once all is loaded (a reload's are
	 * there), and bounded as it is: widened beyond, counted as merges.
	 */
	r = dm_verify_extents_init(&undef, vc->unverified.max);
	if (r)
		return r;
	undef.gfp = GFP_NOIO | __GFP_NOWARN;
	if (meta->csum_on_disk) {
		r = verify_meta_load_csums(meta);
		if (r)
			goto out;
	}
	bitmap_zero(image, nr_regions);
	if (!meta->v1) {
		bad_regions = bitmap_zalloc(nr_regions, GFP_NOIO);
		if (!bad_regions) {
			r = -ENOMEM;
			goto out;
		}
	}
	if (!clean && !meta->v1) {
		r = verify_meta_read_intent(dg);
		if (r)
			goto out;
	}
	dm_bufio_prefetch(meta->bufio, meta->known_start,
			  meta->intent_start - meta->known_start);
	for (j = 0; j < meta->intent_start - meta->known_start; j++) {
		first = j * VERIFY_META_BITS;
		n = min_t(u64, dg->nr_blocks - first, VERIFY_META_BITS);
		le = dm_bufio_read(meta->bufio, meta->known_start + j, &b);
		if (IS_ERR(le)) {
			r = PTR_ERR(le);
			goto out;
		}
		if (!verify_meta_block_ok(meta, meta->known_start + j, le,
					  &bad)) {
			dm_bufio_release(b);
			bitmap_clear(m->known, first, n);
			verify_meta_mark_bad(dg, bad_regions, first, first + n);
			continue;
		}
		for (i = 0; i < DIV_ROUND_UP(n, 64); i++)
			meta->scratch[i] = le64_to_cpu(le[i]);
		dm_bufio_release(b);
		bitmap_from_arr64(m->known + first / BITS_PER_LONG,
				  meta->scratch, n);
		cond_resched();
	}
	r = verify_meta_load_digests(dg, &undef, &undefined, &bad, bad_regions);
	if (r)
		goto out;
	had = bitmap_weight(m->known, dg->nr_blocks);
	if (meta->has_csum && !meta->csum_on_disk) {
		/* Checksums taken above: on the device at the next save. */
		bitmap_set(meta->dirty, meta->csum_start, meta->csum_blocks);
	} else if (bad.nr) {
		verify_stat_add(vc, VERIFY_STAT_METADATA_ERRORS, bad.nr);
		DMERR("%s: metadata on %s: %s %llu of its blocks, %s %llu (%s): %s",
		      verify_meta_name(meta), meta->dev->name,
		      "checksum mismatch in", bad.nr,
		      "the first block", bad.first, clean ? "corrupt" :
		      "corrupt, or a save cut short by the crash",
		      "the data blocks they describe are unknown");
	}
	if (!clean && meta->v1) {
		memset(m->known, 0, BITS_TO_LONGS(dg->nr_blocks) * sizeof(long));
		atomic64_set(&m->nr_known, 0);
		verify_meta_dirty_all(dg);
		DMWARN("%s: digests on %s %s: all %llu blocks unknown, %llu of them had a digest",
		       verify_meta_name(meta), meta->dev->name,
		       "were not saved cleanly (crash or power cut while in use)",
		       dg->nr_blocks, had);
	} else if (!clean) {
		atomic64_set(&m->nr_known, had);
		verify_meta_load_intent(dg, had);
	} else {
		atomic64_set(&m->nr_known, had);
		DMINFO("%s: %llu of %llu blocks known from %s",
		       verify_meta_name(meta), had, dg->nr_blocks,
		       meta->dev->name);
	}
	if (bad_regions)
		bitmap_or(image, image, bad_regions, nr_regions);
	dm_verify_intent_image_changed(dg);
	if (undefined) {
		DMINFO("%s: undefined blocks (discarded, or a write failed) from %s: %llu",
		       verify_meta_name(meta), meta->dev->name, undefined);
		dm_verify_extents_merge_into(vc, &vc->unverified, &undef);
	}
out:
	bitmap_free(bad_regions);
	dm_bufio_forget_buffers(meta->bufio, 0, verify_meta_end(meta));
	dm_verify_extents_destroy(&undef);
	return r;
}

/*
 * Before the target takes I/O: load the device (unless a reload handed us
 * the digests), then mark it unclean, durably, so that a crash from here
 * on is seen at the next load.
 */
static int verify_meta_resume(struct verify_digest *dg)
{
	struct verify_digest_meta *meta = dg->meta;
	char *err = NULL;
	bool fresh = false, clean;
	int r;

	if (meta->open && !meta->sb_unsure)
		goto start;
	/*
	 * A resume that failed after a failed save armed the pass; dm may
	 * have left it running (another target's preresume failed).
	 */
	dm_verify_intent_stop(dg);
	if (!meta->loaded) {
		r = verify_meta_check_sb(dg, &fresh, &clean, &err);
		/* Before the load reads past the end of a device that shrank. */
		if (!r && !verify_meta_fits(meta)) {
			r = -ENOSPC;
			err = "Metadata device too small for its layout";
		}
		if (!r && fresh) {
			verify_meta_dirty_all(dg);
			meta->formatting = true;
		} else if (!r) {
			r = verify_meta_load(dg, clean);
		}
		if (r) {
			DMERR("%s: cannot load digests from %s (%d)%s%s",
			      verify_meta_name(meta), meta->dev->name, r,
			      err ? ": " : "", err ?: "");
			/*
			 * Half loaded, it must not outlive the failure: a
			 * resume onto the device zeroed meanwhile would trust
			 * known bits whose digests never came.
			 */
			bitmap_zero(dg->store->known, dg->nr_blocks);
			atomic64_set(&dg->store->nr_known, 0);
			return r;
		}
		meta->loaded = true;
	}
	if (!verify_meta_fits(meta)) {
		DMERR("%s: metadata %s is too small for its layout",
		      verify_meta_name(meta), meta->dev->name);
		return -ENOSPC;
	}
	/*
	 * The intent bitmap as it must be (bits kept, or all set) before I/O,
	 * and on the device before the superblock says unclean: a crash
	 * between the two must not pair an unclean superblock with an older
	 * bitmap.
	 */
	r = meta->v1 ? 0 : dm_verify_meta_write_intent(dg,
						       dm_verify_intent_image(dg));
	if (!r)
		r = verify_meta_write_sb(dg, false);
	if (r) {
		dm_verify_meta_count_error(dg);
		DMERR("%s: cannot mark digests on %s in use (%d)",
		      verify_meta_name(meta), meta->dev->name, r);
		/*
		 * In use already, after a failed save: the device goes on,
		 * as it did before that save, and the pass tries again.
		 */
		if (meta->open)
			goto start;
		return r;
	}
	meta->open = true;
	meta->sb_unsure = false;
	meta->saved = false;
start:
	dm_verify_intent_start(dg);
	return 0;
}

static void verify_meta_suspend(struct verify_digest *dg)
{
	dm_verify_intent_stop(dg);
	if (dg->meta->open)
		verify_meta_commit(dg);
}

/*
 * Another table took the digests over and keeps them elsewhere (another
 * metadata device, or memory), or (@taken false) replaced our table
 * without taking them (dm-linear, another mapping): what we saved cleanly
 * at our suspend misses every write from now on, and a table created on
 * this device later would trust the stale digests (false mismatches).
 * Make the device say so: every region set in the intent bitmap (all
 * blocks unknown at the next load), then the superblock unclean, as a
 * resume writes them.  From the new table's resume, or from our destructor
 * once the new table is live, as nothing else would write it; we are
 * suspended and idle.  Done even when our own save failed: the bitmap on
 * the device then lacks the new table's writes.
 */
static int verify_meta_abandon(struct verify_digest *dg,
			       struct verify_digest *taker, bool taken)
{
	struct verify_digest_meta *meta = dg->meta;
	unsigned long *image = dm_verify_intent_image(dg);
	int r = 0;

	if (taker && taker->meta && taker->meta->dev->bdev == meta->dev->bdev)
		return 0;
	if (!meta->v1) {
		bitmap_fill(image, dm_verify_intent_nr_regions(dg));
		dm_verify_intent_image_changed(dg);
		r = dm_verify_meta_write_intent(dg, image);
	}
	if (!r)
		r = verify_meta_write_sb(dg, false);
	if (r) {
		DMERR("%s: cannot mark the digests on %s stale (%d): %s",
		      verify_meta_name(meta), meta->dev->name, r,
		      "zero its first 4 KiB before using it again");
		return r;
	}
	meta->open = true;
	if (taken)
		DMINFO("%s: digests taken over from %s: left unclean, every block unknown there",
		       verify_meta_name(meta), meta->dev->name);
	else
		DMINFO("%s: %s: digests on %s left unclean, every block unknown there",
		       verify_meta_name(meta),
		       "table replaced by one that does not keep them",
		       meta->dev->name);
	return 0;
}

struct block_device *dm_verify_digest_meta_bdev(struct verify_c *vc)
{
	return vc->digest && vc->digest->meta ?
	       vc->digest->meta->dev->bdev : NULL;
}

/*
 * Never writes: dm suspends a table, which saves it, before destroying it;
 * one still open failed to save and stays unclean on the device.  A table
 * replaced by one that takes nothing over is marked stale before this, by
 * verify_meta_abandon().
 */
static void verify_meta_destroy(struct verify_digest *dg)
{
	struct verify_digest_meta *meta = dg->meta;

	if (meta) {
		dm_verify_intent_destroy(dg);
		if (meta->bufio)
			dm_bufio_client_destroy(meta->bufio);
		if (meta->dev)
			dm_put_device(meta->ti, meta->dev);
		kvfree(meta->dirty);
		kvfree(meta->csums);
		kfree(meta->scratch);
		kfree(meta);
		dg->meta = NULL;
	}
	dm_verify_mem_destroy(dg);
}

static const struct verify_digest_store_ops verify_meta_ops = {
	.name = "meta",
	.sleeps = false,
	.destroy = verify_meta_destroy,
	.get = dm_verify_mem_get,
	.set = verify_meta_set,
	.invalidate = verify_meta_invalidate,
	.nr_unknown = dm_verify_mem_nr_unknown,
	.take_over = verify_meta_take_over,
	.resume = verify_meta_resume,
	.suspend = verify_meta_suspend,
	.abandon = verify_meta_abandon,
};

/*
 * Open the metadata device at @path for @vc's digests (in memory already)
 * and check what it holds.  Reads only.
 */
int dm_verify_digest_meta_create(struct dm_target *ti, struct verify_c *vc,
				 const char *path)
{
	struct verify_digest *dg = vc->digest;
	struct verify_digest_meta *meta;
	char *err = NULL;
	bool fresh = false, clean;
	u64 have;
	int r;

	meta = kzalloc(sizeof(*meta), GFP_KERNEL);
	if (!meta) {
		ti->error = "Cannot allocate digests";
		return -ENOMEM;
	}
	meta->ti = ti;
	dg->meta = meta;
	dg->ops = &verify_meta_ops;
	meta->digests_start = 1;
	meta->known_start = meta->digests_start +
			    DIV_ROUND_UP(dg->nr_blocks, VERIFY_META_DIGESTS);
	meta->intent_start = meta->known_start +
			     DIV_ROUND_UP(dg->nr_blocks, VERIFY_META_BITS);
	/* Version 2 unless the device says 1 (verify_meta_set_version()). */
	meta->meta_blocks = meta->intent_start + 1;
	meta->csum_start = meta->intent_start + 1;
	meta->csum_blocks = DIV_ROUND_UP(verify_meta_nr_summed(meta),
					 VERIFY_META_CSUMS);
	/* The most this table may use: the dirty bitmap is sized for it. */
	meta->has_csum = true;
	r = dm_verify_intent_create(dg, dm_table_device_name(ti->table));
	if (r) {
		ti->error = "Cannot allocate digests";
		return r;
	}
	dm_verify_intent_enable(dg, true);

	r = dm_get_device(ti, path, dm_table_get_mode(ti->table), &meta->dev);
	if (r) {
		ti->error = "Metadata device lookup failed";
		return r;
	}
	dg->name = meta->dev->name;
	meta->data_bdev = verify_data_bdev(vc);
	if (meta->dev->bdev == verify_data_bdev(vc)) {
		ti->error = "Metadata device is the data device";
		return -EINVAL;
	}
	if (!dm_verify_meta_claim(vc, meta->dev->bdev)) {
		ti->error = "Metadata device is in use by another verify target";
		return -EBUSY;
	}
	if (bdev_logical_block_size(meta->dev->bdev) > VERIFY_META_BLOCK) {
		ti->error = "Metadata device's logical block size is above 4096";
		return -EINVAL;
	}
	meta->dirty = kvcalloc(BITS_TO_LONGS(verify_meta_end(meta)),
			       sizeof(long), GFP_KERNEL);
	meta->csums = kvcalloc(verify_meta_nr_summed(meta),
			       sizeof(*meta->csums), GFP_KERNEL);
	meta->scratch = kmalloc(VERIFY_META_BLOCK, GFP_KERNEL);
	if (!meta->dirty || !meta->csums || !meta->scratch) {
		ti->error = "Cannot allocate digests";
		return -ENOMEM;
	}
	meta->bufio = dm_bufio_client_create(meta->dev->bdev, VERIFY_META_BLOCK,
					     1, 0, NULL, NULL, 0);
	if (IS_ERR(meta->bufio)) {
		r = PTR_ERR(meta->bufio);
		meta->bufio = NULL;
		ti->error = "Cannot create the metadata buffer cache";
		return r;
	}
	/* What the superblock records says more than the size: first. */
	have = bdev_nr_sectors(meta->dev->bdev);
	if (have >= VERIFY_META_SECTORS) {
		r = verify_meta_check_sb(dg, &fresh, &clean, &err);
		if (r) {
			ti->error = err;
			return r;
		}
	} else {
		meta->has_csum = false;
	}
	if (have < verify_meta_end(meta) * VERIFY_META_SECTORS) {
		DMERR("%s: metadata %s has %llu sectors, needs %llu for %llu blocks of %u bytes",
		      dm_table_device_name(ti->table), meta->dev->name, have,
		      verify_meta_end(meta) * VERIFY_META_SECTORS, dg->nr_blocks,
		      1U << dg->block_shift);
		ti->error = "Metadata device too small";
		return -EINVAL;
	}
	if (fresh && meta->has_csum)
		DMINFO("%s: metadata device %s is zeroed: formatted at the first resume",
		       dm_table_device_name(ti->table), meta->dev->name);
	else if (fresh)
		DMINFO("%s: metadata device %s is zeroed: %s (%llu sectors hold them)",
		       dm_table_device_name(ti->table), meta->dev->name,
		       "formatted at the first resume, without checksums",
		       (meta->meta_blocks + meta->csum_blocks) *
		       VERIFY_META_SECTORS);
	return 0;
}
