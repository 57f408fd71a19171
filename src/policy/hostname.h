/* Host-name checks per RFC 6125 (backend-neutral). */
#ifndef PETLS_HOSTNAME_H
#define PETLS_HOSTNAME_H

#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"

/* Parses an IPv4 or IPv6 literal (IPv6 may be in brackets). Writes 4 or 16
 * bytes to out and their count to *len. Returns 1 if it is an IP literal,
 * 0 if not (out untouched). IPv4 is a strict dotted quad ("1.2.3" "0x1.2.3.4"
 * and "01.2.3.4" are not IPs); IPv6 in RFC 4291 text forms, with an optional
 * dotted-quad tail; no zone ids ("fe80::1%eth0" is not an IP). */
int petls_hostname_parse_ip(const char *name, uint8_t out[16], size_t *len);

/* Is name a syntactically valid DNS host name to send as SNI and verify
 * against (LDH labels of 1..63 octets, total <= 253, no trailing dot after
 * normalisation, not an IP literal)? Returns 1 or 0. */
int petls_hostname_valid(const char *name);

/* Matches one DNS name from a certificate (maybe with one wildcard that is
 * the whole left-most label, "*.example.com"; never "f*.example.com", never
 * across labels, never matching a public-suffix-like "*.com" with fewer than
 * two labels after the wildcard) against a host name, case-insensitively,
 * ignoring one trailing dot on either. Returns 1 on match. Never matches
 * when host is an IP literal, when either has an empty label or a byte
 * outside printable ASCII (0x21..0x7e, as Node), or when the pattern holds a
 * NUL within pattern_len. */
int petls_hostname_match_pattern(const char *pattern, size_t pattern_len,
                                 const char *host);

/* struct petls_cert_names (what a certificate says about its names, as
 * the backend extracts them) is a neutral type of backend.h. */

/* RFC 6125 verification of host against a certificate's names: an IP
 * literal matches only iPAddress SANs; a DNS name matches dNSName SANs, and
 * the CN only when the certificate has no dNSName SANs. A name containing an
 * embedded NUL never matches. Returns 1 on match, 0 on mismatch. */
int petls_hostname_verify(const struct petls_cert_names *names,
                          const char *host);

/* Node's ERR_TLS_CERT_ALTNAME_INVALID reason text (checked against Node 20's
 * tls.checkServerIdentity), e.g. "Host: foo.test. is not in the cert's
 * altnames: DNS:a.test, IP Address:0:0:0:0:0:0:0:1", "IP: 1.2.3.4 is not in
 * the cert's list: 127.0.0.1, ::1", "Host: foo.test. is not cert's CN:
 * localhost" or "Cert does not contain a DNS name". Node prints the host
 * without its trailing dot and then adds one. Writes into buf, always
 * NUL-terminated, truncated to fit. Node's whole message is "Hostname/IP
 * does not match certificate's altnames: " followed by this reason. */
void petls_hostname_mismatch_reason(const struct petls_cert_names *names,
                                    const char *host, char *buf, size_t buflen);

/* Node's tls.checkServerIdentity(host, cert) on the certificate's fields
 * as getPeerCertificate() gives them: sans its subjectaltname entries
 * ("DNS:x", "IP Address:y"; others are only quoted), subject its "KEY=value"
 * attributes. An IP literal host matches only an "IP Address:" entry; a
 * DNS name matches a "DNS:" entry (petls_hostname_match_pattern), or a CN
 * (any of them) when there is no DNS entry. Returns 1 when host matches;
 * 0 when not, with Node's reason in reason (always NUL-terminated,
 * truncated to fit): "IP: <host> is not in the cert's list: <addresses>",
 * "Host: <host>. is not in the cert's altnames: <subjectaltname>", "Host:
 * <host>. is not cert's CN: <cn>" or "Cert does not contain a DNS name". */
int petls_hostname_check_identity(const char *host, const char *const *sans,
                                  size_t n_sans, const char *const *subject,
                                  size_t n_subject, char *reason,
                                  size_t reasonlen);

/* Node's subjectaltname string for these names: "DNS:a.test, DNS:*.b.test,
 * IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1" (dNSNames first, then
 * iPAddresses, as the struct does not keep their relative order; DNS names
 * with unusual characters are quoted and escaped as Node does). Writes into
 * buf, always NUL-terminated, truncated to fit. */
void petls_cert_names_altnames(const struct petls_cert_names *names, char *buf,
                               size_t buflen);

/* Node's canonical text form of a 4- or 16-byte address ("127.0.0.1",
 * "::1", "2001:db8::1", "::ffff:1.2.3.4"), as net and tls print them.
 * Returns the length written (0 for a bad length); buf always
 * NUL-terminated (46 bytes are always enough). */
size_t petls_ip_to_string(const uint8_t *ip, size_t len, char *buf,
                          size_t buflen);

#endif
