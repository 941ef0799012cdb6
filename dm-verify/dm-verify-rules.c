// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: the fault rules' table words and messages (the `fault` feature,
 * `fault add|del|list|...`, their place in `dmsetup table` and in the IMA
 * measurement).  The rules themselves, parsing and matching, are pure logic
 * in dm-verify-fault.c.
 */
#include "dm-verify.h"

#include <linux/ktime.h>

/* fault <#words> <words>...: one rule in a table line. */
int dm_verify_parse_fault_feature(struct dm_target *ti, struct dm_arg_set *as,
				  unsigned int *argc)
{
	static const struct dm_arg _arg = {
		1, VERIFY_RULE_MAX_WORDS, "Invalid fault rule word count"
	};
	struct verify_c *vc = ti->private;
	struct verify_rule rule;
	const char *error;
	unsigned int n;
	int r;

	r = dm_read_arg_group(&_arg, as, &n, &ti->error);
	if (r)
		return r;
	if (n + 1 > *argc) {
		ti->error = "Fault rule runs past the feature args";
		return -EINVAL;
	}
	*argc -= n + 1;
	r = dm_verify_rule_parse(&rule, n, as->argv, &error);
	if (!r)
		r = dm_verify_faults_add(&vc->faults, &rule, ktime_to_ms(ktime_get()),
					 &error);
	if (r) {
		ti->error = (char *)error;
		return -EINVAL;
	}
	dm_consume_args(as, n);
	return 0;
}

/* Rules the table's other features must allow; at table load. */
int dm_verify_rules_check(struct verify_c *vc, char **error)
{
	unsigned int i;

	for (i = 0; i < vc->faults.nr; i++) {
		if (vc->faults.rule[i].action == VERIFY_ACT_CRASH &&
		    !vc->wc.budget) {
			*error = "Fault action crash needs the write_cache feature";
			return -EINVAL;
		}
	}
	return 0;
}

/* One line per rule: <id> <hits> <matches> <rule words> */
static void verify_emit_rules(struct verify_c *vc, char *result,
			      unsigned int maxlen)
{
	struct verify_faults *f = &vc->faults;
	unsigned int sz = 0, i;
	unsigned long flags;
	char rule[VERIFY_RULE_MAX_LEN];

	spin_lock_irqsave(&vc->fault_lock, flags);
	for (i = 0; i < f->nr; i++) {
		if (dm_verify_rule_format(&f->rule[i], rule, sizeof(rule)) < 0)
			continue;
		DMEMIT("%u %llu %llu %s\n", f->rule[i].id,
		       (unsigned long long)f->rule[i].hits,
		       (unsigned long long)f->rule[i].matches, rule);
	}
	spin_unlock_irqrestore(&vc->fault_lock, flags);
}

/* Feature words the rules take in a table line; needs vc->fault_lock. */
unsigned int dm_verify_rules_table_words(struct verify_c *vc)
{
	struct verify_faults *f = &vc->faults;
	char rule[VERIFY_RULE_MAX_LEN];
	unsigned int words = 0, i;
	int n;

	for (i = 0; i < f->nr; i++) {
		n = dm_verify_rule_format(&f->rule[i], rule, sizeof(rule));
		if (n > 0)
			words += 2 + n;
	}
	return words;
}

/* " fault <#words> <words>" per rule; needs vc->fault_lock. */
void dm_verify_rules_emit_table(struct verify_c *vc, char *result,
				unsigned int maxlen, unsigned int *szp)
{
	struct verify_faults *f = &vc->faults;
	char rule[VERIFY_RULE_MAX_LEN];
	unsigned int sz = *szp, i;
	int n;

	for (i = 0; i < f->nr; i++) {
		n = dm_verify_rule_format(&f->rule[i], rule, sizeof(rule));
		if (n > 0)
			DMEMIT(" fault %d %s", n, rule);
	}
	*szp = sz;
}

/*
 * Room kept after the rules for ",fault_rules_truncated=y" and the closing
 * ';': dm-ima gives the status 2048 bytes, which 32 long rules exceed.
 */
#define VERIFY_IMA_TAIL		32
/* ",fault_rule_<id>=": an id has at most 10 digits. */
#define VERIFY_IMA_RULE_KEY	24

