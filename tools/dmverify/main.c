// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: userspace front end of the dm-verify device-mapper target.
 *
 * Talks to the kernel through libdevmapper only (never runs dmsetup).
 * Exit codes: 0 clean, 1 mismatches present, 2 usage error, 3 system error.
 *
 * The command table below is the map of the tool: each command's name,
 * handler, options, number of arguments and help.  main() parses the
 * options and checks the argument count from it, so a handler only sees
 * valid positional arguments and the options in struct dmv_opts.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dmverify.h"

int verbose;
bool use_udev_cookies;
const char *dmv_cmd;

/* Usage error: message plus a pointer to the command's help. */
int usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "Try '%s %s --help'.\n",
			program_invocation_short_name, cmd);
	else
		fprintf(stderr, "Try '%s --help'.\n", program_invocation_short_name);
	return EX_USAGE;
}

#define OPT_HELP	{ "help", no_argument, NULL, 'h' }
#define OPT_JSON	{ "json", no_argument, NULL, 'J' }
#define OPT_OUTPUT	{ "output", required_argument, NULL, 'o' }
#define OPT_NOHEADINGS	{ "noheadings", no_argument, NULL, 'n' }
#define OPT_RAW		{ "raw", no_argument, NULL, 'r' }
#define OPT_END		{ NULL, 0, NULL, 0 }

/* -j is the spelling of --json before 2.0; still accepted. */
#define OUTPUT_OPTS	"hJjo:nr"

static const struct option create_opts[] = {
	OPT_HELP,
	{ "on-mismatch", required_argument, NULL, 'p' },
	{ "seed", required_argument, NULL, 's' },
	{ "fault", required_argument, NULL, 'f' },
	{ "write-cache", required_argument, NULL, 'w' },
	{ "sync", no_argument, NULL, 'y' },
	{ "digest", required_argument, NULL, 'D' },
	{ "digest-block", required_argument, NULL, 'B' },
	{ "metadata", required_argument, NULL, 'm' },
	OPT_END
};

static const struct option crash_opts[] = {
	OPT_HELP, OPT_JSON,
	{ "lost", required_argument, NULL, 'l' },
	OPT_END
};

static const struct option scrub_opts[] = {
	OPT_HELP, OPT_JSON,
	{ "repair", no_argument, NULL, 'R' },
	{ "stop", no_argument, NULL, 'S' },
	{ "wait", no_argument, NULL, 'W' },
	{ "rate", required_argument, NULL, 't' },
	OPT_END
};

static const struct option sync_opts[] = {
	OPT_HELP, OPT_JSON,
	{ "stop", no_argument, NULL, 'S' },
	{ "wait", no_argument, NULL, 'W' },
	{ "rate", required_argument, NULL, 't' },
	OPT_END
};

static const struct option remove_opts[] = {
	OPT_HELP,
	{ "retry", no_argument, NULL, 'r' },
	OPT_END
};

static const struct option table_opts[] = {
	OPT_HELP, OPT_JSON, OPT_OUTPUT, OPT_NOHEADINGS, OPT_RAW, OPT_END
};

static const struct option status_opts[] = {
	OPT_HELP, OPT_JSON, OPT_OUTPUT, OPT_NOHEADINGS, OPT_END
};

static const struct option watch_opts[] = {
	OPT_HELP,
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	OPT_END
};

static const struct option diff_opts[] = {
	OPT_HELP,
	{ "only-diff", no_argument, NULL, 'd' },
	OPT_END
};

static const struct option help_opts[] = { OPT_HELP, OPT_END };

