/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for kmalloc/kfree.  shim_kmalloc_fail lets a test make
 * every GFP_NOWAIT allocation fail, as the I/O path sees under pressure.
 */
#ifndef SHIM_LINUX_SLAB_H
#define SHIM_LINUX_SLAB_H
#include <stdbool.h>
#include <stdlib.h>

#define GFP_KERNEL	0x1u
#define GFP_NOWAIT	0x2u
#define __GFP_NOWARN	0x4u

extern bool shim_kmalloc_fail;

static inline void *kmalloc(size_t size, unsigned int gfp)
{
	if (shim_kmalloc_fail && (gfp & GFP_NOWAIT))
		return NULL;
	return malloc(size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}
#endif
