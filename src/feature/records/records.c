/*
 * Record sizes (Node's setMaxSendFragment, the max_fragment_length offer).
 * The keying-material exporter is in exporter.c.
 */
#include "nego.h"
#include "petls_internal.h"

static int send_fragment_ok(size_t size)
{
    return size >= PETLS_MAX_SEND_FRAGMENT_MIN &&
           size <= PETLS_MAX_SEND_FRAGMENT_MAX &&
           size <= pb_max_send_fragment_limit();
}

#define FRAGMENT_RANGE_MSG "max send fragment must be 512 to %u bytes"

int petls_config_set_max_send_fragment(struct petls_config *config, size_t size)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (!send_fragment_ok(size)) {
        petls_config_set_error(config, FRAGMENT_RANGE_MSG,
                               (unsigned)pb_max_send_fragment_limit());
        return -1;
    }
    config->nego.max_send_fragment = size;
    return 0;
}

int petls_set_max_send_fragment(struct petls *ctx, size_t size)
{
    char err[128];

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (!send_fragment_ok(size)) {
        petls_set_error(ctx, FRAGMENT_RANGE_MSG,
                        (unsigned)pb_max_send_fragment_limit());
        return -1;
    }
    ctx->nego.max_send_fragment = size;
    if (ctx->conn != NULL &&
        pb_conn_set_max_send_fragment(ctx->conn, size, err, sizeof(err)) != 0) {
        petls_set_error(ctx, "%s", err);
        return -1;
    }
    return 0;
}

int petls_config_set_max_fragment_length(struct petls_config *config,
                                         size_t len)
{
    if (config == NULL || petls_config_frozen(config))
        return -1;
    if (len != 0 && len != 512 && len != 1024 && len != 2048 && len != 4096) {
        petls_config_set_error(config, "max_fragment_length must be 512, "
                                       "1024, 2048 or 4096 (or 0: none)");
        return -1;
    }
    config->nego.max_frag_len = (unsigned int)len;
    return 0;
}