static const struct dmv_command commands[] = {
	{ "create", cmd_create, 3, 3, "hp:s:f:w:yD:B:m:", create_opts, DMV_OUT_NONE,
	  "needs NAME DATA REF",
	  "NAME DATA REF [--on-mismatch POLICY] [--seed N] [--fault \"RULE\"]...\n"
	  "       [--write-cache MIB] [--sync] [--metadata META]\n"
	  "       NAME DATA - --digest META|- [--digest-block BYTES] [...]",
	  "create a verify device over DATA, compared against REF",
	  "Create the device-mapper device NAME with one verify target that covers\n"
	  "all of DATA and compares every read with the same sectors of REF.\n"
	  "The length is DATA's size; REF must be at least as large (a larger REF is\n"
	  "fine). REF may be '-' for no reference leg (counting and fault injection\n"
	  "only, or digest mode with --digest).\n"
	  "\n"
	  "  -p, --on-mismatch POLICY  log (default), error, reference or halt\n"
	  "  -s, --seed N              seed of the fault injection random numbers\n"
	  "  -f, --fault \"RULE\"        a fault rule (quoted words, repeatable), e.g.\n"
	  "                            --fault \"read sectors 0 8 every 2 error EIO\"\n"
	  "  -w, --write-cache MIB     emulate a volatile write cache that keeps up to\n"
	  "                            MIB MiB of undo copies (1 to 4096), so that\n"
	  "                            crash can cut the power\n"
	  "  -y, --sync                copy DATA to REF in the background from the\n"
	  "                            start (see sync); nothing is compared before\n"
	  "                            the copy has been there\n"
	  "  -D, --digest META|-       digest mode (REF must be '-'): keep a digest of\n"
	  "                            every block written and check reads and scrub\n"
	  "                            passes against it; '-' keeps the digests in\n"
	  "                            memory only, META saves them on that device\n"
	  "                            (zeroed, or a digest store of this DATA)\n"
	  "  -B, --digest-block BYTES  bytes per digest, a power of two from 512 to\n"
	  "                            1048576 (default 4096); DATA's size must be a\n"
	  "                            multiple of it\n"
	  "  -m, --metadata META       keep the undefined and unsynced ranges and the\n"
	  "                            counters on the block device META, so that\n"
	  "                            they outlive a removal and a reboot (needs REF;\n"
	  "                            a zeroed META is formatted)\n" },
	{ "remove", cmd_remove, 1, 1, "hr", remove_opts, DMV_OUT_NONE,
	  "needs NAME", "NAME [--retry]",
	  "remove a verify device",
	  "Remove the verify device NAME. Refuses devices without a verify target.\n"
	  "\n"
	  "  -r, --retry   retry for a while if the device is busy\n" },
	{ "list", cmd_list, 0, 0, OUTPUT_OPTS, table_opts, DMV_OUT_DEVICE,
	  "takes no arguments", "[--json] [--output COLUMNS] [--noheadings] [--raw]",
	  "list every device with a verify target",
	  "A table of the device-mapper devices that have a verify target: by\n"
	  "default name, state, reads, writes, mismatched reads and sectors, status\n"
	  "mismatches, faults injected, policy, the last mismatching sector,\n"
	  "volatile sectors, crashes and lost writes.\n"
	  "Exits 1 if any device has mismatches (state mismatch or halted, or\n"
	  "crashed with mismatch counters above 0).\n"
	  "\n"
	  "  -J, --json            JSON {\"devices\": [...]}, by default every column\n"
	  "  -o, --output COLUMNS  the columns to show (+COLUMNS: add to the default)\n"
	  "  -n, --noheadings      no heading line\n"
	  "  -r, --raw             columns separated by one space, not aligned\n" },
	{ "status", cmd_status, 1, 1, "hJjo:n", status_opts, DMV_OUT_DEVICE,
	  "needs NAME", "NAME [--json] [--output COLUMNS] [--noheadings]",
	  "show every status field of a verify device",
	  "Print the status fields of NAME (state, counters, last mismatching\n"
	  "sector) and the table (data and reference device, offsets, policy,\n"
	  "seed, number of fault rules, write cache size, digest store and block\n"
	  "size), one 'name: value' per\n"
	  "line. Exits 1 if there are mismatches: state mismatch or halted, or\n"
	  "state crashed with mismatched reads, status mismatches or scrub\n"
	  "mismatches (crashed alone, a power cut, exits 0).\n"
	  "\n"
	  "  -J, --json            JSON {\"devices\": [{...}]} with the same names;\n"
	  "                        numbers are JSON numbers, missing values null\n"
	  "  -o, --output COLUMNS  only these fields (+COLUMNS: all and these again)\n"
	  "  -n, --noheadings      only the values, one per line\n" },
	{ "watch", cmd_watch, 1, 1, "hi:c:n:", watch_opts, DMV_OUT_NONE,
	  "needs NAME", "NAME [--interval SEC] [--count N]",
	  "show live counters",
	  "Refresh the status of NAME every SEC seconds (default 1), in place on a\n"
	  "terminal, as repeated blocks otherwise. Changed counters show the\n"
	  "difference to the previous refresh. Exit status as for status, from the\n"
	  "last refresh.\n"
	  "\n"
	  "  -i, --interval SEC  seconds between refreshes (fractions allowed)\n"
	  "  -n SEC              the same, as in watch(1)\n"
	  "  -c, --count N       stop after N refreshes (default: until interrupted)\n" },
	{ "mismatches", cmd_mismatches, 1, 1, OUTPUT_OPTS, table_opts, DMV_OUT_MISMATCH,
	  "needs NAME",
	  "NAME [--json] [--output COLUMNS] [--noheadings] [--raw]",
	  "show the recent read mismatch log",
	  "Print the target's log of recent read mismatches (the last 16): the\n"
	  "first differing sector and byte, the number of differing sectors, the\n"
	  "bio, and up to 16 bytes of each leg from the first difference.\n"
	  "Exits 1 if any mismatch is recorded, or as status would (a state of\n"
	  "mismatch or halted, or crashed with mismatches counted).\n"
	  "\n"
	  "  -J, --json            JSON {\"mismatches\": [...]}\n"
	  "  -o, --output COLUMNS  a table of these columns instead of the hexdump\n"
	  "  -n, --noheadings      a table without heading line\n"
	  "  -r, --raw             a table, columns separated by one space\n" },
	{ "diff", cmd_diff, 2, 3, "hd", diff_opts, DMV_OUT_NONE,
	  "needs NAME SECTOR [COUNT]", "NAME SECTOR [COUNT] [--only-diff]",
	  "hexdump sectors of both legs side by side",
	  "Read COUNT (default 1) sectors starting at SECTOR of NAME directly from\n"
	  "the data and the reference device (table offsets applied, O_DIRECT) and\n"
	  "print them side by side, 16 bytes per row; rows that differ start with\n"
	  "'*' and are followed by a line marking the differing bytes with '^^'.\n"
	  "Exits 1 if any byte differs.\n"
	  "\n"
	  "  -d, --only-diff   print only the rows that differ\n" },
	/* "+": rule words are not options; list parses its own (fault_list_args). */
	{ "fault", cmd_fault, 2, -1, "+" OUTPUT_OPTS, table_opts, DMV_OUT_RULE,
	  "needs NAME and add|del|list|clear|enable|disable",
	  "NAME add RULE WORDS... | del ID | list [--json] [--output COLUMNS]\n"
	  "       [--noheadings] [--raw] | clear | enable | disable",
	  "manage fault injection rules",
	  "add prints the new rule's id; list prints id, hits, matches and the\n"
	  "rule (-J, -o, -n, -r as for list); clear deletes every rule;\n"
	  "disable/enable pause and resume them.\n"
	  "A rule: OP [sectors START END] [flags fua,preflush,meta,sync] [every N]\n"
	  "[nth N] [times N] [after N] [prob PPM] [window UP_MS DOWN_MS] ACTION\n"
	  "with OP read, write, flush, discard, write_zeroes or any and ACTION\n"
	  "error [ERRNO] | error_after [ERRNO] | drop | delay MS [JITTER] |\n"
	  "corrupt [BYTE [XOR]] | crash [all | prob PPM | torn PPM] (a power cut\n"
	  "before the bio that fires it; needs a write cache, see crash).\n"
	  "A rule the kernel refuses is reported with the kernel's reason.\n" },
	{ "crash", cmd_crash, 1, 1, "hJjl:", crash_opts, DMV_OUT_NONE,
	  "needs NAME", "NAME [--lost all|prob:PPM|torn:PPM] [--json]",
	  "cut the power of the emulated write cache",
	  "Simulate a power cut of NAME, which needs a write cache (the create\n"
	  "option): bios in flight and every later bio fail with EIO until\n"
	  "power-on, and a seeded choice of the volatile writes (completed but not\n"
	  "yet flushed) is undone on both legs. Prints the number of volatile\n"
	  "writes, of those lost, of those torn (kept in part) and the sectors\n"
	  "undone, one 'name: value' per line.\n"
	  "\n"
	  "  -l, --lost MODE  which volatile writes are lost: all (default),\n"
	  "                   prob:PPM (each with probability PPM/1000000) or\n"
	  "                   torn:PPM (each kept one loses each logical block\n"
	  "                   with that probability)\n"
	  "  -J, --json       JSON {\"crash\": {...}} with the same names\n" },
	{ "power-on", cmd_power_on, 1, 1, "h", help_opts, DMV_OUT_NONE,
	  "needs NAME", "NAME",
	  "serve bios again after a crash",
	  "Leave the crashed state of NAME: bios reach the legs again, which hold\n"
	  "the post-crash content.\n" },
	{ "data-crashed", cmd_data_crashed, 1, 1, "h", help_opts, DMV_OUT_NONE,
	  "needs NAME", "NAME",
	  "the data device lost its volatile writes",
	  "Tell NAME that its data device restarted or lost power (a server or a\n"
	  "cache lost its contents): the regions of volatile writes become\n"
	  "unverified, everything durable is still compared. Needs a reference.\n"
	  "Prints the number of sectors made unverified.\n" },
	{ "scrub", cmd_scrub, 1, 3, "hJjRSWt:", scrub_opts, DMV_OUT_NONE,
	  "needs NAME [START END]",
	  "NAME [START END] [--repair] [--rate MIB] [--wait [--json]] | NAME --stop",
	  "compare both legs in the background",
	  "Start a scrub pass of NAME, over the whole device or the target sectors\n"
	  "[START, END): the kernel reads both legs 1 MiB at a time and compares\n"
	  "them as reads are compared, to find corruption no read has touched.\n"
	  "Differences are reported like read mismatches (see mismatches) and\n"
	  "counted in scrub_mismatches. In digest mode (the digest feature) the kernel\n"
	  "reads the data device and checks each block that has a digest against\n"
	  "it; blocks without one (unknown_blocks) are skipped, and there is\n"
	  "nothing to repair from.\n"
	  "\n"
	  "  -R, --repair     also rewrite the data device's mismatching sectors\n"
	  "                   from the reference (counted in repaired_sectors);\n"
	  "                   not in digest mode\n"
	  "  -t, --rate MIB   limit passes to about MIB MiB/s (0: no limit)\n"
	  "  -W, --wait       follow the pass until it ends: a progress line on a\n"
	  "                   terminal; exit 0 when it completed clean, 1 when it\n"
	  "                   completed and found mismatches, 3 when it was\n"
	  "                   stopped or passed over chunks it could not read or\n"
	  "                   repair (pass_failed_sectors)\n"
	  "  -J, --json       with --wait, one JSON {\"scrub\": {...}} line per poll\n"
	  "                   (with unknown_blocks in digest mode)\n"
	  "  -S, --stop       end the running pass\n" },
	{ "sync", cmd_sync, 1, 3, "hJjSWt:", sync_opts, DMV_OUT_NONE,
	  "needs NAME [START END]",
	  "NAME [START END] [--rate MIB] [--wait [--json]] | NAME --stop",
	  "copy the data device to the reference, online",
	  "Start a sync pass of NAME, over the whole device or the target sectors\n"
	  "[START, END): the kernel copies the data device to the reference 1 MiB\n"
	  "at a time while the device stays in use, so that its current content\n"
	  "becomes the trusted start. Sectors not yet copied are not compared\n"
	  "(unsynced_sectors); a write through the device makes its range\n"
	  "comparable at once. A stopped pass leaves the rest unsynced; sync again\n"
	  "to finish. Needs a reference, or digest mode, where it digests the data\n"
	  "device instead.\n"
	  "\n"
	  "  -t, --rate MIB   limit passes to about MIB MiB/s (0: no limit)\n"
	  "  -W, --wait       follow the pass until it ends: a progress line on a\n"
	  "                   terminal; exit 0 when it completed, 3 when it was\n"
	  "                   stopped or chunks of it failed (left unsynced)\n"
	  "  -J, --json       with --wait, one JSON {\"sync\": {...}} line per poll\n"
	  "  -S, --stop       end the running pass\n" },
	{ "reset", cmd_reset, 1, 1, "h", help_opts, DMV_OUT_NONE,
	  "needs NAME", "NAME",
	  "zero the counters, clear the log and the halted state",
	  "Zero every counter of NAME, clear its mismatch log and leave the halted\n"
	  "state.\n" },
	{ "policy", cmd_policy, 1, 2, "h", help_opts, DMV_OUT_NONE,
	  "needs NAME [POLICY]", "NAME [POLICY]",
	  "show or set the mismatch policy",
	  "Without POLICY print the current policy of NAME; with it switch to\n"
	  "log (count and log), error (fail the read), reference (return the\n"
	  "reference data) or halt (fail this and every later bio until reset).\n" },
	{ "help", cmd_help, 0, 1, "h", help_opts, DMV_OUT_NONE,
	  "takes at most one COMMAND", "[COMMAND]", "show help",
	  "Show the help of COMMAND, or of dmverify.\n" },
};

