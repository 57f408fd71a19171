/*
 * The runner behind criterion/criterion.h (see there for what it covers):
 * collects the Test()s registered by constructors, selects them with the
 * Criterion pattern, runs each in a forked child (--jobs at a time), and
 * prints failures and Criterion's synthesis line. Exit status 0 when every
 * selected test passed.
 *
 * Options (as Criterion's): --jobs N (-jN), --timeout SECONDS,
 * --filter PATTERN; env CRITERION_TEST_PATTERN (the filter when --filter is
 * not given).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static struct cr_compat_test *tests;
static struct cr_compat_suite *suites;
static const struct cr_compat_test *current; /* in a test's child */

void cr_compat_register_test(struct cr_compat_test *t)
{
    t->next = tests;
    tests = t;
}

void cr_compat_register_suite(struct cr_compat_suite *s)
{
    s->next = suites;
    suites = s;
}

void cr_compat_fail(const char *file, int line, const char *expr,
                    const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "[----] %s::%s: %s:%d: Assertion failed:",
            current != NULL ? current->suite : "?",
            current != NULL ? current->name : "?", file, line);
    if (strcmp(fmt, " ") == 0) {
        fprintf(stderr, " %s\n", expr);
    } else {
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    fflush(NULL);
    _exit(1);
}

void cr_compat_skip(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "[SKIP] %s::%s:", current != NULL ? current->suite : "?",
            current != NULL ? current->name : "?");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(NULL);
    _exit(0);
}

/* ---- Criterion's test patterns ------------------------------------------
 * Shell globs with ksh's extended groups, matched against "suite/name":
 * *, ?, @(a|b) (one of), !(a|b) (anything but). Pattern [p, pe) against
 * string [s, se). */
static int match(const char *p, const char *pe, const char *s, const char *se);

static const char *group_end(const char *p, const char *pe)
{
    int depth = 0;

    for (; p < pe; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p;
    }
    return NULL;
}

/* Does [s, se) match one of the '|'-separated alternatives in [a, ae)? */
static int match_any(const char *a, const char *ae, const char *s,
                     const char *se)
{
    const char *start = a;
    int depth = 0;

    for (; a <= ae; a++) {
        if (a == ae || (*a == '|' && depth == 0)) {
            if (match(start, a, s, se))
                return 1;
            start = a + 1;
        } else if (*a == '(') {
            depth++;
        } else if (*a == ')') {
            depth--;
        }
    }
    return 0;
}

static int match(const char *p, const char *pe, const char *s, const char *se)
{
    const char *k, *close;

    if (p == pe)
        return s == se;
    if ((*p == '@' || *p == '!') && p + 1 < pe && p[1] == '(' &&
        (close = group_end(p + 1, pe)) != NULL) {
        for (k = s; k <= se; k++) {
            int in = match_any(p + 2, close, s, k);
            if (in == (*p == '@') && match(close + 1, pe, k, se))
                return 1;
        }
        return 0;
    }
    if (*p == '*') {
        for (k = s; k <= se; k++)
            if (match(p + 1, pe, k, se))
                return 1;
        return 0;
    }
    if (s == se)
        return 0;
    if (*p == '?' || *p == *s)
        return match(p + 1, pe, s + 1, se);
    return 0;
}

static int selected(const struct cr_compat_test *t, const char *pattern)
{
    char id[256];
    int n = snprintf(id, sizeof(id), "%s/%s", t->suite, t->name);

    if (n < 0 || (size_t)n >= sizeof(id))
        return 0;
    return match(pattern, pattern + strlen(pattern), id, id + n);
}

/* ---- Running ------------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    const struct cr_compat_test *x = *(const struct cr_compat_test *const *)a;
    const struct cr_compat_test *y = *(const struct cr_compat_test *const *)b;
    int c = strcmp(x->suite, y->suite);

    return c != 0 ? c : strcmp(x->name, y->name);
}

static const struct cr_compat_suite *suite_of(const struct cr_compat_test *t)
{
    const struct cr_compat_suite *s;

    for (s = suites; s != NULL; s = s->next)
        if (strcmp(s->name, t->suite) == 0)
            return s;
    return NULL;
}

/* In the child: the test between its (or its suite's) init and fini. */
static _Noreturn void run_child(const struct cr_compat_test *t, double timeout)
{
    const struct cr_compat_suite *s = suite_of(t);
    void (*init)(void) = t->data.init, (*fini)(void) = t->data.fini;

    if (init == NULL && s != NULL)
        init = s->data.init;
    if (fini == NULL && s != NULL)
        fini = s->data.fini;
    current = t;
    if (t->data.timeout > 0)
        timeout = t->data.timeout;
    if (timeout > 0) /* whole seconds, rounded up */
        alarm((unsigned)timeout + ((double)(unsigned)timeout < timeout));
    if (init != NULL)
        init();
    t->body();
    if (fini != NULL)
        fini();
    fflush(NULL);
    _exit(0);
}

