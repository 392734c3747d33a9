"""Helpers for the command-line tests that need a running server: a real
`switchboard serve` on a temporary data directory and an ephemeral port,
and a small JSON/multipart client. Standard library only.
"""

import json
import re
import subprocess
import urllib.error
import urllib.request
import uuid

PASSWORD = "correct horse battery"


def cli(binary, *args, check=True, stdin=None):
    p = subprocess.run([binary, *args], capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL if stdin is None else stdin)
    if check and p.returncode != 0:
        raise AssertionError(f"{args}: exit {p.returncode}: {p.stderr.decode()}")
    return p


def token(binary, data, email):
    out = cli(binary, "token", "create", "--email", email, "--data", data).stdout.decode()
    return out.strip().split("\n")[-1]


class Server:
    def __init__(self, binary, data):
        self.proc = subprocess.Popen(
            [binary, "serve", "--data", data, "--listen", "127.0.0.1:0", "--threads", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        out = b""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("the server exited before listening: "
                                     + self.proc.stderr.read().decode())
            out += line
            m = re.search(rb"\(port (\d+)\)", out)
            if m:
                self.base = f"http://127.0.0.1:{int(m.group(1))}"
                break

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()
        assert rc == 0, f"the server stops cleanly on SIGTERM (exit {rc})"

    def request(self, method, path, tok, body=None, files=None):
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        data = None
        if files is not None:
            boundary = uuid.uuid4().hex
            parts = []
            for name, content, ctype in files:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{name}"\r\nContent-Type: {ctype}\r\n\r\n'.encode() + content
                    + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read()
            status = e.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw
