#!/usr/bin/env python3
"""A one-connection TCP relay that damages the client's first encrypted
record (its Finished) and reports what the server answers.

Usage: tamper.py --port SERVER_PORT [--limit SECONDS]

Prints {"listening": PORT} once it accepts, relays one connection between a
client and 127.0.0.1:SERVER_PORT record by record, flips the last byte of
the first record the client sends after its ChangeCipherSpec (TLS 1.2) or
of its first application_data record (TLS 1.3: its first encrypted
record), and then counts the records the server sends until it closes.
With --count-only it damages nothing and just counts. With --hello it
flips the last byte of the client's first record instead (a TLS 1.3
ClientHello offering a ticket ends with its PSK binder); with
--server-session-id the first byte of the session ID in the server's
first record (its ServerHello: a TLS 1.2 handshake without extended
master secret keeps its keys, and the client's Finished then covers
another transcript). Records are counted after the damage. Prints one JSON
line: {"tampered": bool, "after": [[type, length], ...], "eof": bool}.
Everything is bounded by --limit seconds.
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--limit', type=float, default=10.0)
    ap.add_argument('--count-only', action='store_true',
                    help='damage nothing; report what follows that record')
    ap.add_argument('--hello', action='store_true',
                    help="damage the client's first record (its ClientHello)")
    ap.add_argument('--server-session-id', action='store_true',
                    help="damage the session ID of the server's ServerHello")
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
    for s in (cli, srv):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cbuf = sbuf = b''
    saw_ccs = tampered = eof = False
    after = []
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
            cbuf += d
            recs, cbuf = split_records(cbuf)
            out = b''
            for r in recs:
                if args.server_session_id:
                    pass
                elif args.hello:
                    if not tampered:
                        r = r[:-1] + bytes([r[-1] ^ 0x01])
                        tampered = True
                elif r[0] == 20:
                    saw_ccs = True
                elif not tampered and (r[0] == 23 or (saw_ccs and r[0] == 22)):
                    if not args.count_only:
                        r = r[:-1] + bytes([r[-1] ^ 0x01])
                    tampered = True
                out += r
            if out:
                try:
                    srv.sendall(out)
                except OSError:
                    pass
        if srv in rd:
            try:
                d = srv.recv(65536)
            except OSError:
                d = b''
            if not d:
                eof = True
                break
            sbuf += d
            recs, sbuf = split_records(sbuf)
            for i, r in enumerate(recs):
                if tampered:
                    after.append([r[0], len(r) - 5])
                elif (args.server_session_id and r[0] == 22 and
                      len(r) > 45 and r[5] == 2 and r[43] > 0):
                    # 5 record + 4 handshake + 2 version + 32 random: the
                    # session ID's length, then its first byte.
                    recs[i] = r[:44] + bytes([r[44] ^ 0x01]) + r[45:]
                    tampered = True
            if open_cli:
                try:
                    cli.sendall(b''.join(recs))
                except OSError:
                    open_cli = False
    print(json.dumps({'tampered': tampered, 'after': after, 'eof': eof}),
          flush=True)
    cli.close()
    srv.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
