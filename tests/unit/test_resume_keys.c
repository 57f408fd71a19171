/* Ticket keys (set/get, rotation, key file reload) and sessions or tickets
 * that must not resume: tampered, truncated, garbage. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <stdio.h>
#include <unistd.h>

#include "test_resume_util.h"

static void key_fill(uint8_t *k, uint8_t v)
{
    memset(k, v, PETLS_TICKET_KEY_SIZE);
}

Test(resume_keys, get_set_round_trip)
{
    struct petls_config *c = petls_config_new();
    uint8_t keys[2 * PETLS_TICKET_KEY_SIZE], got[4 * PETLS_TICKET_KEY_SIZE];

    key_fill(keys, 0xA1);
    key_fill(keys + PETLS_TICKET_KEY_SIZE, 0xB2);
    cr_assert(petls_config_set_ticket_keys(c, keys, sizeof(keys)) == 0, "%s",
              petls_config_error(c));
    cr_assert_eq(petls_config_get_ticket_keys(c, got, sizeof(got)),
                 (ssize_t)sizeof(keys));
    cr_assert(memcmp(got, keys, sizeof(keys)) == 0);
    cr_assert_eq(petls_config_get_ticket_keys(c, got, 10), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "ticket keys: buffer of 10 bytes is too small");
    cr_assert_eq(petls_config_set_ticket_keys(c, keys, 47), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "ticket keys: 47 bytes is not a multiple of 48");
    /* Automatic keys exist before anything is set. */
    petls_config_free(c);
    c = petls_config_new();
    cr_assert_eq(petls_config_get_ticket_keys(c, got, sizeof(got)) %
                     PETLS_TICKET_KEY_SIZE,
                 0);
    cr_assert(petls_config_get_ticket_keys(c, got, sizeof(got)) >=
              PETLS_TICKET_KEY_SIZE);
    petls_config_free(c);
}

Test(resume_keys, add_ticket_key_highest_encrypts)
{
    struct petls_config *c = petls_config_new();
    uint8_t k1[PETLS_TICKET_KEY_SIZE], k2[PETLS_TICKET_KEY_SIZE];
    uint8_t got[4 * PETLS_TICKET_KEY_SIZE];

    key_fill(k1, 1);
    key_fill(k2, 2);
    cr_assert(petls_config_add_ticket_key(c, 1, k1, sizeof(k1)) == 0);
    cr_assert(petls_config_add_ticket_key(c, 2, k2, sizeof(k2)) == 0);
    cr_assert_eq(petls_config_get_ticket_keys(c, got, sizeof(got)),
                 2 * PETLS_TICKET_KEY_SIZE);
    cr_assert(memcmp(got, k2, sizeof(k2)) == 0, "keyrev 2 must encrypt");
    cr_assert_eq(petls_config_add_ticket_key(c, 3, k1, 16), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "ticket key: 16 bytes of key data, expected 48");
    petls_config_free(c);
}

/* K1 issues; after set(K2,K1) the K1 ticket resumes and the client gets a
 * K2 ticket; after set(K2) alone that one resumes and the K1 one does
 * not. All on a live config. (A TLS 1.2 mbedTLS server sends no new
 * ticket when it resumes one: there the client's next session under K2
 * comes from the full handshake after K1 is dropped.) */
