// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify fault, reset and policy: the target's messages.
 */
#define _GNU_SOURCE
#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dmverify.h"

/* The message for fault NAME @sub @args..., or NULL after a usage error. */
static char *fault_message(const char *sub, int argc, char **argv)
{
	unsigned int n = 0;
	char *msg = NULL;
	size_t len = 0;
	uint64_t id;
	FILE *f;
	int i;

	if (!strcmp(sub, "add")) {
		if (!argc) {
			usage_err(dmv_cmd, "fault add needs RULE WORDS");
			return NULL;
		}
	} else if (!strcmp(sub, "del")) {
		/* Rule IDs are what the kernel numbers them with: unsigned int. */
		if (argc != 1 || !parse_u64(argv[0], &id) || id > UINT32_MAX) {
			usage_err(dmv_cmd, "fault del needs a numeric rule ID");
			return NULL;
		}
	} else if (!strcmp(sub, "list") || !strcmp(sub, "clear") ||
		   !strcmp(sub, "enable") || !strcmp(sub, "disable")) {
		if (argc) {
			usage_err(dmv_cmd, "fault %s takes no arguments", sub);
			return NULL;
		}
	} else {
		usage_err(dmv_cmd, "unknown fault operation '%s' (add, del, list, clear, enable or disable)",
			  sub);
		return NULL;
	}

	f = open_memstream(&msg, &len);
	if (!f)
		err(EX_SYSTEM, "open_memstream");
	fprintf(f, "fault %s", sub);
	for (i = 0; i < argc; i++)
		n += put_words(f, argv[i]);
	if (fclose(f))
		err(EX_SYSTEM, "open_memstream");
	if (!strcmp(sub, "add") && (!n || n > VERIFY_RULE_MAX_WORDS)) {
		if (n)
			usage_err(dmv_cmd, "a fault rule has at most %u words",
				  VERIFY_RULE_MAX_WORDS);
		else
			usage_err(dmv_cmd, "fault add needs RULE WORDS");
		free(msg);
		return NULL;
	}
	return msg;
}

/* "<id> <hits> <matches> <rule words>" lines of fault list. */
static void fault_list_print(struct dmv_out *out, const struct dmv_dev *d,
			     char *resp)
{
	char *line, *save = NULL;

	for (line = strtok_r(resp, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long hits, matches;
		unsigned int rid;
		int pos = 0;

		if (sscanf(line, "%u %llu %llu %n", &rid, &hits, &matches,
			   &pos) != 3 || !pos) {
			warnx("%s: unexpected line from the kernel: %s", d->name, line);
			continue;
		}
		output_rule(out, rid, hits, matches, line + pos);
	}
	output_print(out);
}

int cmd_fault(struct dmv_opts *o, int argc, char **argv)
{
	const char *sub = argv[1];
	bool list = !strcmp(sub, "list");
	struct dmv_out *out = NULL;
	char *msg, *resp = NULL;
	struct dmv_dev d;
	int r;

	if (list) {
		r = fault_list_args(o, argc - 1, argv + 1);
		if (r)
			return r < 0 ? EX_CLEAN : r;
		argc = 2;
	} else if (o->json || o->columns || o->raw || o->noheadings) {
		return usage_err(dmv_cmd, "--json, --output, --noheadings and --raw only apply to fault list");
	}
	msg = fault_message(sub, argc - 2, argv + 2);
	if (!msg)
		return EX_USAGE;
	if (list) {
		r = output_new(&out, DMV_OUT_RULE, o, dmv_cmd);
		if (r)
			goto out;
	}
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, msg, &resp);
	if (r)
		goto out;
	if (!strcmp(sub, "add")) {
		fputs(resp, stdout);
		if (*resp && resp[strlen(resp) - 1] != '\n')
			putchar('\n');
	} else if (list) {
		fault_list_print(out, &d, resp);
	}
out:
	output_free(out);
	free(msg);
	free(resp);
	return r;
}

/* Send @msg, which prints nothing, to the verify device @name. */
int dmv_plain_message(const char *name, const char *msg)
{
	struct dmv_dev d;
	char *resp = NULL;
	int r;

	r = dmv_load(name, UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, msg, &resp);
	free(resp);
	return r;
}

int cmd_reset(struct dmv_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	return dmv_plain_message(argv[0], "reset");
}

int cmd_policy(struct dmv_opts *o, int argc, char **argv)
{
	struct dmv_dev d;
	char *resp = NULL, msg[64];
	int r;

	(void)o;
	if (argc == 2 && !valid_policy(argv[1]))
		return usage_err(dmv_cmd, "invalid policy '%s' (%s)",
				 argv[1], policy_choices());
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (r)
		return r;
	if (argc == 1) {
		printf("%s\n", d.t.policy);
		return EX_CLEAN;
	}
	snprintf(msg, sizeof(msg), "on_mismatch %s", argv[1]);
	r = dmv_message(&d, msg, &resp);
	free(resp);
	return r;
}