static const struct dmv_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void main_help(FILE *f)
{
	const char *prog = program_invocation_short_name;
	size_t i;

	fprintf(f,
		"Usage: %s [-v] COMMAND [ARGS]...\n"
		"       %s COMMAND --help | help COMMAND | --help | --version\n"
		"\n"
		"Manage dm-verify devices: device-mapper devices that compare every\n"
		"read of a data device with a reference device.\n"
		"\n"
		"Commands:\n", prog, prog);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version\n"
		"  -v, --verbose   show libdevmapper messages and the table (repeat for debug)\n"
		"\n"
		"Exit status: 0 clean, 1 mismatches present (status, list, mismatches,\n"
		"diff, watch), 2 usage error, 3 system error (no such device, device-mapper\n"
		"or kernel error, module not loaded).\n"
		"See dmverify(8).\n");
}

static void command_help(const struct dmv_command *c, FILE *f)
{
	fprintf(f, "Usage: %s %s %s\n\n%s", program_invocation_short_name,
		c->name, c->args, c->help);
	if (c->outputs)
		output_columns_help(c->outputs, f);
}

int cmd_help(struct dmv_opts *o, int argc, char **argv)
{
	const struct dmv_command *c;

	(void)o;
	if (!argc) {
		main_help(stdout);
		return EX_CLEAN;
	}
	c = find_command(argv[0]);
	if (!c)
		return usage_err(NULL, "unknown command '%s'", argv[0]);
	command_help(c, stdout);
	return EX_CLEAN;
}

