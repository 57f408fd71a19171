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

void petls_list_begin(struct petls_list_iter *it, const char *str,
                      unsigned int flags)
{
    it->p = str;
    it->flags = flags;
}

int petls_list_next(struct petls_list_iter *it, struct petls_list_item *item)
{
    const char *p = it->p, *end;

    if (p == NULL)
        return 0;
    item->negate = 0;
    while (petls_list_is_space(*p))
        p++;
    if ((it->flags & PETLS_LIST_NEGATE) && *p == '!') {
        item->negate = 1;
        p++;
        while ((it->flags & PETLS_LIST_NEGATE_SPACE) && petls_list_is_space(*p))
            p++;
    }
    item->tok = p;
    while (*p != '\0' && *p != ',' && *p != ':')
        p++;
    end = p;
    while (end > item->tok && petls_list_is_space(end[-1]))
        end--;
    item->len = (size_t)(end - item->tok);
    it->p = *p == '\0' ? NULL : p + 1;
    return 1;
}
