/*
 * petls server --workers N: N forked processes serving one listening
 * socket, supervised by the parent. The parent makes everything the workers
 * must share before forking (the config with its ticket key ring, the shm
 * store, the listening socket), then only forwards signals, restarts a
 * worker that crashed, and stops them all on SIGTERM/SIGINT or when the
 * --count total is reached. Workers end with the parent, even one killed
 * with SIGKILL (Linux: PR_SET_PDEATHSIG).
 */
#ifndef PETLS_CLI_WORKERS_H
#define PETLS_CLI_WORKERS_H

/* A counter shared by the parent and all workers (--count across workers). */
struct workers_shared {
    long finished; /* connections finished, all workers together */
};

/* Maps the shared counter (before fork). NULL on failure (errno set). */
struct workers_shared *workers_shared_new(void);
void workers_shared_free(struct workers_shared *ws);
/* Adds one finished connection; returns the new total. */
long workers_shared_add(struct workers_shared *ws);

/* What a worker runs: its index (0..n-1); the return value is its exit
 * status. WORKER_EXIT_DONE means "the --count total is reached". */
#define WORKER_EXIT_DONE 0
typedef int (*worker_fn)(int index, void *arg);

/* Forks n workers and supervises them until they are all gone. Returns the
 * tool's exit status: 0 after a stop signal or the --count total, 1 when a
 * worker failed on its own (exit status 1, e.g. it could not start). */
int workers_run(int n, worker_fn fn, void *arg);

#endif