/*
 * One option of @cmd.  The letters are the command's own (from its
 * optstring): -r and -n are --raw and --noheadings for the commands that
 * print tables, --retry for remove and the interval for watch (as watch(1)).
 */
static int command_option(const struct dmv_command *cmd, struct dmv_opts *o,
			  int c, const char *arg)
{
	unsigned int n;

	switch (c) {
	case 'J':
	case 'j':
		o->json = true;
		return EX_CLEAN;
	case 'o':
		o->columns = arg;
		return EX_CLEAN;
	case 'r':
		if (cmd->outputs)
			o->raw = true;
		else
			o->retry = true;
		return EX_CLEAN;
	case 'n':
		if (cmd->outputs) {
			o->noheadings = true;
			return EX_CLEAN;
		}
		fallthrough;
	case 'i':
		if (!parse_seconds(arg, &o->interval))
			return usage_err(cmd->name, "invalid interval '%s' (seconds, 0.001 to 86400)",
					 arg);
		return EX_CLEAN;
	case 'c':
		if (!parse_u64(arg, &o->count) || !o->count)
			return usage_err(cmd->name, "invalid count '%s'", arg);
		return EX_CLEAN;
	case 'd':
		o->only_diff = true;
		return EX_CLEAN;
	case 'R':
		o->repair = true;
		return EX_CLEAN;
	case 'S':
		o->scrub_stop = true;
		return EX_CLEAN;
	case 'W':
		o->wait = true;
		return EX_CLEAN;
	case 'y':
		o->sync = true;
		return EX_CLEAN;
	case 'D':
	case 'B':
		return digest_option(o, c, arg);
	case 'm':
		o->metadata = arg;
		return EX_CLEAN;
	case 't': {
		uint64_t rate;

		if (!parse_u64(arg, &rate) || rate > 1000000)
			return usage_err(cmd->name, "invalid rate '%s' (MiB/s, 0: no limit, at most 1000000)",
					 arg);
		o->rate = rate;
		o->have_rate = true;
		return EX_CLEAN;
	}
	case 'p':
		if (!valid_policy(arg))
			return usage_err(cmd->name, "invalid policy '%s' (%s)",
					 arg, policy_choices());
		o->policy = arg;
		return EX_CLEAN;
	case 's':
		if (!parse_u64(arg, &o->seed))
			return usage_err(cmd->name, "invalid seed '%s'", arg);
		o->have_seed = true;
		return EX_CLEAN;
	case 'w':
		if (!parse_u64(arg, &o->write_cache) || !o->write_cache ||
		    o->write_cache > VERIFY_WRITE_CACHE_MAX_MB)
			return usage_err(cmd->name, "invalid write cache size '%s' (MiB, 1 to %u)",
					 arg, VERIFY_WRITE_CACHE_MAX_MB);
		o->have_write_cache = true;
		return EX_CLEAN;
	case 'l':
		if (!parse_lost(arg, &o->lost_mode, &o->lost_ppm))
			return usage_err(cmd->name, "invalid --lost '%s' (all, prob:PPM or torn:PPM, PPM 0 to %u)",
					 arg, VERIFY_PPM);
		return EX_CLEAN;
	case 'f': {
		char *words = NULL;
		size_t len = 0;
		FILE *w = open_memstream(&words, &len);

		if (!w)
			err(EX_SYSTEM, "open_memstream");
		n = put_words(w, arg);
		fclose(w);
		if (!n) {
			free(words);
			return usage_err(cmd->name, "empty fault rule");
		}
		/* The kernel's limits (dm-verify-fault.h). */
		if (n > VERIFY_RULE_MAX_WORDS) {
			free(words);
			return usage_err(cmd->name, "a fault rule has at most %u words",
					 VERIFY_RULE_MAX_WORDS);
		}
		if (o->nr_faults == VERIFY_MAX_RULES) {
			free(words);
			return usage_err(cmd->name, "at most %u fault rules",
					 VERIFY_MAX_RULES);
		}
		if (!o->fault_stream) {
			o->fault_stream = open_memstream(&o->features, &o->features_len);
			if (!o->fault_stream)
				err(EX_SYSTEM, "open_memstream");
		}
		fprintf(o->fault_stream, " fault %u%s", n, words);
		free(words);
		o->feature_words += 2 + n;
		o->nr_faults++;
		return EX_CLEAN;
	}
	default:	/* getopt printed what is wrong */
		fprintf(stderr, "Try '%s %s --help'.\n",
			program_invocation_short_name, cmd->name);
		return EX_USAGE;
	}
}

