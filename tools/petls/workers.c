#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L

#include "workers.h"

#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>

struct workers_shared *workers_shared_new(void)
{
    void *p = mmap(NULL, sizeof(struct workers_shared), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void workers_shared_free(struct workers_shared *ws)
{
    if (ws != NULL)
        munmap(ws, sizeof(*ws));
}

long workers_shared_add(struct workers_shared *ws)
{
    return __atomic_add_fetch(&ws->finished, 1, __ATOMIC_SEQ_CST);
}

static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t hup_sig;
static volatile sig_atomic_t child_sig;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        hup_sig = 1;
    else if (sig == SIGCHLD)
        child_sig = 1;
    else
        stop_sig = 1;
}

/* A crashed worker is restarted, but not in a tight loop. */
#define RESTART_DELAY_MS 200

/* In a new worker: it gets SIGTERM when its master dies, however it dies
 * (kill -9 included), so no orphan keeps the listening socket and a
 * restarted server can listen at once. Linux: PR_SET_PDEATHSIG; a master
 * gone before that call is seen as a new parent. */
static void die_with_master(pid_t master)
{
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
        cli_errorf("server: prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
#endif
    if (getppid() != master)
        _exit(WORKER_EXIT_DONE);
}

static pid_t spawn(int index, worker_fn fn, void *arg,
                   const sigset_t *parent_mask)
{
    pid_t master = getpid();
    fflush(NULL); /* no buffered output may be written twice */
    pid_t pid = fork();
    if (pid == 0) {
        die_with_master(master);
        /* The worker installs its own handlers; until then the defaults
         * (terminate on SIGTERM) are right. */
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        sigaction(SIGCHLD, &sa, NULL);
        sigprocmask(SIG_SETMASK, parent_mask, NULL);
        int status = fn(index, arg);
        fflush(NULL);
        _exit(status);
    }
    if (pid < 0)
        cli_errorf("server: fork: %s", strerror(errno));
    return pid;
}

static void signal_all(const pid_t *pids, int n, int sig)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], sig);
}

int workers_run(int n, worker_fn fn, void *arg)
{
    pid_t *pids = calloc((size_t)n, sizeof(*pids));
    if (pids == NULL) {
        cli_errorf("server: out of memory");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);

    /* Signals are blocked except while waiting in sigsuspend(), so none is
     * missed between checking the flags and sleeping. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);

    int status = 0, alive = 0, stopping = 0;
    for (int i = 0; i < n; i++) {
        pids[i] = spawn(i, fn, arg, &old);
        if (pids[i] > 0) {
            alive++;
        } else {
            stopping = 1;
            status = 1;
            signal_all(pids, n, SIGTERM);
            break;
        }
    }
    while (alive > 0) {
        if (stop_sig && !stopping) {
            stopping = 1;
            signal_all(pids, n, SIGTERM);
        }
        if (hup_sig) {
            hup_sig = 0;
            if (!stopping)
                signal_all(pids, n, SIGHUP);
        }
        int ws;
        pid_t pid;
        int reaped = 0;
        while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
            reaped = 1;
            int idx = -1;
            for (int i = 0; i < n; i++)
                if (pids[i] == pid)
                    idx = i;
            if (idx < 0)
                continue;
            pids[idx] = 0;
            alive--;
            if (stopping)
                continue;
            if (WIFEXITED(ws) && WEXITSTATUS(ws) == WORKER_EXIT_DONE) {
                /* --count reached: the others stop too. */
                stopping = 1;
                signal_all(pids, n, SIGTERM);
            } else if (WIFEXITED(ws)) {
                cli_errorf("server: worker %d exited with status %d", idx,
                           WEXITSTATUS(ws));
                status = 1;
                stopping = 1;
                signal_all(pids, n, SIGTERM);
            } else {
                cli_errorf("server: worker %d died (signal %d); restarting",
                           idx, WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
                struct timespec ts = {0, RESTART_DELAY_MS * 1000000L};
                nanosleep(&ts, NULL);
                pids[idx] = spawn(idx, fn, arg, &old);
                if (pids[idx] > 0)
                    alive++;
            }
        }
        if (alive > 0 && !reaped && !(stop_sig && !stopping) && !hup_sig) {
            child_sig = 0;
            sigsuspend(&old);
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(pids);
    return status;
}
