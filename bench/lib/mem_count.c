/* The counting allocator (mem_count.h). Single-threaded use only. */
#define _GNU_SOURCE
#include "mem_count.h"

#include <link.h>
#include <stdint.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

#define SLOTS (1u << 20)
struct slot {
    uintptr_t p;
    uint32_t size;
    uint8_t side, cat;
};
static struct slot table[SLOTS];
static struct mem_stats st;
static int counting;
static enum mem_side cur = MEM_OTHER;

struct range {
    uintptr_t lo, hi;
    uint8_t cat;
};
static struct range ranges[64];
static int nranges, split;

static int on_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    const char *name = info->dlpi_name ? info->dlpi_name : "";
    const char *base = strrchr(name, '/');
    int cat;
    (void)size;
    (void)arg;
    base = base ? base + 1 : name;
    if (strncmp(base, "libpetls", 8) == 0)
        cat = MEM_ENGINE;
    else if (strncmp(base, "libmbed", 7) == 0)
        cat = MEM_MBEDTLS;
    else
        return 0;
    if (cat == MEM_MBEDTLS)
        split = 1;
    for (int i = 0; i < info->dlpi_phnum && nranges < 64; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        ranges[nranges].lo = info->dlpi_addr + ph->p_vaddr;
        ranges[nranges].hi = ranges[nranges].lo + ph->p_memsz;
        ranges[nranges].cat = (uint8_t)cat;
        nranges++;
    }
    return 0;
}

static uint8_t category(uintptr_t ra)
{
    for (int i = 0; i < nranges; i++)
        if (ra >= ranges[i].lo && ra < ranges[i].hi)
            return ranges[i].cat;
    return MEM_REST;
}

static size_t hash(uintptr_t p)
{
    return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull >> 44) & (SLOTS - 1);
}

static void track(void *p, size_t n, uintptr_t ra)
{
    if (!counting || p == NULL)
        return;
    size_t i = hash((uintptr_t)p);
    while (table[i].p != 0)
        i = (i + 1) & (SLOTS - 1);
    table[i].p = (uintptr_t)p;
    table[i].size = (uint32_t)n;
    table[i].side = (uint8_t)cur;
    table[i].cat = category(ra);
    st.live[cur][table[i].cat] += n;
    st.allocs[cur]++;
    size_t tot = mem_side_total(&st, cur);
    if (tot > st.peak[cur])
        st.peak[cur] = tot;
}

static void untrack(void *p)
{
    if (!counting || p == NULL)
        return;
    size_t i = hash((uintptr_t)p);
    while (table[i].p != 0 && table[i].p != (uintptr_t)p)
        i = (i + 1) & (SLOTS - 1);
    if (table[i].p == 0)
        return; /* allocated before counting started */
    st.live[table[i].side][table[i].cat] -= table[i].size;
    /* Backward-shift deletion keeps every probe chain unbroken. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & (SLOTS - 1);
        if (table[j].p == 0)
            break;
        size_t h = hash(table[j].p);
        if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
            table[i] = table[j];
            i = j;
        }
    }
    table[i].p = 0;
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    track(p, n, (uintptr_t)__builtin_return_address(0));
    return p;
}

void *calloc(size_t n, size_t m)
{
    void *p = __libc_calloc(n, m);
    track(p, n * m, (uintptr_t)__builtin_return_address(0));
    return p;
}

void *realloc(void *p, size_t n)
{
    untrack(p);
    void *q = __libc_realloc(p, n);
    track(q, n, (uintptr_t)__builtin_return_address(0));
    return q;
}

void free(void *p)
{
    untrack(p);
    __libc_free(p);
}

void mem_set_side(enum mem_side s)
{
    cur = s;
}

void mem_start(void)
{
    if (nranges == 0)
        dl_iterate_phdr(on_object, NULL);
    memset(&st, 0, sizeof(st));
    counting = 1;
}

void mem_reset_peaks(void)
{
    for (int s = 0; s < MEM_NSIDES; s++) {
        st.peak[s] = mem_side_total(&st, (enum mem_side)s);
        st.allocs[s] = 0;
    }
}

void mem_get(struct mem_stats *out)
{
    *out = st;
}

size_t mem_side_total(const struct mem_stats *s, enum mem_side side)
{
    size_t t = 0;
    for (int c = 0; c < MEM_NCATS; c++)
        t += s->live[side][c];
    return t;
}

int mem_split_known(void)
{
    return split;
}
