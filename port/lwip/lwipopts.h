/*
 * lwIP options for petls firmware (port/lwip/): NO_SYS=1 (raw API, one main
 * loop, no RTOS), IPv4 + ARP + TCP over Ethernet, altcp with petls as its
 * TLS layer (LWIP_ALTCP_TLS with port/lwip/altcp_tls_petls.c instead of
 * lwIP's mbedTLS port), httpd over HTTPS. Sized for a handful of TLS
 * connections on a Cortex-M with 128 KiB+ of RAM; see docs/porting.md.
 * A board may override any of these with -D or its own lwipopts.h earlier
 * on the include path.
 */
#ifndef PETLS_LWIPOPTS_H
#define PETLS_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1

#define MEM_ALIGNMENT 4
#ifndef MEM_SIZE
#define MEM_SIZE (32 * 1024) /* lwIP's own heap: TCP segments, copied data */
#endif
#define MEMP_NUM_PBUF 32
#ifndef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 10
#endif
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_TCP_SEG 64
#define MEMP_NUM_ALTCP_PCB (2 * MEMP_NUM_TCP_PCB + 4)
#define PBUF_POOL_SIZE 24

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_DHCP 0
#define LWIP_UDP 0
#define LWIP_DNS 0
#define LWIP_IGMP 0
#define LWIP_RAW 0
#define LWIP_TCP 1
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_TCP_KEEPALIVE 0
#define TCP_LISTEN_BACKLOG 1

#define LWIP_ALTCP 1
#define LWIP_ALTCP_TLS 1
#define LWIP_ALTCP_TLS_MBEDTLS 0 /* petls, not lwIP's mbedTLS port */

#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF 1
#define LWIP_STATS 0
#define LWIP_HAVE_LOOPIF 0

/* httpd: HTTPS on 443 through altcp_tls, pages from lwIP's fsdata.c. */
#define HTTPD_ENABLE_HTTPS 1
#define LWIP_HTTPD_CGI 0
#define LWIP_HTTPD_SSI 0
#ifndef HTTPD_SERVER_PORT_HTTPS
#define HTTPD_SERVER_PORT_HTTPS 8443 /* the TLS echo has 443 */
#endif

#endif
