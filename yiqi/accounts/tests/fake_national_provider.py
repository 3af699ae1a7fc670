"""A stand-in for the national platform's OAuth2 sign-on, served over real HTTP on 127.0.0.1: authorize (answers
with a redirect carrying a one-time code), token (checks the client secret, the code, the redirect address and the
PKCE verifier) and user info (checks the bearer token)."""

import base64
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

CLIENT_ID, CLIENT_SECRET = "yiqi-province", "national-secret"


class FakeNationalProvider:
    def __init__(self):
        self.person = {"sub": "N-0001", "name": "张三", "email": "zhangsan@example.cn"}
        self.codes, self.tokens = {}, {}
        self.token_endpoint_fails = False
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body=None, headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                data = json.dumps(body).encode() if body is not None else b""
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    return self.answer(302, headers=[("Location", provider.authorize(query))])
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    person = provider.tokens.get(token)
                    return (
                        self.answer(200, person) if person else self.answer(401, {"error": "invalid_token"})
                    )
                return self.answer(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if provider.token_endpoint_fails:
                    return self.answer(503, {"error": "temporarily_unavailable"})
                status, body = provider.token(form, self.headers.get("Authorization", ""))
                return self.answer(status, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def settings(self) -> dict:
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "authorize_url": f"{self.url}/authorize",
            "token_url": f"{self.url}/token",
            "userinfo_url": f"{self.url}/userinfo",
            "scope": "openid profile email",
        }

    def authorize(self, query) -> str:
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = (dict(self.person), query["code_challenge"], query["redirect_uri"])
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form, authorization) -> tuple[int, dict]:
        client = (
            dict(zip(("client_id", "client_secret"), _basic(authorization), strict=True))
            if authorization
            else form
        )
        if (client.get("client_id"), client.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        found = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if found is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        person, challenge, redirect_uri = found
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
        if form.get("redirect_uri") != redirect_uri:
            return 400, {"error": "invalid_grant"}
        token = secrets.token_urlsafe(24)
        self.tokens[token] = person
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _basic(header: str) -> tuple[str, str]:
    raw = base64.b64decode(header.removeprefix("Basic ")).decode()
    client_id, _sep, secret = raw.partition(":")
    return client_id, secret
