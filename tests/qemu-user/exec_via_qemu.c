/*
 * LD_PRELOAD shim for running the Criterion suite under qemu user mode
 * without binfmt_misc (which needs host privileges we do not assume).
 *
 * Criterion's sandbox (BoxFort) starts each test worker by fork() and then
 * execl() of its own executable. Under qemu user mode that execve() is
 * passed to the host kernel, which cannot run an ARM binary (ENOEXEC)
 * unless binfmt_misc knows qemu. This shim, loaded into the emulated
 * process, turns "exec my own executable" into "exec qemu on my own
 * executable", with the same library root and the shim preloaded again.
 *
 * Guest environment (set by tests/run/qemu-user-tests.sh through qemu -E):
 *   PETLS_QEMU_BIN     host path of qemu-arm / qemu-aarch64
 *   PETLS_QEMU_PREFIX  the -L library root (the target sysroot)
 *   PETLS_QEMU_SHIM    path of this shim (re-preloaded in the worker)
 * Without them the calls pass through unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

typedef int (*execve_fn)(const char *, char *const[], char *const[]);

static int is_self(const char *path)
{
    char self[PATH_MAX], want[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    if (n <= 0 || realpath(path, want) == NULL)
        return 0;
    self[n] = '\0';
    return strcmp(self, want) == 0;
}

static int call_execve(const char *path, char *const argv[], char *const envp[])
{
    execve_fn real = (execve_fn)(uintptr_t)dlsym(RTLD_NEXT, "execve");
    const char *qemu = getenv("PETLS_QEMU_BIN");
    const char *prefix = getenv("PETLS_QEMU_PREFIX");
    const char *shim = getenv("PETLS_QEMU_SHIM");
    size_t argc = 0, envc = 0, i, j;
    char **qargv, **qenv, *preload;

    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (qemu == NULL || prefix == NULL || shim == NULL || !is_self(path))
        return real(path, argv, envp);

    while (argv[argc] != NULL)
        argc++;
    while (envp[envc] != NULL)
        envc++;
    qargv = calloc(argc + 8, sizeof(char *));
    qenv = calloc(envc + 1, sizeof(char *));
    if (asprintf(&preload, "LD_PRELOAD=%s", shim) < 0 || qargv == NULL ||
        qenv == NULL) {
        errno = ENOMEM;
        return -1;
    }
    i = 0;
    qargv[i++] = (char *)qemu;
    qargv[i++] = "-L";
    qargv[i++] = (char *)prefix;
    qargv[i++] = "-E";
    qargv[i++] = preload;
    qargv[i++] = (char *)path;
    for (j = 1; j < argc; j++)
        qargv[i++] = argv[j];
    qargv[i] = NULL;
    /* The host's qemu must not try to preload an ARM library. */
    for (i = 0, j = 0; i < envc; i++)
        if (strncmp(envp[i], "LD_PRELOAD=", 11) != 0)
            qenv[j++] = envp[i];
    qenv[j] = NULL;
    return real(qemu, qargv, qenv);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return call_execve(path, argv, envp);
}

int execv(const char *path, char *const argv[])
{
    return call_execve(path, argv, environ);
}

/* BoxFort calls execl(exe, "boxfort-worker", NULL). */
int execl(const char *path, const char *arg, ...)
{
    char *argv[64];
    size_t n = 0;
    va_list ap;

    argv[n++] = (char *)arg;
    va_start(ap, arg);
    while (n < 63 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    return call_execve(path, argv, environ);
}
