/* An installed-petls consumer: compiles against the installed header, links
 * the installed library, and checks that the library really initialises. */
#include <petls.h>
#include <stdio.h>

int main(void)
{
    struct petls_config *cfg;

    if (petls_init() != 0 || (cfg = petls_config_new()) == NULL) {
        fprintf(stderr, "petls consumer: init failed\n");
        return 1;
    }
    petls_config_free(cfg);
    printf("petls consumer: %s\n", petls_version_string());
    return 0;
}
