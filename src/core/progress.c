/* progress.c - stage progress on stderr: a redrawn bar on a TTY, a plain
 * line at most every 5 seconds otherwise, and a timing line per stage. */
#include "core/progress.h"
#include "core/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct hv_progress {
    pthread_mutex_t lock;
    int tty;
    char stage[64];
    double t0, last;
    int last_pct;
};

hv_progress *progress_new(void) {
    hv_progress *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->tty = isatty(2);
    return p;
}

void progress_free(hv_progress *p) {
    if (!p) return;
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void progress_stage(hv_progress *p, const char *name) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    snprintf(p->stage, sizeof p->stage, "%s", name);
    p->t0 = p->last = hv_now();
    p->last_pct = -1;
    if (!p->tty) fprintf(stderr, "stage %s: started\n", p->stage);
    pthread_mutex_unlock(&p->lock);
}

void progress_update(hv_progress *p, uint64_t done, uint64_t total) {
    if (!p || total == 0) return;
    int pct = (int)(100.0 * (double)done / (double)total);
    if (pct > 100) pct = 100;
    if (pct == p->last_pct) return; /* cheap unlocked check: most calls stop here */
    pthread_mutex_lock(&p->lock);
    double t = hv_now();
    if (pct != p->last_pct) {
        if (p->tty) {
            char bar[31];
            int fill = pct * 30 / 100;
            memset(bar, '#', (size_t)fill);
            memset(bar + fill, '.', (size_t)(30 - fill));
            bar[30] = 0;
            fprintf(stderr, "\r%-12s [%s] %3d%%  %6.1f s", p->stage, bar, pct, t - p->t0);
            fflush(stderr);
        } else if (t - p->last >= 5.0) {
            fprintf(stderr, "stage %s: %d%% after %.1f s\n", p->stage, pct, t - p->t0);
            p->last = t;
        }
        p->last_pct = pct;
    }
    pthread_mutex_unlock(&p->lock);
}

void progress_done(hv_progress *p, const char *detail) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    double t = hv_now();
    if (p->tty) fprintf(stderr, "\r\033[K");
    fprintf(stderr, "stage %-10s %7.2f s%s%s\n", p->stage, t - p->t0, detail && *detail ? "  " : "",
            detail ? detail : "");
    pthread_mutex_unlock(&p->lock);
}

void progress_note(hv_progress *p, const char *name, double seconds, const char *detail) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    if (p->tty) fprintf(stderr, "\r\033[K");
    fprintf(stderr, "stage %-10s %7.2f s%s%s\n", name, seconds, detail && *detail ? "  " : "", detail ? detail : "");
    pthread_mutex_unlock(&p->lock);
}