struct tally {
    unsigned tested, passing, failing, crashing;
};

static void report(const struct cr_compat_test *t, int status, struct tally *n)
{
    n->tested++;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        n->passing++;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        n->failing++;
        printf("[FAIL] %s::%s: timed out\n", t->suite, t->name);
    } else if (WIFSIGNALED(status)) {
        n->crashing++;
        printf("[FAIL] %s::%s: crashed (signal %d)\n", t->suite, t->name,
               WTERMSIG(status));
    } else {
        n->failing++;
        printf("[FAIL] %s::%s\n", t->suite, t->name);
    }
    fflush(stdout);
}

static int option(int argc, char **argv, int *i, const char *name,
                  const char **value)
{
    size_t len = strlen(name);

    if (strncmp(argv[*i], name, len) != 0)
        return 0;
    if (argv[*i][len] == '=') {
        *value = argv[*i] + len + 1;
        return 1;
    }
    if (argv[*i][len] == '\0' && *i + 1 < argc) {
        *value = argv[++*i];
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *pattern = getenv("CRITERION_TEST_PATTERN"), *v;
    const struct cr_compat_test **list, *t;
    struct {
        pid_t pid;
        const struct cr_compat_test *test;
    } * running;
    struct tally n = {0, 0, 0, 0};
    double timeout = 0;
    size_t count = 0, next = 0, busy = 0, i;
    long jobs = 1;
    int a;

    for (a = 1; a < argc; a++) {
        if (option(argc, argv, &a, "--jobs", &v))
            jobs = strtol(v, NULL, 10);
        else if (strncmp(argv[a], "-j", 2) == 0 && argv[a][2] != '\0')
            jobs = strtol(argv[a] + 2, NULL, 10);
        else if (option(argc, argv, &a, "--timeout", &v))
            timeout = strtod(v, NULL);
        else if (option(argc, argv, &a, "--filter", &v))
            pattern = v;
        else {
            fprintf(stderr, "cr-compat: unknown option %s\n", argv[a]);
            return 2;
        }
    }
    if (pattern == NULL || *pattern == '\0')
        pattern = "*";
    if (jobs < 1)
        jobs = 1;

    for (t = tests; t != NULL; t = t->next)
        count++;
    list = calloc(count + 1, sizeof(*list));
    running = calloc((size_t)jobs, sizeof(*running));
    if (list == NULL || running == NULL)
        return 2;
    count = 0;
    for (t = tests; t != NULL; t = t->next)
        if (!t->data.disabled && selected(t, pattern))
            list[count++] = t;
    qsort(list, count, sizeof(*list), by_name);

    while (next < count || busy > 0) {
        int status;
        pid_t pid;

        if (next < count && busy < (size_t)jobs) {
            fflush(NULL);
            pid = fork();
            if (pid < 0) {
                perror("cr-compat: fork");
                return 2;
            }
            if (pid == 0)
                run_child(list[next], timeout);
            for (i = 0; running[i].pid != 0; i++)
                ;
            running[i].pid = pid;
            running[i].test = list[next++];
            busy++;
            continue;
        }
        pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            perror("cr-compat: waitpid");
            return 2;
        }
        for (i = 0; i < (size_t)jobs && running[i].pid != pid; i++)
            ;
        if (i == (size_t)jobs)
            continue; /* not a test child */
        report(running[i].test, status, &n);
        running[i].pid = 0;
        busy--;
    }
    printf("[====] Synthesis: Tested: %u | Passing: %u | Failing: %u | "
           "Crashing: %u\n",
           n.tested, n.passing, n.failing, n.crashing);
    free(list);
    free(running);
    return n.passing == n.tested ? 0 : 1;
}
