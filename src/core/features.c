/*
 * The feature table and the backend callbacks of the features compiled in:
 * the one place that reads PETLS_WITH_* to decide which features exist
 * (feature.h says what each hook is for).
 */
#include "feature.h"
#include "nego.h"
#include "petls_features.h"
#include "petls_internal.h"

/* The backend's negotiation callbacks (pb_conn_params.nego->hooks). */
const struct pb_nego_hooks petls_nego_hooks = {
#if PETLS_WITH_KEYLOG
    .keylog = petls_nego_keylog,
#endif
    .client_reneg = petls_nego_client_reneg,
    .renegotiated = petls_nego_renegotiated,
};
