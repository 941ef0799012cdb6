/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef DMV_UNIT_H
#define DMV_UNIT_H
#include <stdio.h>

extern unsigned int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("not ok: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

void test_faults(void);
#endif
