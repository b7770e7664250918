#!/usr/bin/env python3
"""Times maestro-auth's commands against a bare JVM, interleaved, on this machine.

Usage: scripts/startup-times.py [--runs N]

Builds nothing itself: ./maestro-auth builds the jar when needed (the first, untimed, run). Makes a
throw-away data directory with one OpenAI login (a local fake token endpoint answers the code
exchange), then runs each command N times in turn: `java -cp . Hello`, `--version`, `status`,
`token openai` (cached, valid) and `config`. Prints the median, the spread and the ratio to Hello as
a Markdown table. Every process is a real start: nothing stays warm between runs.
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "maestro-auth")


def jwt(payload):
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return enc({"alg": "none"}) + "." + enc(payload) + ".sig"


class FakeTokenEndpoint(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        exp = int(time.time()) + 86400
        body = json.dumps({"access_token": jwt({"exp": exp, "sub": "bench"}), "refresh_token": "rt-bench-0001",
                           "id_token": jwt({"email": "bench@example.com", "exp": exp}), "expires_in": 86400,
                           "token_type": "Bearer"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(env):
    server = HTTPServer(("127.0.0.1", 0), FakeTokenEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    env.update({"OPENAI_OAUTH_TOKEN_ENDPOINT": f"http://127.0.0.1:{server.server_port}/oauth/token",
                "OPENAI_OAUTH_REDIRECT_URI": f"http://localhost:{port}/auth/callback"})
    proc = subprocess.Popen([LAUNCHER, "login", "openai", "--no-browser"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    state = None
    for line in proc.stdout:
        m = re.search(r"[?&]state=([^&\s]+)", line)
        if m:
            state = m.group(1)
            break
    proc.stdin.write(f"http://localhost:{port}/auth/callback?code=bench-code&state={state}\n")
    proc.stdin.flush()
    proc.wait(timeout=120)
    server.shutdown()
    if proc.returncode != 0:
        sys.exit("the login for the measurement failed")
    env.pop("OPENAI_OAUTH_TOKEN_ENDPOINT")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="maestro-startup-")
    try:
        with open(os.path.join(work, "Hello.java"), "w") as f:
            f.write("public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }")
        subprocess.run(["javac", "-d", work, os.path.join(work, "Hello.java")], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAESTRO_AUTH", "OPENAI_OAUTH"))}
        env["MAESTRO_AUTH_HOME"] = os.path.join(work, "home")
        subprocess.run([LAUNCHER, "--version"], env=env, stdout=subprocess.DEVNULL, check=True)  # builds if needed
        login(env)
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        commands = {"java -cp . Hello": [java, "-cp", work, "Hello"],
                    "--version": [LAUNCHER, "--version"], "status": [LAUNCHER, "status"],
                    "token openai": [LAUNCHER, "token", "openai"], "config": [LAUNCHER, "config"]}
        for command in commands.values():  # warm the page cache and the start-up archive
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                started = time.perf_counter()
                result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append((time.perf_counter() - started) * 1000)
                if result.returncode != 0:
                    sys.exit(f"{name} failed with exit {result.returncode}")
        base = statistics.median(times["java -cp . Hello"])
        version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        print(f"{args.runs} interleaved runs each, {os.cpu_count()} cores, {version}\n")
        print("| command | median ms | min–max ms | × Hello |")
        print("|---|---|---|---|")
        for name, samples in times.items():
            print(f"| `{name}` | {statistics.median(samples):.0f} | {min(samples):.0f}–{max(samples):.0f} | "
                  f"{statistics.median(samples) / base:.1f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
