#!/usr/bin/env python3
"""A TLS peer that ends with a TCP reset after a good handshake.

Usage: reset_peer.py server --certs DIR   (prints {"listening": PORT},
           serves one client: reads its first data, sends "hello", then
           resets)
       reset_peer.py client --port N      (handshakes, sends "hello", reads
           the echo, then resets)
Everything is bounded (10 s).
"""
import argparse
import json
import socket
import ssl
import struct
import sys


def reset(sock):
    # SO_LINGER 0: close() sends RST instead of FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack('ii', 1, 0))
    sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('role', choices=['server', 'client'])
    ap.add_argument('--certs')
    ap.add_argument('--port', type=int)
    args = ap.parse_args()
    if args.role == 'server':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.certs + '/server-ecdsa.pem',
                            args.certs + '/server-ecdsa.key')
        lsock = socket.socket()
        lsock.bind(('127.0.0.1', 0))
        lsock.listen(1)
        lsock.settimeout(10)
        print(json.dumps({'listening': lsock.getsockname()[1]}), flush=True)
        sock, _ = lsock.accept()
        sock.settimeout(10)
        tls = ctx.wrap_socket(sock, server_side=True)
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = socket.create_connection(('127.0.0.1', args.port), timeout=10)
        tls = ctx.wrap_socket(sock, server_hostname='localhost')
    if args.role == 'server':
        tls.recv(4096)
        tls.sendall(b'hello\n')
    else:
        tls.sendall(b'hello\n')
        tls.recv(4096)
    reset(tls)
    print(json.dumps({'reset': True}), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
