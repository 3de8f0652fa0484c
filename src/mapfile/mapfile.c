/* mapfile.c - writer and mmap reader of the map file (layout in mapfile.h). */
#include "mapfile/mapfile.h"

#include "core/le.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define HEADER_SIZE 64
#define ENTRY_SIZE 64
#define ALIGN 64
/* More sections than this is not a map we wrote. */
#define MAX_SECTIONS 4096


/* zlib's crc32 takes a uInt length: feed it in chunks */
static uint32_t crc_update(uint32_t crc, const void *p, uint64_t n) {
    const uint8_t *b = p;
    while (n) {
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = (uint32_t)crc32(crc, b, chunk);
        b += chunk;
        n -= chunk;
    }
    return crc;
}

struct hv_mapwriter {
    FILE *f;
    char *path, *tmp;
    uint64_t pos;
    hv_section *sec;
    uint32_t nsec, cap;
    bool open_section;
};

void mapwriter_abort(hv_mapwriter *w) {
    if (!w) return;
    if (w->f) fclose(w->f);
    if (w->tmp) unlink(w->tmp);
    free(w->path);
    free(w->tmp);
    free(w->sec);
    free(w);
}

hv_mapwriter *mapwriter_create(const char *path, hv_err *e) {
    hv_mapwriter *w = calloc(1, sizeof *w);
    if (!w) { hv_errf(e, HV_ENOMEM, "out of memory"); return NULL; }
    size_t n = strlen(path);
    w->path = strdup(path);
    w->tmp = malloc(n + 5);
    if (!w->path || !w->tmp) { mapwriter_abort(w); hv_errf(e, HV_ENOMEM, "out of memory"); return NULL; }
    snprintf(w->tmp, n + 5, "%s.tmp", path);
    w->f = fopen(w->tmp, "wb");
    if (!w->f) {
        hv_errf(e, HV_EIO, "%s: cannot create: %s", w->tmp, strerror(errno));
        free(w->tmp);
        w->tmp = NULL;
        mapwriter_abort(w);
        return NULL;
    }
    uint8_t zero[HEADER_SIZE] = {0};
    if (fwrite(zero, 1, HEADER_SIZE, w->f) != HEADER_SIZE) {
        hv_errf(e, HV_EIO, "%s: write failed: %s", w->tmp, strerror(errno));
        mapwriter_abort(w);
        return NULL;
    }
    w->pos = HEADER_SIZE;
    return w;
}

static int write_bytes(hv_mapwriter *w, const void *p, uint64_t n, hv_err *e) {
    if (n && fwrite(p, 1, n, w->f) != n) return hv_errf(e, HV_EIO, "%s: write failed: %s", w->tmp, strerror(errno));
    w->pos += n;
    return HV_OK;
}

static int pad(hv_mapwriter *w, hv_err *e) {
    static const uint8_t zero[ALIGN];
    uint64_t r = w->pos % ALIGN;
    return r ? write_bytes(w, zero, ALIGN - r, e) : HV_OK;
}

int mapwriter_begin(hv_mapwriter *w, const char *name, size_t elem_size, hv_err *e) {
    if (w->open_section) return hv_errf(e, HV_EINTERNAL, "map section %s begun inside another", name);
    if (strlen(name) > HV_MAP_NAME_LEN) return hv_errf(e, HV_EINTERNAL, "map section name too long: %s", name);
    if (elem_size == 0) return hv_errf(e, HV_EINTERNAL, "map section %s: element size 0", name);
    for (uint32_t i = 0; i < w->nsec; i++)
        if (!strcmp(w->sec[i].name, name)) return hv_errf(e, HV_EINTERNAL, "map section %s written twice", name);
    if (w->nsec == MAX_SECTIONS) return hv_errf(e, HV_EINTERNAL, "too many map sections");
    int rc = pad(w, e);
    if (rc) return rc;
    if (w->nsec == w->cap) {
        uint32_t cap = w->cap ? w->cap * 2 : 64;
        hv_section *s = realloc(w->sec, cap * sizeof *s);
        if (!s) return hv_errf(e, HV_ENOMEM, "out of memory");
        w->sec = s;
        w->cap = cap;
    }
    hv_section *s = &w->sec[w->nsec];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->offset = w->pos;
    s->elem_size = (uint32_t)elem_size;
    s->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    w->open_section = true;
    return HV_OK;
}

int mapwriter_write(hv_mapwriter *w, const void *data, size_t n, hv_err *e) {
    if (!w->open_section) return hv_errf(e, HV_EINTERNAL, "map write outside a section");
    hv_section *s = &w->sec[w->nsec];
    s->crc = crc_update(s->crc, data, n);
    s->size += n;
    return write_bytes(w, data, n, e);
}

