/* timeparse.c - a small, strict ISO 8601 reader (no locale, no timegm). */
#include "core/timeparse.h"

#include <stdio.h>
#include <string.h>

int64_t hv_days_from_civil(int64_t y, unsigned m, unsigned d) {
    /* Howard Hinnant's algorithm: exact for every Gregorian date. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *p, size_t n, int *out) {
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

int hv_parse_time(hv_sv s, int64_t *out) {
    s = hv_sv_trim(s);
    if (s.n == 0) return -1;
    /* plain epoch seconds (optionally negative) */
    size_t i = 0;
    if (s.p[0] == '-') i = 1;
    if (i < s.n) {
        size_t j = i;
        while (j < s.n && s.p[j] >= '0' && s.p[j] <= '9') j++;
        if (j == s.n && j - i <= 12) {
            int64_t v = 0;
            for (size_t k = i; k < j; k++) v = v * 10 + (s.p[k] - '0');
            *out = i ? -v : v;
            return 0;
        }
    }
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (s.n < 10 || s.p[4] != '-' || s.p[7] != '-') return -1;
    if (digits(s.p, 4, &y) || digits(s.p + 5, 2, &mo) || digits(s.p + 8, 2, &d)) return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return -1;
    i = 10;
    int64_t offset = 0;
    if (i < s.n) {
        if (s.p[i] != 'T' && s.p[i] != ' ' && s.p[i] != 't') return -1;
        i++;
        if (s.n - i < 5 || s.p[i + 2] != ':') return -1;
        if (digits(s.p + i, 2, &h) || digits(s.p + i + 3, 2, &mi)) return -1;
        i += 5;
        if (i < s.n && s.p[i] == ':') {
            if (s.n - i < 3 || digits(s.p + i + 1, 2, &se)) return -1;
            i += 3;
        }
        if (i < s.n && (s.p[i] == '.' || s.p[i] == ',')) {
            i++;
            size_t start = i;
            while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') i++;
            if (i == start) return -1;
        }
        if (i < s.n) {
            char c = s.p[i];
            if ((c == 'Z' || c == 'z') && i + 1 == s.n) {
                i++;
            } else if (c == '+' || c == '-') {
                int oh, om = 0;
                size_t rest = s.n - i - 1;
                const char *q = s.p + i + 1;
                if (rest == 5 && q[2] == ':') { if (digits(q, 2, &oh) || digits(q + 3, 2, &om)) return -1; }
                else if (rest == 4) { if (digits(q, 2, &oh) || digits(q + 2, 2, &om)) return -1; }
                else if (rest == 2) { if (digits(q, 2, &oh)) return -1; }
                else return -1;
                offset = (int64_t)(oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
                i = s.n;
            } else {
                return -1;
            }
        }
        if (h > 23 || mi > 59 || se > 60) return -1;
    }
    if (i != s.n) return -1;
    *out = hv_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return 0;
}

void hv_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day) {
    /* civil_from_days (Hinnant) */
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (*month <= 2);
}

static int64_t floor_days(int64_t t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

int64_t hv_month_index(int64_t t) {
    int64_t y;
    unsigned m, d;
    hv_civil_from_days(floor_days(t), &y, &m, &d);
    return (y - 1970) * 12 + (int64_t)m - 1;
}

static void put_digits(char *p, unsigned v, int n) {
    for (int i = n - 1; i >= 0; i--) p[i] = (char)('0' + v % 10), v /= 10;
}

void hv_format_time(int64_t t, char *out) {
    int64_t days = floor_days(t), secs = t - days * 86400, y;
    unsigned m, d;
    hv_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, 32, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d, (int)(secs / 3600),
                 (int)(secs / 60 % 60), (int)(secs % 60));
        return;
    }
    /* digits by hand: a date per model in every JSON list (snprintf would
     * cost more than the rest of the object) */
    memcpy(out, "0000-00-00T00:00:00Z", 21);
    put_digits(out, (unsigned)y, 4);
    put_digits(out + 5, m, 2);
    put_digits(out + 8, d, 2);
    put_digits(out + 11, (unsigned)(secs / 3600), 2);
    put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
    put_digits(out + 17, (unsigned)(secs % 60), 2);
}

int hv_parse_date_bound(hv_sv s, int end, int64_t *out) {
    char tmp[40];
    size_t n = s.n;
    /* a date, not a bare number (which hv_parse_time reads as epoch seconds) */
    int dated = n >= 7 && n <= 35 && s.p[4] == '-';
    for (int i = 0; i < 4 && dated; i++) dated = s.p[i] >= '0' && s.p[i] <= '9';
    if (!dated) return -1;
    int y = 0, mo = 0;
    if (n == 7) { /* YYYY-MM: the month's first second, or its last as an end */
        memcpy(tmp, s.p, 7);
        tmp[7] = 0;
        if (sscanf(tmp, "%4d-%2d", &y, &mo) != 2 || mo < 1 || mo > 12) return -1;
        if (end && ++mo == 13) mo = 1, y++;
        snprintf(tmp, sizeof tmp, "%04d-%02d-01", y, mo);
    }
    int64_t t;
    if (hv_parse_time(n == 7 ? hv_sv_cstr(tmp) : s, &t) != 0) return -1;
    if (end && n == 7) t -= 1;
    else if (end && n == 10) t += 86399; /* a day as an end includes the day */
    *out = t;
    return 0;
}
