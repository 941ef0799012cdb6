/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the kernel header, for unit tests of pure code. */
#ifndef SHIM_LINUX_TYPES_H
#define SHIM_LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t sector_t;
typedef unsigned int gfp_t;
#endif