int mapwriter_end(hv_mapwriter *w, hv_err *e) {
    if (!w->open_section) return hv_errf(e, HV_EINTERNAL, "map section end without begin");
    hv_section *s = &w->sec[w->nsec];
    if (s->size % s->elem_size) return hv_errf(e, HV_EINTERNAL, "map section %s: size not a multiple of its element", s->name);
    s->count = s->size / s->elem_size;
    w->nsec++;
    w->open_section = false;
    return HV_OK;
}

int mapwriter_add(hv_mapwriter *w, const char *name, const void *data, size_t elem_size, uint64_t count, hv_err *e) {
    int rc = mapwriter_begin(w, name, elem_size, e);
    if (rc == HV_OK && count) rc = mapwriter_write(w, data, elem_size * count, e);
    if (rc == HV_OK) rc = mapwriter_end(w, e);
    return rc;
}

int mapwriter_close(hv_mapwriter *w, hv_err *e) {
    int rc = w->open_section ? hv_errf(e, HV_EINTERNAL, "map closed inside a section") : pad(w, e);
    uint64_t table_off = w->pos;
    uint8_t *table = calloc(w->nsec ? w->nsec : 1, ENTRY_SIZE);
    if (rc == HV_OK && !table) rc = hv_errf(e, HV_ENOMEM, "out of memory");
    if (rc == HV_OK) {
        for (uint32_t i = 0; i < w->nsec; i++) {
            uint8_t *t = table + (size_t)i * ENTRY_SIZE;
            memcpy(t, w->sec[i].name, strlen(w->sec[i].name));
            hv_le_put64(t + 32, w->sec[i].offset);
            hv_le_put64(t + 40, w->sec[i].size);
            hv_le_put32(t + 48, w->sec[i].elem_size);
            hv_le_put32(t + 52, w->sec[i].crc);
            hv_le_put64(t + 56, w->sec[i].count);
        }
        rc = write_bytes(w, table, (uint64_t)w->nsec * ENTRY_SIZE, e);
    }
    if (rc == HV_OK) {
        uint8_t h[HEADER_SIZE] = {0};
        memcpy(h, HV_MAP_MAGIC, 8);
        hv_le_put32(h + 8, HV_MAP_VERSION);
        hv_le_put32(h + 12, w->nsec);
        hv_le_put64(h + 16, w->pos);
        hv_le_put64(h + 24, table_off);
        hv_le_put32(h + 32, crc_update((uint32_t)crc32(0L, Z_NULL, 0), table, (uint64_t)w->nsec * ENTRY_SIZE));
        hv_le_put32(h + 36, crc_update((uint32_t)crc32(0L, Z_NULL, 0), h, 36));
        if (fflush(w->f) || fseeko(w->f, 0, SEEK_SET) || fwrite(h, 1, HEADER_SIZE, w->f) != HEADER_SIZE ||
            fflush(w->f) || fsync(fileno(w->f)))
            rc = hv_errf(e, HV_EIO, "%s: write failed: %s", w->tmp, strerror(errno));
    }
    free(table);
    if (rc == HV_OK) {
        int c = fclose(w->f);
        w->f = NULL;
        if (c) rc = hv_errf(e, HV_EIO, "%s: close failed: %s", w->tmp, strerror(errno));
    }
    if (rc == HV_OK && rename(w->tmp, w->path))
        rc = hv_errf(e, HV_EIO, "cannot rename %s to %s: %s", w->tmp, w->path, strerror(errno));
    if (rc == HV_OK) {
        free(w->tmp);
        w->tmp = NULL;
    }
    mapwriter_abort(w);
    return rc;
}

bool mapfile_sniff(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char m[8];
    bool ok = fread(m, 1, 8, f) == 8 && memcmp(m, HV_MAP_MAGIC, 8) == 0;
    fclose(f);
    return ok;
}

void mapfile_close(hv_mapfile *m) {
    if (!m) return;
    if (m->base) munmap((void *)m->base, m->size);
    free(m->path);
    free(m->sections);
    memset(m, 0, sizeof *m);
}

