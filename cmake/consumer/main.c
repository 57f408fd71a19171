/* An installed-petls consumer: compiles against the installed header, links
 * the installed library, and checks that the library really initialises.
 * With a CA file as argv[1] it also parses it (mbedTLS's X.509 code, from
 * whichever mbedTLS the link brought in). */
#include <petls.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    struct petls_config *cfg;

    if (petls_init() != 0 || (cfg = petls_config_new()) == NULL) {
        fprintf(stderr, "petls consumer: init failed\n");
        return 1;
    }
    if (argc > 1 && petls_config_set_ca_file(cfg, argv[1]) != 0) {
        fprintf(stderr, "petls consumer: %s\n", petls_config_error(cfg));
        petls_config_free(cfg);
        return 1;
    }
    petls_config_free(cfg);
    printf("petls consumer: %s%s\n", petls_version_string(),
           argc > 1 ? ", CA loaded" : "");
    return 0;
}
