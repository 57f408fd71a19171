/*
 * petls: the project's own s_server / s_client. main() only dispatches to a
 * subcommand; each lives in its own file.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"
#include "cli_opts.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <petls.h>

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    fputs("petls: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_op_error(const char *who, const char *op, const char *msg)
{
    size_t n = strlen(op);

    if (strncmp(msg, op, n) == 0 && msg[n] == ':') {
        cli_errorf("%s: %s", who, msg); /* "read: Connection reset ..." */
    } else {
        cli_errorf("%s: %s: %s", who, op, msg);
    }
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: petls server [options]        serve TLS connections\n"
            "       petls client [options] HOST:PORT\n"
            "                                     connect to a TLS server\n"
            "       petls defaults                Node's tls defaults and\n"
            "                                     getCiphers() as a JSON line\n"
            "       petls --version               print the library version\n"
            "       petls --help                  this help\n\n"
            "petls server --help and petls client --help list the options.\n"
            "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
    /* A peer that resets the connection must cost one connection, not the
     * process. */
    signal(SIGPIPE, SIG_IGN);

    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("%s\n", petls_version_string());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "server") == 0)
        return server_main(argc - 1, argv + 1);
    if (strcmp(cmd, "client") == 0)
        return client_main(argc - 1, argv + 1);
    if (strcmp(cmd, "defaults") == 0)
        return defaults_main(argc - 1, argv + 1);
    cli_errorf("unknown command '%s'", cmd);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
