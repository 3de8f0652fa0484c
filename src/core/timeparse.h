/* timeparse.h - timestamps as the dataset spells them, to epoch seconds. */
#ifndef HV_TIMEPARSE_H
#define HV_TIMEPARSE_H

#include <stdint.h>

#include "core/sv.h"

/* Accepts ISO 8601 / RFC 3339 forms seen in the dataset:
 *   2025-01-29T08:29:22.000Z, 2025-01-29 08:29:22+00:00, 2025-01-29T08:29:22,
 *   2025-01-29 (midnight UTC), and a plain integer of epoch seconds.
 * Returns 0 and *out, or -1 when s is not a timestamp. */
int hv_parse_time(hv_sv s, int64_t *out);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t hv_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The civil date (proleptic Gregorian) of a day count since 1970-01-01. */
void hv_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
/* Months since 1970-01 of epoch seconds (UTC; 0 = January 1970). */
int64_t hv_month_index(int64_t t);
/* A date as a range bound (the API's and the CLI's from/to): "YYYY-MM",
 * "YYYY-MM-DD" or a full timestamp, not a bare number.  The period's first
 * second, or with end its last (a whole month, a whole day).  -1 when s is
 * not such a date. */
int hv_parse_date_bound(hv_sv s, int end, int64_t *out);
/* Format epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into out (>= 32 bytes). */
void hv_format_time(int64_t t, char *out);

#endif
