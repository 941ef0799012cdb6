/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm-verify: the names and order of the status line's fields and of the
 * mismatch policies.
 *
 * This header is the one place they are spelled.  The target, tools/dmverify
 * and the test helpers (tests/common/verify reads the X() lines with sed)
 * all take them from here, so a field added here is added everywhere.  It
 * includes nothing and needs no kernel: keep it so.
 *
 * The status line is "<state>" followed by these fields, in this order;
 * append only, since scripts read fields by position.
 * X(ENUM_SUFFIX, name)
 */
#ifndef DM_VERIFY_SCHEMA_H
#define DM_VERIFY_SCHEMA_H

#define VERIFY_STATUS_FIELDS(X)				\
	X(READS, reads)					\
	X(WRITES, writes)				\
	X(FLUSHES, flushes)				\
	X(DISCARDS, discards)				\
	X(MISMATCHED_READS, mismatched_reads)		\
	X(MISMATCHED_SECTORS, mismatched_sectors)	\
	X(STATUS_MISMATCHES, status_mismatches)		\
	X(FAULTS_INJECTED, faults_injected)		\
	X(UNVERIFIED_SECTORS, unverified_sectors)	\
	X(LAST_MISMATCH, last_mismatch_sector)		\
	X(UNVERIFIED_RANGES, unverified_ranges)		\
	X(UNVERIFIED_SPAN, unverified_span)		\
	X(UNVERIFIED_MERGES, unverified_merges)		\
	X(VOLATILE_SECTORS, volatile_sectors)		\
	X(CRASHES, crashes)				\
	X(LOST_WRITES, lost_writes)			\
	X(WRITE_CACHE_BYTES, write_cache_bytes)		\
	X(SCRUB_RUNNING, scrub_running)			\
	X(SCRUB_POSITION, scrub_position)		\
	X(SCRUB_END, scrub_end)				\
	X(SCRUB_MISMATCHES, scrub_mismatches)		\
	X(REPAIRED_SECTORS, repaired_sectors)		\
	X(VOLATILE_RANGES, volatile_ranges)		\
	X(SYNC_RUNNING, sync_running)			\
	X(UNSYNCED_SECTORS, unsynced_sectors)		\
	X(UNKNOWN_BLOCKS, unknown_blocks)		\
	X(PARTIAL_BLOCK_WRITES, partial_block_writes)	\
	X(DIRTY_REGIONS, dirty_regions)			\
	X(METADATA_ERRORS, metadata_errors)		\
	X(REREAD_MATCHES, reread_matches)		\
	X(PASS_FAILED_SECTORS, pass_failed_sectors)

/* Values of the first field, <state>. */
#define VERIFY_STATES(X)				\
	X(OK, ok)					\
	X(MISMATCH, mismatch)				\
	X(HALTED, halted)				\
	X(CRASHED, crashed)

/* on_mismatch policies, in the order of enum verify_policy. */
#define VERIFY_POLICIES(X)				\
	X(LOG, log)					\
	X(ERROR, error)					\
	X(REFERENCE, reference)				\
	X(HALT, halt)

/*
 * The enums and name tables built from the lists above.  The builders live
 * here, next to the lists, so that this is the only file whose macros
 * checkpatch cannot read (the Makefile says which checks it skips here).
 */
#define VERIFY_SCHEMA_NAME(name, str)		#str,
#define VERIFY_SCHEMA_POLICY(name, str)	VERIFY_##name,
#define VERIFY_SCHEMA_STAT(name, str)		VERIFY_STAT_##name,
#define VERIFY_SCHEMA_STATE(name, str)		VERIFY_STATE_##name,

enum verify_policy {
	VERIFY_POLICIES(VERIFY_SCHEMA_POLICY)
	VERIFY_NR_POLICIES
};

/*
 * Status fields after <state>, in status line order;
 * VERIFY_STAT_LAST_MISMATCH holds sector + 1, 0 when there was none.
 */
enum verify_stat {
	VERIFY_STATUS_FIELDS(VERIFY_SCHEMA_STAT)
	VERIFY_NR_STATS
};

enum verify_state {
	VERIFY_STATES(VERIFY_SCHEMA_STATE)
	VERIFY_NR_STATES
};

/* Largest write_cache, in MiB: its copies are kernel memory. */
#define VERIFY_WRITE_CACHE_MAX_MB	4096

#endif
