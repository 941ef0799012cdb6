/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm-verify digest mode: one 64-bit digest per block of the target, kept by
 * a store behind the small interface below, so that the I/O path (in
 * dm-verify-digest.c) does not care where digests live.
 *
 * A block's digest is either known (the xxh64 of what the block holds) or
 * unknown (never written through the target, written in part, discarded,
 * or a write to it failed): an unknown block is not verified.
 */
#ifndef DM_VERIFY_DIGEST_H
#define DM_VERIFY_DIGEST_H

#include <linux/types.h>

struct verify_digest;

struct verify_digest_store_ops {
	const char *name;		/* as in the table: "-" for memory */
	/*
	 * Set when get, set and invalidate may sleep (a metadata device):
	 * the I/O path then calls them from its workqueue only.
	 */
	bool sleeps;
	void (*destroy)(struct verify_digest *dg);
	/* True, with *@digest, when @block's digest is known. */
	bool (*get)(struct verify_digest *dg, u64 block, u64 *digest);
	void (*set)(struct verify_digest *dg, u64 block, u64 digest);
	/* Make blocks [@block, @block + @nr) unknown. */
	void (*invalidate)(struct verify_digest *dg, u64 block, u64 nr);
	u64 (*nr_unknown)(struct verify_digest *dg);
	/* Copy what @old knows of the blocks both have; @old is idle. */
	void (*take_over)(struct verify_digest *dg, struct verify_digest *old);
	/*
	 * Optional, for a persistent store, in process context with no I/O
	 * in flight: before the target takes I/O (a failure fails the
	 * resume), and once it is idle again.
	 */
	int (*resume)(struct verify_digest *dg);
	void (*suspend)(struct verify_digest *dg);
	/*
	 * Optional: @dg's table is replaced, with @dg suspended and idle, by
	 * one that took the digests over (@taken) and keeps them elsewhere
	 * (@taker: its store, or NULL), or by one that took nothing (@taken
	 * false: dm-linear, another mapping).  A persistent store must not be
	 * trusted as it is afterwards.  Returns 0, or the error of a write to
	 * the metadata device.
	 */
	int (*abandon)(struct verify_digest *dg, struct verify_digest *taker,
		       bool taken);
};

/* The in-memory store: a digest and a "known" bit per block. */
struct verify_digest_mem {
	u64 *digests;
	unsigned long *known;
	atomic64_t nr_known;
};

struct verify_digest_meta;
struct verify_intent;

/* Blocks that do not match their digests: how many, and the first one. */
struct verify_digest_found {
	u64 bad;
	u64 first;
	u64 got;		/* its digest now */
	u64 want;		/* its digest as written */
};

struct verify_digest {
	const struct verify_digest_store_ops *ops;
	const char *name;		/* as in the table: "-" or the device */
	/* The working set: every store keeps all digests in memory. */
	struct verify_digest_mem *store;
	struct verify_digest_meta *meta;	/* NULL: memory only */
	struct verify_intent *intent;	/* with meta: the write-intent log */
	bool taken_over;		/* a reload handed us the digests */
	unsigned int block_shift;	/* log2 of the block size in bytes */
	unsigned int block_sectors;
	u64 nr_blocks;
	u64 zero_digest;		/* of a block of zeroes (write zeroes) */
};

/*
 * The in-memory store's operations (dm-verify-digest.c), which the
 * metadata store (dm-verify-digest-meta.c) wraps.
 */
int dm_verify_mem_create(struct verify_digest *dg);
void dm_verify_mem_destroy(struct verify_digest *dg);
bool dm_verify_mem_get(struct verify_digest *dg, u64 block, u64 *digest);
void dm_verify_mem_set(struct verify_digest *dg, u64 block, u64 digest);
void dm_verify_mem_invalidate(struct verify_digest *dg, u64 block, u64 nr);
u64 dm_verify_mem_nr_unknown(struct verify_digest *dg);
void dm_verify_mem_take_over(struct verify_digest *dg, struct verify_digest *old);

/*
 * The write-intent log (dm-verify-digest-intent.c) and the two metadata
 * writes it asks of dm-verify-digest-meta.c.
 */
unsigned int dm_verify_intent_shift(struct verify_digest *dg);
int dm_verify_intent_create(struct verify_digest *dg, const char *name);
void dm_verify_intent_destroy(struct verify_digest *dg);
u64 dm_verify_intent_nr_regions(struct verify_digest *dg);
void dm_verify_intent_enable(struct verify_digest *dg, bool on);
unsigned long *dm_verify_intent_image(struct verify_digest *dg);
void dm_verify_intent_image_changed(struct verify_digest *dg);
void dm_verify_intent_blocks(struct verify_digest *dg, u64 r, u64 *first,
			     u64 *end);
void dm_verify_intent_start(struct verify_digest *dg);
void dm_verify_intent_stop(struct verify_digest *dg);
int dm_verify_meta_save(struct verify_digest *dg);
void dm_verify_meta_count_error(struct verify_digest *dg);
int dm_verify_meta_write_intent(struct verify_digest *dg,
				const unsigned long *image);

#endif
