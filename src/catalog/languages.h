/* languages.h - ISO 639-1 codes to the names the paper uses (pycountry's
 * `name` for each alpha_2 code, e.g. "en" -> "English", "el" -> "Modern
 * Greek (1453-)").  The paper keeps a tag as a language only when it is
 * exactly two characters and such a code. */
#ifndef HV_LANGUAGES_H
#define HV_LANGUAGES_H

#include "core/sv.h"

/* The language name for a 2-letter code (case-sensitive, lower case, as Hub
 * tags are), or NULL. */
const char *language_name(hv_sv code);
/* Number of codes in the table (184). */
int language_count(void);

#endif
