/*
 * The keying-material exporter (Node's exportKeyingMaterial, RFC 5705 /
 * RFC 8446 section 7.5). Compiled out with PETLS_WITH_EXPORTER=OFF
 * (exporter_off.c).
 */
#include <string.h>

#include "petls_internal.h"

int petls_export_keying_material(struct petls *ctx, uint8_t *out, size_t len,
                                 const char *label, const uint8_t *context,
                                 size_t context_len)
{
    char err[256];

    if (ctx == NULL)
        return -1;
    petls_err_clear(&ctx->err);
    if (out == NULL || label == NULL) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "export keying material: no output buffer or "
                             "label");
        return -1;
    }
    if (ctx->conn == NULL || !ctx->hs_done || ctx->fatal) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_CONTEXT,
                             "export keying material: no completed "
                             "handshake");
        return -1;
    }
    if (context_len > 0xFFFF) {
        petls_set_error_code(ctx, PETLS_ERROR_INVALID_ARGUMENT,
                             "export keying material: context longer than "
                             "65535 bytes");
        return -1;
    }
    err[0] = '\0';
    if (pb_conn_export_keying_material(ctx->conn, out, len, label,
                                       strlen(label), context, context_len, err,
                                       sizeof(err)) != 0) {
        petls_set_error(ctx, "%s", err);
        return -1;
    }
    return 0;
}
