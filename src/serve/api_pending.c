/* api_pending.c - endpoints not written yet (501).  Each moves out of here
 * into its own api_*.c as it is written; this file goes when it is empty. */
#include "serve/serve_int.h"

#define PENDING(name) \
    void name(hv_server *s, const hv_req *rq, hv_resp *rs) { (void)s, (void)rq; resp_error(rs, 501, "not implemented", #name); }
#define PENDING_MODEL(name) \
    void name(hv_server *s, const hv_req *rq, hv_resp *rs, uint32_t row) { (void)s, (void)rq, (void)row; resp_error(rs, 501, "not implemented", #name); }

PENDING(api_distance)
PENDING(api_clusters)
PENDING(api_families_top)
PENDING(api_families_stats)
PENDING(api_network_derivatives)
PENDING(api_export)
PENDING_MODEL(api_model)
PENDING_MODEL(api_model_card)
PENDING_MODEL(api_model_family)
PENDING_MODEL(api_model_path)
PENDING_MODEL(api_model_similar)
PENDING_MODEL(api_network_family)