static void rotation(uint32_t protocols)
{
    int tls12 = protocols == PETLS_PROTOCOL_TLSv1_2;
    struct rfx f;
    uint8_t k1[PETLS_TICKET_KEY_SIZE], both[2 * PETLS_TICKET_KEY_SIZE];
    uint8_t s1[RFX_SESS_MAX];
    size_t s1_len;

    key_fill(k1, 0x01);
    key_fill(both, 0x02);
    memcpy(both + PETLS_TICKET_KEY_SIZE, k1, sizeof(k1));
    rfx_init(&f, protocols);
    cr_assert(petls_config_set_ticket_keys(f.scfg, k1, sizeof(k1)) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    memcpy(s1, f.sess, f.sess_len);
    s1_len = f.sess_len;

    cr_assert(petls_config_set_ticket_keys(f.scfg, both, sizeof(both)) == 0,
              "setting keys on a live config: %s", petls_config_error(f.scfg));
    cr_assert_eq(rfx_conn_offer(&f, s1, s1_len, NULL), 1,
                 "a K1 ticket must resume while K1 decrypts");
    if (!tls12)
        cr_assert_eq(f.last_conn_sessions, 1,
                     "no fresh ticket after resuming with a decrypt-only key");

    cr_assert(
        petls_config_set_ticket_keys(f.scfg, both, PETLS_TICKET_KEY_SIZE) == 0);
    if (!tls12)
        cr_assert_eq(rfx_conn(&f), 1, "the re-issued ticket is not under K2");
    cr_assert_eq(rfx_conn_offer(&f, s1, s1_len, NULL), 0,
                 "a K1 ticket resumed after K1 was dropped");
    /* The session from that full handshake is under K2. */
    cr_assert_eq(rfx_conn(&f), 1);
    rfx_free(&f);
}

Test(resume_keys, rotation_tls13)
{
    rotation(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_keys, rotation_tls12)
{
    rotation(PETLS_PROTOCOL_TLSv1_2);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    cr_assert_not_null(fp);
    cr_assert(fputs(text, fp) >= 0);
    cr_assert(fclose(fp) == 0);
}

static void hexkey(char *out, uint8_t v)
{
    int i;

    for (i = 0; i < PETLS_TICKET_KEY_SIZE; i++)
        sprintf(out + 2 * i, "%02x", v);
}

Test(resume_keys, key_file_reload)
{
    struct rfx f;
    char path[] = "/tmp/petls-keys-XXXXXX";
    char text[3 * 2 * PETLS_TICKET_KEY_SIZE + 64], want[256];
    uint8_t got[4 * PETLS_TICKET_KEY_SIZE], k[PETLS_TICKET_KEY_SIZE];
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    close(fd);
    strcpy(text, "# petls ticket keys\n");
    hexkey(text + strlen(text), 0x31);
    strcat(text, "\n");
    write_file(path, text);

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert(petls_config_set_ticket_keys_file(f.scfg, path) == 0, "%s",
              petls_config_error(f.scfg));
    cr_assert_eq(petls_config_get_ticket_keys(f.scfg, got, sizeof(got)),
                 PETLS_TICKET_KEY_SIZE);
    key_fill(k, 0x31);
    cr_assert(memcmp(got, k, sizeof(k)) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    cr_assert_eq(rfx_conn(&f), 1);

    /* New key only: reloading on the live config drops the old one. */
    hexkey(text, 0x42);
    strcpy(text + 2 * PETLS_TICKET_KEY_SIZE, "\n");
    write_file(path, text);
    cr_assert(petls_config_reload_ticket_keys(f.scfg) == 0, "%s",
              petls_config_error(f.scfg));
    cr_assert_eq(petls_config_get_ticket_keys(f.scfg, got, sizeof(got)),
                 PETLS_TICKET_KEY_SIZE);
    key_fill(k, 0x42);
    cr_assert(memcmp(got, k, sizeof(k)) == 0);
    cr_assert_eq(rfx_conn(&f), 0, "a ticket under the dropped key resumed");
    cr_assert_eq(rfx_conn(&f), 1);

    /* A broken file keeps the keys in use. */
    write_file(path, "not hex\n");
    cr_assert_eq(petls_config_reload_ticket_keys(f.scfg), -1);
    snprintf(want, sizeof(want),
             "ticket key file %s: line 1: expected 96 hex digits", path);
    cr_assert_str_eq(petls_config_error(f.scfg), want);
    cr_assert_eq(rfx_conn(&f), 1);
    unlink(path);
    rfx_free(&f);
}

Test(resume_keys, reload_without_file)
{
    struct petls_config *c = petls_config_new();

    cr_assert_eq(petls_config_reload_ticket_keys(c), -1);
    cr_assert_str_eq(petls_config_error(c), "no ticket key file set");
    cr_assert_eq(petls_config_set_ticket_keys_file(c, "/nonexistent/keys"), -1);
    cr_assert_str_eq(petls_config_error(c),
                     "ticket key file /nonexistent/keys: No such file or "
                     "directory");
    petls_config_free(c);
}

/* Flips a byte inside the ticket the client holds: the ticket starts with
 * the 16-byte name of the encrypting key, which the test knows, and sits
 * in the session bytes. The client offers it as it is; the server must not
 * resume it and must go on serving. */
static void tamper_ticket(uint32_t protocols, size_t offset)
{
    struct rfx f;
    uint8_t k[PETLS_TICKET_KEY_SIZE], bad[RFX_SESS_MAX];
    size_t i;
    int found = 0;

    key_fill(k, 0x77);
    rfx_init(&f, protocols);
    cr_assert(petls_config_set_ticket_keys(f.scfg, k, sizeof(k)) == 0);
    cr_assert_eq(rfx_conn(&f), 0);
    memcpy(bad, f.sess, f.sess_len);
    for (i = 0; i + 16 + offset < f.sess_len; i++) {
        if (memcmp(bad + i, k, 16) == 0) {
            bad[i + offset] ^= 0x80;
            found = 1;
            break;
        }
    }
    cr_assert(found, "the ticket is not in the session bytes");
    cr_assert_eq(rfx_conn_offer(&f, bad, f.sess_len, NULL), 0,
                 "a tampered ticket resumed");
    cr_assert_eq(rfx_conn(&f), 1);
    rfx_free(&f);
}

/* Offsets: in the key name (unknown key), the IV, the expiry, the
 * ciphertext. */
Test(resume_keys, tampered_ticket_tls13)
{
    tamper_ticket(PETLS_PROTOCOL_TLSv1_3, 3);
    tamper_ticket(PETLS_PROTOCOL_TLSv1_3, 20);
    tamper_ticket(PETLS_PROTOCOL_TLSv1_3, 30);
    tamper_ticket(PETLS_PROTOCOL_TLSv1_3, 60);
}

Test(resume_keys, tampered_ticket_tls12)
{
    tamper_ticket(PETLS_PROTOCOL_TLSv1_2, 3);
    tamper_ticket(PETLS_PROTOCOL_TLSv1_2, 30);
    tamper_ticket(PETLS_PROTOCOL_TLSv1_2, 60);
}

/* petls_set_session checks the engine header. */
Test(resume_keys, import_rejects_garbage)
{
    struct rfx f;
    struct petls *cl;
    uint8_t bad[RFX_SESS_MAX];
    char want[128];

    rfx_init(&f, PETLS_PROTOCOL_TLSv1_3);
    cr_assert_eq(rfx_conn(&f), 0);
    cl = petls_client();
    cr_assert(petls_configure(cl, f.ccfg) == 0);
    cr_assert_eq(petls_set_session(cl, (const uint8_t *)"garbage", 7), -1);
    cr_assert_str_eq(petls_error(cl),
                     "petls_set_session: not a petls session (7 bytes)");
    cr_assert_eq(petls_set_session(cl, f.sess, f.sess_len - 1), -1);
    snprintf(want, sizeof(want),
             "petls_set_session: truncated or corrupt session (%zu bytes)",
             f.sess_len - 1);
    cr_assert_str_eq(petls_error(cl), want);
    memcpy(bad, f.sess, f.sess_len);
    bad[4] = 9;
    cr_assert_eq(petls_set_session(cl, bad, f.sess_len), -1);
    snprintf(want, sizeof(want),
             "petls_set_session: unsupported session format version (%zu "
             "bytes)",
             f.sess_len);
    cr_assert_str_eq(petls_error(cl), want);
    petls_free(cl);
    rfx_free(&f);
}

/* A well-framed session whose backend bytes are corrupt: accepted by
 * petls_set_session, then a full handshake; the server goes on. */
static void corrupt_body(uint32_t protocols)
{
    struct rfx f;
    uint8_t good[RFX_SESS_MAX], bad[RFX_SESS_MAX];
    size_t len, i;

    rfx_init(&f, protocols);
    cr_assert_eq(rfx_conn(&f), 0);
    len = f.sess_len;
    memcpy(good, f.sess, len);
    memcpy(bad, good, len);
    for (i = 8; i < len; i++)
        bad[i] ^= 0x5a;
    cr_assert_eq(rfx_conn_offer(&f, bad, len, NULL), 0);
    cr_assert_eq(rfx_conn_offer(&f, good, len, NULL), 1);
    rfx_free(&f);
}

Test(resume_keys, corrupt_session_body_tls13)
{
    corrupt_body(PETLS_PROTOCOL_TLSv1_3);
}

Test(resume_keys, corrupt_session_body_tls12)
{
    corrupt_body(PETLS_PROTOCOL_TLSv1_2);
}
