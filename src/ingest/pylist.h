/* pylist.h - list cells: Python-list repr, JSON array, or a bare value.
 *
 * The Hub export stores every list column as the Python repr of a list:
 * "['apache-2.0']", "[]", "['it''s']" never, but "[\"it's\"]" and
 * "['a\\'b']" do occur, plus \x, \u, \U escapes.  The same cell may be a JSON
 * array ("[\"a\", \"b\"]" with \uXXXX and surrogate pairs).  "nan", "None",
 * "null" and "" mean an empty list; anything not starting with '[' is one
 * item.  Items are appended to out; their bytes live in mem. */
#ifndef HV_PYLIST_H
#define HV_PYLIST_H

#include "core/arena.h"
#include "core/err.h"
#include "core/sv.h"

/* Returns HV_OK, or HV_EINPUT with the reason and byte offset in e. */
int pylist_parse(hv_sv cell, hv_svlist *out, hv_arena *mem, hv_err *e);

#endif
