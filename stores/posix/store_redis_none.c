/* Built instead of store_redis.c when hiredis is absent (PETLS_WITH_REDIS). */
#include "store_internal.h"

struct petls_store *petls_store_redis_new(const char *host, int port,
                                          const char *prefix, char *err,
                                          size_t errlen)
{
    (void)host;
    (void)port;
    (void)prefix;
    store_set_error(err, errlen,
                    "Redis session store: petls was built without hiredis");
    return NULL;
}
