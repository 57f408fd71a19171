/* Shared helpers for the list parsers; see list_token.h. */
#include "list_token.h"

#include <stdio.h>

/* Longest token quoted back in an error message. */
#define ERR_TOKEN_MAX 64

int petls_ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int petls_token_eq(const char *tok, size_t len, const char *lit)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (lit[i] == '\0' || petls_ascii_lower((unsigned char)tok[i]) !=
                                  petls_ascii_lower((unsigned char)lit[i]))
            return 0;
    }
    return lit[len] == '\0';
}

int petls_list_is_space(char c)
{
    return c == ' ' || c == '\t';
}

void petls_list_error(char *err, size_t errlen, const char *what,
                      const char *tok, size_t toklen)
{
    if (err == NULL || errlen == 0)
        return;
    if (tok == NULL) {
        snprintf(err, errlen, "%s", what);
        return;
    }
    if (toklen > ERR_TOKEN_MAX)
        toklen = ERR_TOKEN_MAX;
    snprintf(err, errlen, "%s '%.*s'", what, (int)toklen, tok);
}
