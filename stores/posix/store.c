/* The public petls_store_* calls shared by every ready-made store. */
#include "store_internal.h"

#include <stdarg.h>
#include <stdio.h>

void store_set_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const struct petls_session_store *petls_store_hooks(struct petls_store *store)
{
    return store != NULL ? &store->hooks : NULL;
}

int petls_store_stats(struct petls_store *store,
                      struct petls_session_cache_stats *stats)
{
    if (store == NULL || stats == NULL)
        return -1;
    return store->stats(store, stats);
}

void petls_store_free(struct petls_store *store)
{
    if (store != NULL)
        store->destroy(store);
}
