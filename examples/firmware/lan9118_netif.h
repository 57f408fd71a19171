/*
 * A polled lwIP netif driver for the SMSC LAN9118 Ethernet controller as
 * QEMU emulates it on the mps2-an385/an386 boards (at 0x40200000).
 */
#ifndef LAN9118_NETIF_H
#define LAN9118_NETIF_H

#include "lwip/err.h"
#include "lwip/netif.h"

#define LAN9118_BASE 0x40200000u

/* netif_add() init function: resets the chip, reads its MAC address,
 * enables the transmitter and receiver. ERR_IF when no LAN9118 answers. */
err_t lan9118_netif_init(struct netif *netif);
/* Moves every received frame into lwIP (netif->input). Call from the main
 * loop. Returns the number of frames delivered. */
int lan9118_netif_poll(struct netif *netif);

#endif
