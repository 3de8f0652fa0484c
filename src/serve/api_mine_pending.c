#include "serve/serve_int.h"
#define PENDING(name) \
    void name(hv_server *s, const hv_req *rq, hv_resp *rs) { (void)s, (void)rq; resp_error(rs, 501, "not implemented", #name); }
PENDING(api_search)
int search_init(hv_server *s, hv_err *e) { (void)s, (void)e; return 0; }
void search_free(hv_server *s) { (void)s; }
