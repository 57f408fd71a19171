/* The subcommands, called by main() with argv[0] being the subcommand. */
#ifndef PETLS_CLI_H
#define PETLS_CLI_H

int server_main(int argc, char **argv);
int client_main(int argc, char **argv);
/* petls defaults (defaults_cmd.c): Node's tls defaults as a JSON line. */
int defaults_main(int argc, char **argv);

/* Prints "petls: <message>" to stderr (all diagnostics go there). */
void cli_errorf(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* "petls: WHO: OP: MSG", or "petls: WHO: MSG" when MSG starts with "OP:"
 * already (petls_error() of a failed read is often "read: ..."). */
void cli_op_error(const char *who, const char *op, const char *msg);

#endif
