/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit tests build twice: in userspace against shim/ with ASan/UBSan
 * (make unit), and as the KUnit module dm-verify-kunit.ko for kernels that
 * have KUnit (the debug kernel).  CHECK() is the one assertion of both.
 */
#ifndef DMV_UNIT_H
#define DMV_UNIT_H

#ifdef __KERNEL__
#include <kunit/test.h>

extern struct kunit *unit_test;

#define CHECK(cond, ...) KUNIT_EXPECT_TRUE_MSG(unit_test, cond, __VA_ARGS__)
/* Random model rounds: TCG and KASAN make the kernel run far slower. */
#define UNIT_ROUNDS(n) ((n) / 10)
#else
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
#define UNIT_ROUNDS(n) (n)
#endif

void test_faults(void);
#endif