/* Options and argument count of @cmd; -1 when help was printed. */
static int command_args(const struct dmv_command *cmd, struct dmv_opts *o,
			int argc, char **argv)
{
	int c, r, nargs;

	while ((c = getopt_long(argc, argv, cmd->optstring, cmd->longopts,
				NULL)) != -1) {
		if (c == 'h') {
			command_help(cmd, stdout);
			return -1;
		}
		r = command_option(cmd, o, c, optarg);
		if (r)
			return r;
	}
	nargs = argc - optind;
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args))
		return usage_err(cmd->name, "%s %s",
				 cmd->name, cmd->operands);
	return EX_CLEAN;
}

/*
 * fault NAME list [-J] [-o COLUMNS] [-n] [-r]: @argv starts at "list".
 * Returns EX_CLEAN, EX_USAGE, or -1 when help was printed.
 */
int fault_list_args(struct dmv_opts *o, int argc, char **argv)
{
	const struct dmv_command *cmd = find_command("fault");
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, OUTPUT_OPTS, table_opts, NULL)) != -1) {
		if (c == 'h') {
			command_help(cmd, stdout);
			return -1;
		}
		r = command_option(cmd, o, c, optarg);
		if (r)
			return r;
	}
	if (optind != argc)
		return usage_err("fault", "fault list takes no arguments");
	return EX_CLEAN;
}

