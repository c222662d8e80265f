"""A local web site for the web capture's test, with an RFC 3161 time-stamping authority.

Started by crates/custodia/tests/cli_capture.rs as `python3 capture_site.py DIR`: it makes a CA,
a server certificate and a time-stamping certificate in DIR with `openssl`, serves the site over
HTTP and HTTPS on loopback ports of its own, and prints one JSON line naming them. Pages:

  /            a page whose script loads more text, with an image and a video
  /redirect    302 to /
  /loop        302 to itself (a redirect loop)
  /never       a page that keeps loading something every 200 ms (it never settles)
  /huge        a response that claims 10 GiB and streams until the client stops
  /news        a typical news page for the benchmark: 50 resources, about 5 MB
  /tsa         the time-stamping authority (POST application/timestamp-query)
"""

import http.server
import json
import os
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import zlib

DIR = sys.argv[1]


def run(*args):
    subprocess.run(args, check=True, cwd=DIR, capture_output=True)


def make_pki():
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Capture Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    with open(os.path.join(DIR, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "30", "-out", "server.pem", "-extfile", "server.ext")
    with open(os.path.join(DIR, "tsa.ext"), "w") as f:
        f.write("extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key",
        "-out", "tsa.csr", "-subj", "/CN=Capture Test TSA")
    run("openssl", "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "30", "-out", "tsa.pem", "-extfile", "tsa.ext")
    with open(os.path.join(DIR, "tsa.cnf"), "w") as f:
        f.write(f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {DIR}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")
    with open(os.path.join(DIR, "tsaserial"), "w") as f:
        f.write("01\n")


def png():
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * 16 for _ in range(16))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Capture test page</title></head>
<body>
<h1>Statement published by the armed group</h1>
<p id="static">This page is the capture test's own.</p>
<p id="later">loading</p>
<img src="/img.png" alt="a red square">
<video src="/video.mp4" controls></video>
<script>
fetch('/more.json').then(r => r.json()).then(j => { document.getElementById('later').textContent = j.text; });
</script>
</body></html>
"""

NEVER = b"""<!doctype html><html><head><title>never settles</title></head><body><p>ticking</p>
<script>let n = 0; setInterval(() => fetch('/tick?n=' + (n++)), 200);</script></body></html>"""

def noise_png(seed, size=128):
    # Incompressible pixels, so that each image is about 100 KB on the wire.
    import random
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + rng.randbytes(size * 3) for _ in range(size * 2 // 3))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size * 2 // 3, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


NEWS_IMAGES = 46
NEWS = ("<!doctype html><html><head><meta charset='utf-8'><title>News: statement of the group</title>"
        "<link rel='stylesheet' href='/news/site.css'><link rel='stylesheet' href='/news/print.css'>"
        "<script src='/news/app.js'></script></head><body><h1>Front page</h1>"
        + "".join(f"<article><h2>Story {i}</h2><p>{'Report text. ' * 40}</p><img src='/news/img{i}.png' width=320></article>"
                  for i in range(NEWS_IMAGES))
        + "<script src='/news/late.js'></script></body></html>").encode()
NEWS_FILES = {f"/news/img{i}.png": (noise_png(i), "image/png") for i in range(NEWS_IMAGES)}
NEWS_FILES["/news/site.css"] = (b"body{font-family:serif} article{margin:1em}" * 300, "text/css")
NEWS_FILES["/news/print.css"] = (b"@media print{body{color:black}}" * 100, "text/css")
NEWS_FILES["/news/app.js"] = (b"window.app = {};" + b"//" + b"x" * 60000 + b"\n", "application/javascript")
NEWS_FILES["/news/late.js"] = (b"document.body.dataset.ready = '1';", "application/javascript")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/":
            self.send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/news":
            self.send(200, NEWS, "text/html; charset=utf-8")
        elif path in NEWS_FILES:
            body, ctype = NEWS_FILES[path]
            self.send(200, body, ctype)
        elif path == "/more.json":
            self.send(200, json.dumps({"text": "Loaded later by script: sinjar-evidence-42"}).encode(), "application/json")
        elif path == "/img.png":
            self.send(200, png(), "image/png")
        elif path == "/video.mp4":
            self.send(200, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000, "video/mp4")
        elif path == "/redirect":
            self.send(302, b"", "text/plain", [("Location", "/")])
        elif path == "/loop":
            self.send(302, b"", "text/plain", [("Location", "/loop")])
        elif path == "/never":
            self.send(200, NEVER, "text/html")
        elif path == "/tick":
            self.send(200, b"tick", "text/plain")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(10 << 30))
            self.end_headers()
            block = b"\x00" * (1 << 20)
            try:
                for _ in range(10 << 10):
                    self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self.send(404, b"not found", "text/plain")

    def do_POST(self):
        if self.path != "/tsa":
            return self.send(404, b"not found", "text/plain")
        length = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(length)
        result = subprocess.run(
            ["openssl", "ts", "-reply", "-config", os.path.join(DIR, "tsa.cnf"), "-queryfile", "/dev/stdin",
             "-out", "/dev/stdout"], input=query, capture_output=True)
        if result.returncode != 0:
            return self.send(500, result.stderr, "text/plain")
        self.send(200, result.stdout, "application/timestamp-reply")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    make_pki()
    plain = Server(("127.0.0.1", 0), Handler)
    secure = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(DIR, "server.pem"), os.path.join(DIR, "server.key"))
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    for server in (plain, secure):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({
        "http": plain.server_address[1],
        "https": secure.server_address[1],
        "ca": os.path.join(DIR, "ca.pem"),
        "server_cert": os.path.join(DIR, "server.pem"),
    }), flush=True)
    threading.Event().wait()


main()
