/* err.h - error codes and messages carried up to the CLI.
 *
 * Library code never prints or exits: it fills an hv_err and returns its
 * code.  Only src/cli/ turns a code into an exit status (see hv_exit_status). */
#ifndef HV_ERR_H
#define HV_ERR_H

#include <stddef.h>

enum {
    HV_OK = 0,
    HV_EINPUT = 2,  /* bad input data: malformed file, bad row, absurd value */
    HV_EUSAGE = 3,  /* bad command-line usage */
    HV_EIO = 4,     /* cannot open, read or write a file */
    HV_ENOMEM = 5,  /* an allocation failed or a size limit was exceeded */
    HV_EINTERNAL = 6
};

#define HV_ERR_LEN 512

typedef struct hv_err {
    int code;
    char msg[HV_ERR_LEN];
} hv_err;

/* Set e (if not NULL) and return code.  printf-style message. */
int hv_errf(hv_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend context ("file.csv: row 12: ") to an existing message. */
int hv_err_prefix(hv_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *hv_strerror(int code);

/* The process exit status for an error code: input errors exit 2, usage 64. */
int hv_exit_status(int code);

#endif
