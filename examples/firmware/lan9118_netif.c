/*
 * Polled LAN9118 driver (see lan9118_netif.h). Programmed from the
 * LAN9118 data sheet's register map; tested against QEMU's model only
 * (a real chip also wants the PHY brought up and its READY bit waited for,
 * see docs/porting.md). 32-bit bus, no interrupts: the main loop polls
 * RX_FIFO_INF.
 */
#include "lan9118_netif.h"

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include <string.h>

#define REG(off) (*(volatile uint32_t *)(LAN9118_BASE + (off)))
#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV 0x50u
#define INT_EN 0x5Cu
#define BYTE_TEST 0x64u
#define RX_CFG 0x6Cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_DP_CTRL 0x78u
#define RX_FIFO_INF 0x7Cu
#define TX_FIFO_INF 0x80u
#define MAC_CSR_CMD 0xA4u
#define MAC_CSR_DATA 0xA8u

#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_TXEN (1u << 3)
#define CSR_BUSY (1u << 31)
#define CSR_READ (1u << 30)
#define TX_CFG_ON (1u << 1)
#define TX_CFG_SAO (1u << 2) /* status FIFO may overrun: no status reads */
#define TXA_FIRST (1u << 13)
#define TXA_LAST (1u << 12)
#define MAX_FRAME 1536u

static uint32_t mac_read(uint32_t reg)
{
    unsigned i;

    REG(MAC_CSR_CMD) = CSR_BUSY | CSR_READ | reg;
    for (i = 0; i < 100000u && (REG(MAC_CSR_CMD) & CSR_BUSY); i++) {
    }
    return REG(MAC_CSR_DATA);
}

static void mac_write(uint32_t reg, uint32_t val)
{
    unsigned i;

    REG(MAC_CSR_DATA) = val;
    REG(MAC_CSR_CMD) = CSR_BUSY | reg;
    for (i = 0; i < 100000u && (REG(MAC_CSR_CMD) & CSR_BUSY); i++) {
    }
}

/* One frame out: command A and B, then the data words (the chip reads the
 * FIFO little-endian; the last word is padded). */
static err_t lan9118_output(struct netif *netif, struct pbuf *p)
{
    static uint8_t frame[MAX_FRAME + 4];
    uint32_t len = p->tot_len, i, w;

    (void)netif;
    if (len > MAX_FRAME)
        return ERR_BUF;
    /* Room for the frame and its two command words? */
    if ((REG(TX_FIFO_INF) & 0xFFFFu) < len + 8u)
        return ERR_MEM;
    pbuf_copy_partial(p, frame, (u16_t)len, 0);
    memset(frame + len, 0, 4);
    REG(TX_DATA_FIFO) = TXA_FIRST | TXA_LAST | len;
    REG(TX_DATA_FIFO) = (len << 16) | len; /* tag = length */
    for (i = 0; i < len; i += 4) {
        w = (uint32_t)frame[i] | (uint32_t)frame[i + 1] << 8 |
            (uint32_t)frame[i + 2] << 16 | (uint32_t)frame[i + 3] << 24;
        REG(TX_DATA_FIFO) = w;
    }
    return ERR_OK;
}

int lan9118_netif_poll(struct netif *netif)
{
    int frames = 0;

    while (frames < 32 && ((REG(RX_FIFO_INF) >> 16) & 0xFFu) != 0) {
        uint32_t status = REG(RX_STATUS_FIFO);
        uint32_t len = (status >> 16) & 0x3FFFu; /* with the 4-byte CRC */
        uint32_t words = (len + 3u) / 4u, i, w;
        struct pbuf *p = NULL;
        uint8_t buf[4];

        frames++;
        if ((status & (1u << 15)) == 0 && len > 4u && len <= MAX_FRAME + 4u)
            p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4u), PBUF_POOL);
        if (p == NULL) {
            /* Error, odd size or no pbuf: skip the frame's words. */
            for (i = 0; i < words; i++)
                (void)REG(RX_DATA_FIFO);
            continue;
        }
        for (i = 0; i < words; i++) {
            uint32_t off = i * 4u, n;
            w = REG(RX_DATA_FIFO);
            if (off >= len - 4u)
                continue; /* the CRC */
            buf[0] = (uint8_t)w;
            buf[1] = (uint8_t)(w >> 8);
            buf[2] = (uint8_t)(w >> 16);
            buf[3] = (uint8_t)(w >> 24);
            n = len - 4u - off < 4u ? len - 4u - off : 4u;
            pbuf_take_at(p, buf, (u16_t)n, (u16_t)off);
        }
        if (netif->input(p, netif) != ERR_OK)
            pbuf_free(p);
    }
    return frames;
}

err_t lan9118_netif_init(struct netif *netif)
{
    uint32_t lo, hi;
    unsigned i;

    if (REG(BYTE_TEST) != 0x87654321u || (REG(ID_REV) >> 16) != 0x0118u)
        return ERR_IF;
    REG(HW_CFG) = 1u; /* soft reset */
    for (i = 0; i < 100000u && (REG(HW_CFG) & 1u); i++) {
    }
    REG(INT_EN) = 0;
    REG(RX_CFG) = 0; /* no offset, no end padding */
    lo = mac_read(MAC_ADDRL);
    hi = mac_read(MAC_ADDRH);
    netif->hwaddr_len = 6;
    netif->hwaddr[0] = (u8_t)lo;
    netif->hwaddr[1] = (u8_t)(lo >> 8);
    netif->hwaddr[2] = (u8_t)(lo >> 16);
    netif->hwaddr[3] = (u8_t)(lo >> 24);
    netif->hwaddr[4] = (u8_t)hi;
    netif->hwaddr[5] = (u8_t)(hi >> 8);
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                   NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = lan9118_output;
    REG(TX_CFG) = TX_CFG_ON | TX_CFG_SAO;
    /* Exact MAC match plus broadcast (ARP), not promiscuous. */
    mac_write(MAC_CR, MAC_CR_RXEN | MAC_CR_TXEN);
    (void)TX_STATUS_FIFO;
    (void)RX_DP_CTRL;
    return ERR_OK;
}
