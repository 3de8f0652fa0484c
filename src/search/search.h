/* search.h - find models by id: exact, prefix, substring and typo-tolerant
 * matches over every model id, ranked, in well under a millisecond.
 *
 * The index is built once by `hfviz build` (searchindex_write) into sections
 * of the map file and read zero-copy from the mmap (searchindex_open):
 * nothing is sorted or decoded when the server starts.  Maps without the
 * sections still answer, by a linear scan (search_scan) that gives the same
 * hits and doubles as the test oracle.  docs/map-format.md ("Search index")
 * describes the sections; the ideas are:
 *
 *   - ranks: rows ordered by downloads (descending), then id bytes, then row.
 *     Every posting list holds ranks in increasing order, so walking a list
 *     meets the most downloaded models first and a query can stop as soon
 *     as it has `limit` hits of its best kind.
 *   - sorted arrays: ranks sorted by folded id and by folded name, each
 *     with the smallest rank of every run of 64 entries.  A binary search
 *     gives the range of ids (names) equal to or starting with the query,
 *     and the run minima give its most downloaded entries without reading
 *     the whole range: exact and prefix matches cost O(log n + limit * 64).
 *   - grams: for each id, folded to ASCII lower case, every byte trigram
 *     (padded with two NULs at the end, so 1- and 2-byte substrings are key
 *     ranges) and two grams marking the start of the id and two the start
 *     of the name (after the last '/'), for the typo filter.  Lists are
 *     delta-coded in bit-packed blocks of 128 with a skip table (first rank
 *     of each block).  Substrings intersect the rarest lists of the query's
 *     trigrams; candidates are checked against the folded ids, which the
 *     index keeps in rank order.
 *
 * Matching is case-insensitive for ASCII (bytes >= 0x80, i.e. UTF-8, compare
 * as they are; control bytes fold to a space).  A query is trimmed of ASCII
 * whitespace; each model is reported once, under its best match:
 *
 *   tier 0  exact       folded id == query
 *   tier 1  exact       folded name == query (name = the part after the last '/')
 *   tier 2  prefix      the id starts with the query
 *   tier 3  prefix      the name starts with the query
 *   tier 4  substring   the id contains the query
 *   tier 5  fuzzy       queries of >= 4 bytes that matched no id or name
 *   tier 6  fuzzy       exactly: within 1 edit (2 from 12 bytes on) of a
 *                       prefix of the id or of the name; Damerau-Levenshtein
 *                       (optimal string alignment) over bytes; tier 5 is 1
 *                       edit, tier 6 is 2 edits
 *
 * Hits are ordered by tier, then downloads (descending), then id bytes,
 * then row.
 * Each query does a bounded amount of work (HV_SEARCH_WORK_DEFAULT); when a
 * rare combination of common grams would need more, the answer is marked
 * truncated: its hits are then the best among the most downloaded
 * candidates examined.  Queries are read-only on the index and the source,
 * so any number of threads may search at once. */
#ifndef HV_SEARCH_H
#define HV_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sv.h"
#include "mapfile/map.h"
#include "mapfile/mapfile.h"

#define HV_SEARCH_MAX_QUERY 200u   /* bytes, after trimming */
#define HV_SEARCH_MAX_LIMIT 100u   /* hits per query */
#define HV_SEARCH_FUZZY_MIN 4u     /* shorter queries get no fuzzy matches */
#define HV_SEARCH_FUZZY2_MIN 12u   /* from this length on, 2 edits */
#define HV_SEARCH_WORK_DEFAULT 30000u /* work units per query (see search_ids) */
#define HV_SEARCH_WORK_UNLIMITED UINT64_MAX

/* Where the ids and downloads of the models live: a string table in the
 * map's pool style (string s is bytes[off[s] .. off[s+1])) and a row ->
 * string mapping.  search_src_map() makes one from an opened map; tests
 * make one from plain arrays. */
typedef struct hv_search_src {
    uint32_t n;               /* rows */
    const uint64_t *str_off;  /* offsets into str_bytes */
    const char *str_bytes;
    const uint32_t *row_str;  /* row -> string; NULL: row r is string r */
    const int64_t *downloads; /* per row; NULL: all 0 */
} hv_search_src;

static inline hv_sv search_src_id(const hv_search_src *s, uint32_t row) {
    uint32_t i = s->row_str ? s->row_str[row] : row;
    return hv_sv_make(s->str_bytes + s->str_off[i], (size_t)(s->str_off[i + 1] - s->str_off[i]));
}
static inline int64_t search_src_downloads(const hv_search_src *s, uint32_t row) {
    return s->downloads ? s->downloads[row] : 0;
}

/* The ids and downloads of an opened map. */
hv_search_src search_src_map(const hv_map *m);

/* ---- building (hfviz build) ---- */

/* The rows to index: their ids by callback (the catalog's pool is not one
 * array) and their downloads. */
