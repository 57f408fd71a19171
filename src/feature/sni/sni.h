/*
 * Virtual hosts (SNI): per-host contexts (Node's addContext), the SNI
 * callback (Node's SNICallback, maybe answering later), strict mode, and
 * the hooks the backend calls from inside a server handshake.
 */
#ifndef PETLS_SNI_H
#define PETLS_SNI_H

#include <stddef.h>
#include <stdint.h>

#include "petls.h"

struct petls_sni_table;
struct pb_config;

/* Per connection (struct petls). */
struct petls_sni_conn {
    int state;                 /* SNI_* in sni.c */
    struct petls_config *host; /* the context chosen (a reference), or NULL */
    char *name;                /* the name the choice was made for */
    int from_cb;               /* chosen by the callback */
    int strict_reject;         /* refused by strict mode, not the callback */
};

/* The feature's hooks: struct petls_feature petls_feature_sni
 * (core/feature.h). */

/* pb_vhost_hooks.sni_select (owner: the connection; core/features.c). */
int petls_sni_select(void *owner, const char *name, struct pb_config **host);

/* Shared by the name checks: is pattern a valid context name ("host" or
 * "*.host.tld")? 1 or 0. */
int petls_sni_name_valid(const char *name);
/* Does name select the context added under pattern? 1 or 0. */
int petls_sni_name_matches(const char *pattern, const char *name);

#endif
