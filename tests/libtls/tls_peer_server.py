#!/usr/bin/env python3
"""Small TLS servers on 127.0.0.1 for the libtls consumer tests.

  tls_peer_server.py MODE CERT KEY PORTFILE LOGFILE [CLIENT_CA]

MODE irc: speaks enough IRC (CAP/SASL EXTERNAL, NICK/USER, 001, JOIN,
PRIVMSG, PING/PONG, ERROR) for catgirl; gopher: serves one menu and one
text file for sacc. Listens on a free port (written to PORTFILE once
listening), serves one connection, writes the conversation to LOGFILE
(one "C: line" or "S: line" per line, plus facts like "certfp ..."), and
exits. Every wait is bounded (20 s).
"""
import hashlib
import socket
import ssl
import sys

mode, cert, key, portfile, logfile = sys.argv[1:6]
client_ca = sys.argv[6] if len(sys.argv) > 6 else None

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if client_ca:
    ctx.load_verify_locations(client_ca)
    ctx.verify_mode = ssl.CERT_OPTIONAL

log = open(logfile, "w", buffering=1)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(20)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
import os
os.rename(portfile + ".tmp", portfile)

try:
    raw, _ = srv.accept()
except socket.timeout:
    log.write("E: no connection\n")
    sys.exit(1)
raw.settimeout(20)
try:
    conn = ctx.wrap_socket(raw, server_side=True)
except (ssl.SSLError, OSError) as e:
    log.write("E: handshake failed: %s\n" % e)
    sys.exit(0)
log.write("version %s\n" % conn.version())
peer = conn.getpeercert(binary_form=True)
if peer:
    log.write("certfp %s\n" % hashlib.sha256(peer).hexdigest())


def send(line):
    log.write("S: %s\n" % line)
    conn.sendall((line + "\r\n").encode())


def lines():
    buf = b""
    while True:
        try:
            data = conn.recv(4096)
        except (socket.timeout, ssl.SSLError, OSError) as e:
            log.write("E: recv: %s\n" % e)
            return
        if not data:
            log.write("EOF\n")
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.rstrip(b"\r").decode(errors="replace")
            log.write("C: %s\n" % line)
            yield line


def irc():
    nick = None
    capping = False  # CAP negotiation holds registration until CAP END
    user = False
    registered = False
    for line in lines():
        words = line.split(" ")
        cmd = words[0].upper()
        arg = words[1] if len(words) > 1 else ""
        if cmd == "CAP" and arg == "LS":
            capping = True
            send(":irc.test CAP * LS :sasl")
        elif cmd == "CAP" and arg == "REQ":
            capping = True
            send(":irc.test CAP * ACK " + " ".join(words[2:]))
        elif cmd == "CAP" and arg == "END":
            capping = False
        elif cmd == "AUTHENTICATE" and arg == "EXTERNAL":
            send("AUTHENTICATE +")
        elif cmd == "AUTHENTICATE" and arg == "+":
            who = nick or "*"
            if peer:
                send(":irc.test 900 %s %s!u@h acct :You are now logged in"
                     % (who, who))
                send(":irc.test 903 %s :SASL authentication successful" % who)
            else:
                send(":irc.test 904 %s :SASL authentication failed" % who)
        elif cmd == "NICK":
            nick = arg.lstrip(":")
        elif cmd == "USER":
            user = True
        elif cmd == "PONG":
            send("ERROR :Closing link (test over)")
            return
        elif cmd == "JOIN":
            chan = arg
            send(":%s!u@127.0.0.1 JOIN %s" % (nick, chan))
            send(":friend!f@127.0.0.1 PRIVMSG %s :hello through petls" % chan)
            send("PING :petls-check")
        if not registered and nick and user and not capping:
            registered = True
            send(":irc.test 001 %s :Welcome to the petls test" % nick)
            send(":irc.test 376 %s :End of MOTD" % nick)


def gopher():
    for line in lines():
        if line in ("", "/"):
            body = ("iWelcome to the petls gopher test\tfake\t(NULL)\t0\r\n"
                    "0Hello file\t/hello.txt\t127.0.0.1\t70\r\n.\r\n")
        elif line == "/hello.txt":
            body = "hello over gophers through petls\r\n.\r\n"
        else:
            body = "3not found\t\terror.host\t1\r\n.\r\n"
        log.write("S: %d bytes for %r\n" % (len(body), line))
        conn.sendall(body.encode())
        return


{"irc": irc, "gopher": gopher}[mode]()
try:
    conn.unwrap()
except (ssl.SSLError, OSError):
    pass
conn.close()
log.write("done\n")
