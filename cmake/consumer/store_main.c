/* An installed-petls-store consumer: the shared-memory store and the Redis
 * store's constructor (hiredis, when the store was built with it) link from
 * the installed library. The Redis store connects lazily: it is only made
 * and freed. */
#include <petls.h>
#include <stdio.h>

int main(void)
{
    char err[256];
    struct petls_store *shm, *redis;

    if (petls_init() != 0) {
        fprintf(stderr, "petls store consumer: init failed\n");
        return 1;
    }
    shm = petls_store_shm_new(16, 0, err, sizeof(err));
    if (shm == NULL) {
        fprintf(stderr, "petls store consumer: %s\n", err);
        return 1;
    }
    petls_store_free(shm);
    redis =
        petls_store_redis_new("127.0.0.1", 1, "consumer:", err, sizeof(err));
    if (redis != NULL)
        petls_store_free(redis);
    printf("petls store consumer: shm ok\n");
    return 0;
}
