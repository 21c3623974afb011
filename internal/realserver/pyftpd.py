# pyftpd.py runs a pyftpdlib server for internal/realserver (Go). It must
# run with Debian's /usr/bin/python3, which has python3-pyftpdlib. Its debug
# log (every command and reply) goes to stderr.
import argparse
import logging

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.log import config_logging
from pyftpdlib.servers import FTPServer

p = argparse.ArgumentParser()
p.add_argument("--host", required=True)
p.add_argument("--port", type=int, required=True)
p.add_argument("--pasv", required=True, help="LO-HI")
p.add_argument("--root", required=True)
p.add_argument("--user", required=True)
p.add_argument("--password", required=True)
p.add_argument("--anonymous", action="store_true")
p.add_argument("--max-cons-per-ip", type=int, default=0)
p.add_argument("--fxp", action="store_true")
p.add_argument("--idle-timeout", type=int, default=0, help="seconds; 0: the default")
p.add_argument("--tls", choices=["none", "explicit", "implicit"], default="none")
p.add_argument("--cert")
p.add_argument("--key")
a = p.parse_args()

auth = DummyAuthorizer()
auth.add_user(a.user, a.password, a.root, perm="elradfmwMT")
if a.anonymous:
    auth.add_anonymous(a.root, perm="elr")

if a.tls == "none":
    class Handler(FTPHandler):
        pass
else:
    from OpenSSL import SSL
    from pyftpdlib.handlers import TLS_FTPHandler

    class Handler(TLS_FTPHandler):
        pass

    Handler.certfile = a.cert
    Handler.keyfile = a.key
    Handler.tls_control_required = True
    Handler.tls_data_required = True
    # TLS 1.2 and 1.3 only.
    Handler.ssl_options |= SSL.OP_NO_TLSv1 | SSL.OP_NO_TLSv1_1

    if a.tls == "implicit":
        # Start TLS at once; greet when the handshake is done.
        def handle(self):
            self.secure_connection(self.ssl_context)

        def handle_ssl_established(self):
            TLS_FTPHandler.handle(self)

        Handler.handle = handle
        Handler.handle_ssl_established = handle_ssl_established

lo, hi = a.pasv.split("-")
Handler.authorizer = auth
Handler.passive_ports = range(int(lo), int(hi) + 1)
Handler.banner = "pyftpdlib ready."
Handler.permit_foreign_addresses = a.fxp
Handler.permit_privileged_ports = False
if a.idle_timeout > 0:
    Handler.timeout = a.idle_timeout

config_logging(level=logging.DEBUG)
server = FTPServer((a.host, a.port), Handler)
server.max_cons = 256
server.max_cons_per_ip = a.max_cons_per_ip
if a.idle_timeout > 0:
    # pyftpdlib 1.5.7's loop runs a timer that a command has reset only
    # on the next event after it expires (it then polls with timeout 0,
    # which epoll takes as forever), so an idle session would never time
    # out. Polling at a fixed interval runs timers on time.
    server.serve_forever(timeout=0.1)
else:
    server.serve_forever()
