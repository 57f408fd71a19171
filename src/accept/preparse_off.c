/*
 * Without PETLS_WITH_SESSION_CACHE, PETLS_WITH_SNI, PETLS_WITH_ALPN and
 * PETLS_WITH_TICKETS nothing needs the ClientHello before the backend (no
 * store, no stateful mode, no SNI or ALPN callback): the stage is absent
 * from the feature table (core/features.c) and server connections hand the
 * transport to the backend at once. petls_store_answer() fails. Replaces
 * session_preparse.c; client_hello.c is always built, because every server
 * connection's ClientHello is still judged (an extension sent twice,
 * context.c's hello_check).
 */
#include "petls_features.h"
#include "petls_internal.h"

int petls_store_answer(struct petls *conn, const uint8_t *blob, size_t len)
{
    (void)blob;
    (void)len;
    if (conn == NULL)
        return -1;
    petls_set_error(conn, PETLS_FEATURE_OFF_MSG("session store",
                                                "PETLS_WITH_SESSION_CACHE"));
    return -1;
}