int mapfile_open(const char *path, bool verify, hv_mapfile *m, hv_err *e) {
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hv_errf(e, HV_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return hv_errf(e, HV_EINPUT, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size < HEADER_SIZE) {
        close(fd);
        return hv_errf(e, HV_EINPUT, "%s: not a map (%lld bytes, shorter than the header)", path, (long long)st.st_size);
    }
    void *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED) return hv_errf(e, HV_EIO, "%s: cannot map: %s", path, strerror(errno));
    m->base = base;
    m->size = (uint64_t)st.st_size;
    m->path = strdup(path);
    const uint8_t *h = m->base;
    int rc = HV_OK;
    if (memcmp(h, HV_MAP_MAGIC, 8)) {
        rc = hv_errf(e, HV_EINPUT, "%s: not a map file (bad magic)", path);
        goto fail;
    }
    if (hv_le_get32(h + 36) != crc_update((uint32_t)crc32(0L, Z_NULL, 0), h, 36)) {
        rc = hv_errf(e, HV_EINPUT, "%s: corrupt map header (checksum mismatch)", path);
        goto fail;
    }
    m->version = hv_le_get32(h + 8);
    if (m->version != HV_MAP_VERSION) {
        rc = hv_errf(e, HV_EINPUT, "%s: map version %u, this hfviz reads version %u (rebuild the map)", path,
                     m->version, HV_MAP_VERSION);
        goto fail;
    }
    uint64_t file_size = hv_le_get64(h + 16), table_off = hv_le_get64(h + 24);
    m->nsections = hv_le_get32(h + 12);
    if (file_size != m->size) {
        rc = hv_errf(e, HV_EINPUT, "%s: truncated or extended map: header says %llu bytes, file has %llu", path,
                     (unsigned long long)file_size, (unsigned long long)m->size);
        goto fail;
    }
    if (m->nsections > MAX_SECTIONS || table_off < HEADER_SIZE || table_off > m->size ||
        (m->size - table_off) / ENTRY_SIZE < m->nsections) {
        rc = hv_errf(e, HV_EINPUT, "%s: corrupt map: section table out of bounds", path);
        goto fail;
    }
    const uint8_t *t = m->base + table_off;
    if (hv_le_get32(h + 32) != crc_update((uint32_t)crc32(0L, Z_NULL, 0), t, (uint64_t)m->nsections * ENTRY_SIZE)) {
        rc = hv_errf(e, HV_EINPUT, "%s: corrupt map: section table checksum mismatch", path);
        goto fail;
    }
    m->sections = calloc(m->nsections ? m->nsections : 1, sizeof *m->sections);
    if (!m->sections) {
        rc = hv_errf(e, HV_ENOMEM, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < m->nsections; i++) {
        const uint8_t *en = t + (size_t)i * ENTRY_SIZE;
        hv_section *s = &m->sections[i];
        memcpy(s->name, en, HV_MAP_NAME_LEN);
        s->name[HV_MAP_NAME_LEN] = 0;
        s->offset = hv_le_get64(en + 32);
        s->size = hv_le_get64(en + 40);
        s->elem_size = hv_le_get32(en + 48);
        s->crc = hv_le_get32(en + 52);
        s->count = hv_le_get64(en + 56);
        /* sections start on 64-byte boundaries: typed pointers into them
         * must be aligned */
        if (s->offset < HEADER_SIZE || s->offset % ALIGN || s->offset > table_off || s->size > table_off - s->offset ||
            s->elem_size == 0 || s->size / s->elem_size != s->count || s->size % s->elem_size) {
            rc = hv_errf(e, HV_EINPUT, "%s: corrupt map: section '%s' out of bounds", path, s->name);
            goto fail;
        }
        if (verify && crc_update((uint32_t)crc32(0L, Z_NULL, 0), m->base + s->offset, s->size) != s->crc) {
            rc = hv_errf(e, HV_EINPUT, "%s: corrupt map: section '%s' checksum mismatch", path, s->name);
            goto fail;
        }
    }
    return HV_OK;
fail:
    mapfile_close(m);
    return rc;
}

const hv_section *mapfile_find(const hv_mapfile *m, const char *name) {
    for (uint32_t i = 0; i < m->nsections; i++)
        if (!strcmp(m->sections[i].name, name)) return &m->sections[i];
    return NULL;
}

int mapfile_get(const hv_mapfile *m, const char *name, size_t elem_size, uint64_t want_count, const void **data,
                uint64_t *count, hv_err *e) {
    const hv_section *s = mapfile_find(m, name);
    if (!s) return hv_errf(e, HV_EINPUT, "%s: map has no section '%s'", m->path, name);
    if (s->elem_size != elem_size)
        return hv_errf(e, HV_EINPUT, "%s: section '%s' has %u-byte elements, expected %zu", m->path, name,
                       s->elem_size, elem_size);
    if (want_count != UINT64_MAX && s->count != want_count)
        return hv_errf(e, HV_EINPUT, "%s: section '%s' has %llu elements, expected %llu", m->path, name,
                       (unsigned long long)s->count, (unsigned long long)want_count);
    *data = m->base + s->offset;
    if (count) *count = s->count;
    return HV_OK;
}