typedef struct hv_search_input {
    uint32_t n;
    hv_sv (*id)(const void *ud, uint32_t row);
    const void *ud;
    const int64_t *downloads; /* n, or NULL for all 0 */
} hv_search_input;

/* Build the index and append its sections (named "search.*") to w.
 * Single-threaded; at 1.86M ids about 6.5 s and 470 MiB at the peak (the
 * folded ids, sort keys, a 64 MiB gram count table, at most 128 MiB of
 * postings at a time, the packed lists). */
int searchindex_write(hv_mapwriter *w, const hv_search_input *in, hv_err *e);

/* The id callback for an hv_search_src (ud = the src). */
hv_sv search_src_id_cb(const void *src, uint32_t row);

/* A hook for hv_map_parts.extra: ud is the finished `const hv_catalog *`. */
int searchindex_map_extra(void *catalog, hv_mapwriter *w, hv_err *e);

/* ---- reading (hfviz serve) ---- */

typedef struct hv_searchindex {
    bool present;               /* false: the map has no search sections */
    uint32_t n, ngrams;
    uint64_t nblocks, nwords;
    const uint32_t *rank_row;   /* n: rank -> row */
    const uint32_t *gram_key;   /* ngrams, increasing */
    const uint32_t *gram_block; /* ngrams + 1: blocks of gram g */
    const uint32_t *gram_count; /* ngrams: postings of gram g */
    const uint32_t *block_first;/* nblocks: first rank of each block */
    const uint64_t *block_bits; /* nblocks: bit offset << 6 | delta width */
    const uint64_t *post;       /* nwords: the packed deltas, one spare word */
    const uint32_t *text_off;   /* n + 1: folded id of rank r is text[off[r] .. off[r+1]) */
    const uint8_t *text;        /* the folded ids in rank order (checked without the map's pool) */
    const uint32_t *by_id;      /* n: ranks sorted by folded id (then rank) */
    const uint32_t *by_name;    /* n: ranks sorted by folded name (then rank) */
    const uint32_t *by_id_min;  /* ceil(n / 64): smallest rank in each run of 64 of by_id */
    const uint32_t *by_name_min;
} hv_searchindex;

/* Point ix at the search sections of an opened map of n models, checking
 * their sizes and every stored index (so queries never read out of bounds).
 * Absent sections: HV_OK with ix->present false (old maps: use the scan).
 * Damaged or partial sections: HV_EINPUT naming the section. */
int searchindex_open(const hv_mapfile *f, uint32_t n, hv_searchindex *ix, hv_err *e);

/* ---- querying ---- */

typedef enum hv_search_kind {
    HV_SEARCH_EXACT = 0,
    HV_SEARCH_PREFIX = 1,
    HV_SEARCH_SUBSTRING = 2,
    HV_SEARCH_FUZZY = 3,
} hv_search_kind;

typedef struct hv_search_hit {
    uint32_t row;
    uint8_t kind;     /* hv_search_kind */
    uint8_t tier;     /* 0..6, the list in the header comment */
    uint8_t on_name;  /* 1: the match is on the name part, not the whole id */
    uint8_t distance; /* edits (fuzzy), else 0 */
    /* (6 - tier) + log10(1 + downloads) / 20: orders like the hits do
     * (except the id tie-break), for clients that merge result lists */
    double score;
} hv_search_hit;

typedef struct hv_search_result {
    uint32_t n;      /* hits written */
    bool truncated;  /* the work budget ran out before the answer was certain */
    uint64_t work;   /* work units spent: about 1 per posting read, 4 per id
                      * read by a binary search, 24 per id checked */
} hv_search_result;

typedef struct hv_search_opts {
    uint32_t limit;  /* 1..HV_SEARCH_MAX_LIMIT */
    uint64_t budget; /* work units; 0 = HV_SEARCH_WORK_DEFAULT (30000: at most
                      * ~0.5 ms on the 2-vCPU bench VM, typically 0.1-0.3) */
} hv_search_opts;

const char *search_kind_name(hv_search_kind k); /* "exact", "prefix", ... */

/* Search the ids of src for query (query_len bytes, any bytes): up to
 * opts->limit hits into hits[] (room for limit), best first.  Uses the index
 * when ix is present, else scans.  An empty or all-whitespace query gives
 * no hits.  HV_EINPUT for a query over HV_SEARCH_MAX_QUERY bytes or a limit
 * outside 1..HV_SEARCH_MAX_LIMIT.  Allocates nothing: scratch is on the
 * stack (under 48 KB). */
int search_ids(const hv_searchindex *ix, const hv_search_src *src, const char *query, size_t query_len,
               const hv_search_opts *opts, hv_search_hit *hits, hv_search_result *res, hv_err *e);

/* The same answer by looking at every row (no index, no budget). */
int search_scan(const hv_search_src *src, const char *query, size_t query_len, const hv_search_opts *opts,
                hv_search_hit *hits, hv_search_result *res, hv_err *e);

#endif
