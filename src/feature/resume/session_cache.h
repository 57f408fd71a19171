/*
 * The built-in server session cache: a hash table (constant-time lookup)
 * with an LRU list, bounded by entries and by bytes, entries expiring at a
 * wall-clock time. Safe under threads (one port mutex). Values are copied
 * in and out and zeroized when dropped. Keys are short byte strings (a
 * session ID or ticket id, prefixed by the engine with a hash of the
 * session id context).
 */
#ifndef PETLS_SESSION_CACHE_H
#define PETLS_SESSION_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "petls.h" /* struct petls_session_cache_stats */

#define PETLS_CACHE_KEY_MAX 64

struct petls_session_cache;

/* max_bytes 0: no byte bound. NULL when out of memory or max_entries 0. */
struct petls_session_cache *petls_session_cache_new(size_t max_entries,
                                                    size_t max_bytes);
void petls_session_cache_free(struct petls_session_cache *c);

/* Inserts or replaces (the new entry is the most recent). now/expires are
 * Unix seconds. Makes room by dropping the least recently used entries
 * (counted as expired when past their time, else as evicted) and drops
 * expired entries at the old end of the LRU list. Returns 0, or -1 when the
 * entry alone exceeds the byte bound, the key is empty or too long, expires
 * <= now, or memory ran out. */
int petls_session_cache_put(struct petls_session_cache *c, const uint8_t *key,
                            size_t key_len, const uint8_t *val, size_t val_len,
                            int64_t expires, int64_t now);
/* 1 found (copied into out, *out_len set, entry becomes most recent), 0
 * missing or expired (an expired entry is dropped), -1 cap too small.
 * Every lookup that is not a hit counts as a miss (so hits + misses is the
 * number of lookups); one that found an expired entry also counts as
 * expired. */
int petls_session_cache_get(struct petls_session_cache *c, const uint8_t *key,
                            size_t key_len, uint8_t *out, size_t cap,
                            size_t *out_len, int64_t now);
/* The same, into a buffer of the entry's exact size from petls_port_calloc
 * (*out, which the caller wipes and frees; NULL unless 1): the resumption
 * path needs no buffer sized for the largest session. -1: out of memory. */
int petls_session_cache_get_dup(struct petls_session_cache *c,
                                const uint8_t *key, size_t key_len,
                                uint8_t **out, size_t *out_len, int64_t now);
void petls_session_cache_remove(struct petls_session_cache *c,
                                const uint8_t *key, size_t key_len);
/* Drops every expired entry (a sweep over the whole cache, for callers
 * that want entries/bytes to reflect live sessions only). Returns how many
 * were dropped. */
size_t petls_session_cache_flush_expired(struct petls_session_cache *c,
                                         int64_t now);
void petls_session_cache_stats(struct petls_session_cache *c,
                               struct petls_session_cache_stats *out);

#endif
