/*
 * PETLS_WITH_EXPORTER=OFF: petls_export_keying_material() fails. Replaces
 * exporter.c.
 */
#include "petls_features.h"
#include "petls_internal.h"

int petls_export_keying_material(struct petls *ctx, uint8_t *out, size_t len,
                                 const char *label, const uint8_t *context,
                                 size_t context_len)
{
    (void)out;
    (void)len;
    (void)label;
    (void)context;
    (void)context_len;
    if (ctx == NULL)
        return -1;
    petls_set_error(ctx, PETLS_FEATURE_OFF_MSG("keying material exporter",
                                               "PETLS_WITH_EXPORTER"));
    return -1;
}
