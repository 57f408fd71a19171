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

#endif
