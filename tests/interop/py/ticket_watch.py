#!/usr/bin/env python3
"""A one-connection TCP relay that reports the TLS 1.2 session ticket a
server sends, as it is on the wire.

Usage: ticket_watch.py --port SERVER_PORT [--limit SECONDS]

Prints {"listening": PORT} once it listens, relays one connection between
a client and 127.0.0.1:SERVER_PORT unchanged, and reads the server's
handshake records up to its ChangeCipherSpec (TLS 1.2 sends its
NewSessionTicket there, unencrypted). When the connection ends it prints
one JSON line: {"tickets": ["<hex>", ...], "ccs": bool}. Everything is
bounded by --limit seconds.
"""
import argparse
import json
import select
import socket
import struct
import sys
import time


def split_records(buf):
    recs = []
    while len(buf) >= 5:
        n = struct.unpack('!H', buf[3:5])[0]
        if len(buf) < 5 + n:
            break
        recs.append(buf[:5 + n])
        buf = buf[5 + n:]
    return recs, buf


def tickets_in(hs):
    """NewSessionTicket bodies (RFC 5077 3.3: lifetime, ticket<0..2^16-1>)
    among the complete handshake messages of hs; returns them and the
    unparsed rest."""
    found = []
    while len(hs) >= 4:
        n = int.from_bytes(hs[1:4], 'big')
        if len(hs) < 4 + n:
            break
        if hs[0] == 4 and n >= 6:
            tlen = struct.unpack('!H', hs[8:10])[0]
            found.append(hs[10:10 + tlen].hex())
        hs = hs[4 + n:]
    return found, hs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--limit', type=float, default=10.0)
    args = ap.parse_args()
    lsock = socket.socket()
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(1)
    print(json.dumps({'listening': lsock.getsockname()[1]}), flush=True)
    deadline = time.monotonic() + args.limit
    lsock.settimeout(args.limit)
    try:
        cli, _ = lsock.accept()
    except socket.timeout:
        print(json.dumps({'error': 'no client'}), flush=True)
        return 1
    srv = socket.create_connection(('127.0.0.1', args.port), timeout=5)
    sbuf = hs = b''
    ccs = False
    tickets = []
    open_cli = True
    while time.monotonic() < deadline:
        socks = [srv] + ([cli] if open_cli else [])
        rd, _, _ = select.select(socks, [], [], 0.2)
        if cli in rd:
            try:
                d = cli.recv(65536)
            except OSError:
                d = b''
            if not d:
                open_cli = False
                try:
                    srv.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            else:
                try:
                    srv.sendall(d)
                except OSError:
                    pass
        if srv in rd:
            try:
                d = srv.recv(65536)
            except OSError:
                d = b''
            if not d:
                break
            if open_cli:
                try:
                    cli.sendall(d)
                except OSError:
                    open_cli = False
            sbuf += d
            recs, sbuf = split_records(sbuf)
            for r in recs:
                if ccs:
                    continue
                if r[0] == 20:
                    ccs = True
                elif r[0] == 22:
                    hs += r[5:]
                    found, hs = tickets_in(hs)
                    tickets += found
    print(json.dumps({'tickets': tickets, 'ccs': ccs}), flush=True)
    cli.close()
    srv.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
