/* Shared helpers for the list parsers (protocols, ciphers, groups): case-
 * insensitive token comparison and error messages that quote the bad token.
 * Pure C, no allocation. */
#ifndef PETLS_LIST_TOKEN_H
#define PETLS_LIST_TOKEN_H

#include <stddef.h>

/* ASCII-only lower-casing (locale-independent). */
int petls_ascii_lower(int c);

/* 1 when the length-delimited token equals the NUL-terminated literal,
 * ignoring ASCII case. */
int petls_token_eq(const char *tok, size_t len, const char *lit);

/* 1 for the blanks allowed around list tokens (space, tab). */
int petls_list_is_space(char c);

/* Writes "<what> '<tok>'" into err (or just what when tok is NULL), quoting
 * at most 64 bytes of the token so a huge input keeps the message useful. */
void petls_list_error(char *err, size_t errlen, const char *what,
                      const char *tok, size_t toklen);

/* The one loop over a list "a,b:c": tokens separated by ',' or ':', blanks
 * around each trimmed, an empty segment given as a token of length 0 (so
 * "" and "a,,b" produce empty tokens; each parser decides what they mean).
 * With PETLS_LIST_NEGATE a leading '!' is taken off into `negate`;
 * PETLS_LIST_NEGATE_SPACE also skips blanks after it ("! tls1.2"). */
#define PETLS_LIST_NEGATE 1u
#define PETLS_LIST_NEGATE_SPACE 2u

struct petls_list_iter {
    const char *p; /* where the next token starts; NULL when done */
    unsigned int flags;
};

struct petls_list_item {
    const char *tok; /* the token, blanks trimmed (not NUL-terminated) */
    size_t len;
    int negate; /* 1 when it was written "!tok" */
};

void petls_list_begin(struct petls_list_iter *it, const char *str,
                      unsigned int flags);

/* The next token into item: 1, or 0 when the list is over. */
int petls_list_next(struct petls_list_iter *it, struct petls_list_item *item);

#endif