static void print_version(void)
{
	char lib[64] = "unknown";
	const char *scols = "unknown";

	if (!dm_get_library_version(lib, sizeof(lib)))
		snprintf(lib, sizeof(lib), "unknown");
	scols_get_library_version(&scols);
	printf("dmverify %s (libdevmapper %s, libsmartcols %s)\n", DMV_VERSION,
	       lib, scols);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		OPT_END
	};
	const struct dmv_command *cmd;
	struct dmv_opts o = { .interval = 1.0, .digest.fd = -1 };
	int c, r;

	dmv_log_init();
	/* Options before the command only: stop at the first non-option. */
	while ((c = getopt_long(argc, argv, "+hVv", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			main_help(stdout);
			return EX_CLEAN;
		case 'V':
			print_version();
			return EX_CLEAN;
		case 'v':
			verbose++;
			break;
		default:
			fprintf(stderr, "Try '%s --help'.\n",
				program_invocation_short_name);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		main_help(stderr);
		return EX_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return usage_err(NULL, "unknown command '%s'", argv[optind]);
	dmv_cmd = cmd->name;

	argv += optind;
	argc -= optind;
	optind = 0;		/* reinitialise getopt for the command */
	r = command_args(cmd, &o, argc, argv);
	if (o.fault_stream)
		fclose(o.fault_stream);
	if (r) {
		free(o.features);
		return r < 0 ? EX_CLEAN : r;
	}

	if (getenv("DM_DISABLE_UDEV")) {
		/* No udev (e.g. an initramfs): libdevmapper makes the nodes. */
		dm_udev_set_sync_support(0);
		use_udev_cookies = false;
	} else {
		use_udev_cookies = dm_udev_get_sync_support() != 0;
	}

	r = cmd->fn(&o, argc - optind, argv + optind);
	free(o.features);
	fflush(stdout);
	dm_lib_release();
	dm_lib_exit();
	if (ferror(stdout) && r == EX_CLEAN)
		r = EX_SYSTEM;
	return r;
}