/*
 * The seed and every rule, so that a measurement shows faults are injected:
 * ",seed=<n>,fault_rules=<n>,fault_rule_<id>=<words>" with the words joined
 * by '+' and the commas of a flag list as '|' (IMA's separators).  Rules
 * that do not fit whole are left out, and the entry then says so.
 */
void dm_verify_rules_emit_ima(struct verify_c *vc, char *result,
			      unsigned int maxlen, unsigned int *szp)
{
	struct verify_faults *f = &vc->faults;
	char rule[VERIFY_RULE_MAX_LEN], *p;
	unsigned int sz = *szp, i;
	unsigned long flags;

	spin_lock_irqsave(&vc->fault_lock, flags);
	DMEMIT(",seed=%llu,fault_rules=%u,faults_disabled=%c",
	       vc->have_seed ? (unsigned long long)f->seed : 0ULL, f->nr,
	       f->disabled ? 'y' : 'n');
	for (i = 0; i < f->nr; i++) {
		if (dm_verify_rule_format(&f->rule[i], rule, sizeof(rule)) < 0)
			continue;
		for (p = rule; *p; p++) {
			if (*p == ' ')
				*p = '+';
			else if (*p == ',')
				*p = '|';
		}
		if (sz + VERIFY_IMA_RULE_KEY + strlen(rule) + VERIFY_IMA_TAIL > maxlen) {
			DMEMIT(",fault_rules_truncated=y");
			break;
		}
		DMEMIT(",fault_rule_%u=%s", f->rule[i].id, rule);
	}
	spin_unlock_irqrestore(&vc->fault_lock, flags);
	*szp = sz;
}

int dm_verify_fault_message(struct verify_c *vc, unsigned int argc, char **argv,
			    char *result, unsigned int maxlen)
{
	const char *dev = dm_table_device_name(vc->ti->table);
	struct verify_rule rule;
	unsigned int sz = 0, id;
	unsigned long flags;
	const char *error;
	int r;

	if (argc >= 2 && !strcasecmp(argv[0], "add")) {
		r = dm_verify_rule_parse(&rule, argc - 1, argv + 1, &error);
		if (!r && rule.action == VERIFY_ACT_CRASH && !vc->wc.budget) {
			error = "Fault action crash needs the write_cache feature";
			r = -EINVAL;
		}
		if (!r) {
			spin_lock_irqsave(&vc->fault_lock, flags);
			r = dm_verify_faults_add(&vc->faults, &rule,
						 ktime_to_ms(ktime_get()), &error);
			spin_unlock_irqrestore(&vc->fault_lock, flags);
		}
		if (r) {
			DMERR("%s: fault add: %s", dev, error);
			return r;
		}
		DMEMIT("%u\n", rule.id);
		return 1;
	}
	if (argc == 2 && !strcasecmp(argv[0], "del")) {
		if (kstrtouint(argv[1], 10, &id)) {
			DMERR("%s: fault del: invalid rule id '%s'", dev, argv[1]);
			return -EINVAL;
		}
		spin_lock_irqsave(&vc->fault_lock, flags);
		r = dm_verify_faults_del(&vc->faults, id);
		spin_unlock_irqrestore(&vc->fault_lock, flags);
		if (r)
			DMERR("%s: fault del: no rule %u", dev, id);
		return r;
	}
	if (argc == 1 && !strcasecmp(argv[0], "list")) {
		verify_emit_rules(vc, result, maxlen);
		return 1;
	}
	if (argc == 1 && (!strcasecmp(argv[0], "clear") ||
			  !strcasecmp(argv[0], "enable") ||
			  !strcasecmp(argv[0], "disable"))) {
		spin_lock_irqsave(&vc->fault_lock, flags);
		if (!strcasecmp(argv[0], "clear"))
			dm_verify_faults_clear(&vc->faults);
		else
			vc->faults.disabled = !strcasecmp(argv[0], "disable");
		spin_unlock_irqrestore(&vc->fault_lock, flags);
		return 0;
	}
	DMERR("%s: fault: expected add <rule>, del <id>, list, clear, enable or disable",
	      dev);
	return -EINVAL;
}
