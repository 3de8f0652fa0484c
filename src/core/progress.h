/* progress.h - how a long stage reports how far it is.
 *
 * A stage calls progress_update(p, done, total) as often as it likes; the
 * sink decides what to show (a bar on a TTY, a log line every few seconds
 * otherwise, nothing in tests).  A NULL p is allowed everywhere.  Calls may
 * come from several OpenMP threads: the sink serialises them. */
#ifndef HV_PROGRESS_H
#define HV_PROGRESS_H

#include <stdint.h>

typedef struct hv_progress hv_progress;

/* A sink writing to stderr: a bar when stderr is a TTY, plain lines else. */
hv_progress *progress_new(void);
void progress_free(hv_progress *p);

/* Begin a named stage ("knn", "umap 2d", ...). */
void progress_stage(hv_progress *p, const char *name);
void progress_update(hv_progress *p, uint64_t done, uint64_t total);
/* End the stage: prints "stage NAME: 12.3 s" (always, also without a TTY). */
void progress_done(hv_progress *p, const char *detail);

/* Print a timing line for a stage timed by the caller (one whose work
 * reported its own sub-stages): "stage NAME: 12.3 s  detail". */
void progress_note(hv_progress *p, const char *name, double seconds, const char *detail);

#endif
