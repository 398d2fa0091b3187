#!/usr/bin/python3
"""A SMART Backend Services token endpoint for the integration tests, independent of selvhjelp's
own JWT code: the client assertion is verified with PyJWT (Debian's python3-jwt) and OpenSSL via
python3-cryptography.

Usage: token_endpoint.py PORT PUBLIC_KEY_PEM CLIENT_ID KID [EXPIRES_IN]   (PORT 0: a free port, named in the
"listening" event's url)
Serves POST /token. Prints one JSON line per event on stdout: {"event": "listening", "url": ...},
{"event": "issued", "token": ..., "alg": ..., "scope": ...} or {"event": "refused", "why": ...}.
"""
import json
import secrets
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

PORT, KEY_FILE, CLIENT_ID, KID = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
EXPIRES_IN = int(sys.argv[5]) if len(sys.argv) > 5 else 300
with open(KEY_FILE, "rb") as f:
    PUBLIC_KEY = f.read()
SEEN_JTI = set()


def emit(event):
    print(json.dumps(event), flush=True)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, why):
        emit({"event": "refused", "why": why})
        self.answer(400, {"error": "invalid_client", "error_description": why})

    def do_POST(self):
        if self.path != "/token":
            return self.answer(404, {"error": "not_found"})
        if self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
            return self.refuse("content type is not form-urlencoded")
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode(), strict_parsing=True)
        field = lambda name: (form.get(name) or [""])[0]
        if field("grant_type") != "client_credentials":
            return self.refuse("grant_type is not client_credentials")
        if field("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return self.refuse("wrong client_assertion_type")
        if not field("scope"):
            return self.refuse("no scope")
        assertion = field("client_assertion")
        token_url = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        try:
            header = jwt.get_unverified_header(assertion)
            if header.get("kid") != KID or header.get("typ") != "JWT":
                return self.refuse(f"header kid/typ: {header}")
            claims = jwt.decode(assertion, PUBLIC_KEY, algorithms=["ES384", "RS384"], audience=token_url,
                                issuer=CLIENT_ID, options={"require": ["exp", "iss", "sub", "aud", "jti"]})
        except jwt.PyJWTError as e:
            return self.refuse(f"assertion: {e}")
        if claims["sub"] != CLIENT_ID:
            return self.refuse("sub is not the client id")
        if claims["exp"] > time.time() + 300 + 5:
            return self.refuse("exp more than 5 minutes ahead")
        if claims["jti"] in SEEN_JTI:
            return self.refuse("jti replayed")
        SEEN_JTI.add(claims["jti"])
        token = secrets.token_urlsafe(24)
        emit({"event": "issued", "token": token, "alg": header["alg"], "scope": field("scope")})
        self.answer(200, {"access_token": token, "token_type": "bearer", "expires_in": EXPIRES_IN,
                          "scope": field("scope")})


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
emit({"event": "listening", "url": f"http://127.0.0.1:{server.server_address[1]}/token"})
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
