// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: pages for reference reads and for the one copy of a write's
 * payload.
 *
 * Distribution kernels boot with init_on_alloc=1, which zeroes every page
 * the allocator hands out.  For 1 MiB reads that zeroing took more guest
 * time than everything else dm-verify does (perf: clear_page_erms 27% of
 * all samples, brd 7%).  These pages are always filled completely before
 * anyone reads them (by the reference read, or by the copy of the write),
 * and their old contents are this target's own device data, so freed pages
 * are kept on a per-target list and reused without clearing.
 *
 * A bio of one page (4 KiB I/O) takes and gives back its page through a
 * slot per CPU, without the list's lock: on RAM disks under TCG, two lock
 * rounds a bio were a few percent of a 4 KiB digest-mode write.
 *
 * Forward progress: a freed page refills the mempool reserve before it goes
 * to a slot or the list, and the blocking path takes single pages from the
 * reserve under reserve_lock, so only one bio at a time waits on the reserve
 * and the reserve (one maximal bio) always satisfies it.
 */
#include "dm-verify.h"

#include <linux/mm.h>
#include <linux/percpu.h>

void dm_verify_pages_init(struct verify_c *vc)
{
	spin_lock_init(&vc->pages.lock);
	INIT_LIST_HEAD(&vc->pages.free);
	mutex_init(&vc->pages.reserve_lock);
	mutex_init(&vc->pages.reread_lock);
}

int dm_verify_pages_create(struct verify_c *vc)
{
	int r;

	vc->pages.slot = alloc_percpu(struct page *);
	if (!vc->pages.slot)
		return -ENOMEM;
	r = mempool_init_page_pool(&vc->pages.reserve, VERIFY_MAX_IO_PAGES, 0);
	if (!r)
		r = mempool_init_page_pool(&vc->pages.reread, 1, 0);
	return r;
}

void dm_verify_pages_destroy(struct verify_c *vc)
{
	struct page *page, *tmp;
	int cpu;

	if (vc->pages.slot) {
		for_each_possible_cpu(cpu) {
			page = *per_cpu_ptr(vc->pages.slot, cpu);
			if (page)
				__free_page(page);
		}
		free_percpu(vc->pages.slot);
		vc->pages.slot = NULL;
	}
	list_for_each_entry_safe(page, tmp, &vc->pages.free, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	vc->pages.nr = 0;
	mempool_exit(&vc->pages.reserve);
	mempool_exit(&vc->pages.reread);
}

/* Up to @want pages from the free list onto @list; returns how many. */
static unsigned int verify_pages_take(struct verify_c *vc,
				      struct list_head *list, unsigned int want)
{
	struct verify_pages *vp = &vc->pages;
	unsigned int n = 0;
	unsigned long flags;
	struct page *page;

	spin_lock_irqsave(&vp->lock, flags);
	while (n < want && !list_empty(&vp->free)) {
		page = list_first_entry(&vp->free, struct page, lru);
		list_move_tail(&page->lru, list);
		n++;
	}
	vp->nr -= n;
	spin_unlock_irqrestore(&vp->lock, flags);
	return n;
}

static void verify_pages_put_list(struct verify_c *vc, struct list_head *list,
				  unsigned int n)
{
	struct verify_pages *vp = &vc->pages;
	struct page *page, *tmp;
	unsigned long flags;

	list_for_each_entry_safe(page, tmp, list, lru) {
		if (READ_ONCE(vp->reserve.curr_nr) >= vp->reserve.min_nr)
			break;
		list_del(&page->lru);
		n--;
		mempool_free(page, &vp->reserve);
	}
	if (!n)
		return;
	if (n == 1) {
		page = list_first_entry(list, struct page, lru);
		/* Off the list first: an interrupt may take it from the slot. */
		list_del(&page->lru);
		if (!this_cpu_cmpxchg(*vp->slot, NULL, page))
			return;
		list_add(&page->lru, list);
	}
	spin_lock_irqsave(&vp->lock, flags);
	while (n && vp->nr < VERIFY_CACHE_PAGES) {
		page = list_first_entry(list, struct page, lru);
		list_move(&page->lru, &vp->free);
		vp->nr++;
		n--;
	}
	spin_unlock_irqrestore(&vp->lock, flags);
	list_for_each_entry_safe(page, tmp, list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/* Give every page of @bio back; the bio keeps no payload. */
void dm_verify_pages_free(struct verify_c *vc, struct bio *bio)
{
	unsigned int i, j, n = 0;
	LIST_HEAD(list);

	for (i = 0; i < bio->bi_vcnt; i++) {
		struct bio_vec *bv = &bio->bi_io_vec[i];

		for (j = 0; j < DIV_ROUND_UP(bv->bv_len, PAGE_SIZE); j++) {
			list_add_tail(&nth_page(bv->bv_page, j)->lru, &list);
			n++;
		}
	}
	bio->bi_vcnt = 0;
	bio->bi_iter.bi_size = 0;
	if (n)
		verify_pages_put_list(vc, &list, n);
}

/*
 * A fresh run of up to 2^@order pages, split so each page is freed on its
 * own later; a multi-page bvec carries it.  Never waits.
 */
static struct page *verify_pages_alloc_run(unsigned int *order)
{
	struct page *page;

	for (;; (*order)--) {
		page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN | __GFP_NORETRY |
				   __GFP_NOMEMALLOC, *order);
		if (page || !*order)
			break;
	}
	if (page && *order)
		split_page(page, *order);
	return page;
}

/* Give @bio @size bytes of pages, in GFP_NOIO context. */
void dm_verify_pages_alloc(struct verify_c *vc, struct bio *bio, unsigned int size)
{
	unsigned int want = DIV_ROUND_UP(size, PAGE_SIZE), got, len;
	unsigned int order = VERIFY_MAX_IO_ORDER;
	struct page *page, *tmp;
	LIST_HEAD(list);

	if (want == 1) {
		page = this_cpu_xchg(*vc->pages.slot, NULL);
		if (page) {
			__bio_add_page(bio, page, size, 0);
			return;
		}
	}
	got = verify_pages_take(vc, &list, want);
	list_for_each_entry_safe(page, tmp, &list, lru) {
		list_del(&page->lru);
		len = min_t(unsigned int, size, PAGE_SIZE);
		__bio_add_page(bio, page, len, 0);
		size -= len;
	}
	while (size) {
		order = min_t(unsigned int, order, ilog2(want - got));
		page = verify_pages_alloc_run(&order);
		if (!page) {
			page = mempool_alloc(&vc->pages.reserve, GFP_NOWAIT);
			if (!page)
				goto wait;
		}
		len = min_t(unsigned int, size, PAGE_SIZE << order);
		__bio_add_page(bio, page, len, 0);
		got += 1U << order;
		size -= len;
	}
	return;

wait:
	/* Start over from single reserve pages, one waiting bio at a time. */
	size = bio->bi_iter.bi_size + size;
	dm_verify_pages_free(vc, bio);
	mutex_lock(&vc->pages.reserve_lock);
	while (size) {
		page = mempool_alloc(&vc->pages.reserve, GFP_NOIO);
		len = min_t(unsigned int, size, PAGE_SIZE);
		__bio_add_page(bio, page, len, 0);
		size -= len;
	}
	mutex_unlock(&vc->pages.reserve_lock);
}
