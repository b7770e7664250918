#!/usr/bin/env python3
"""Times maestro-auth's commands against the same work written plainly, interleaved, on this machine.

Usage: scripts/startup-times.py [--runs N] [--java JAVA_HOME]... [--baseline OTHER_CHECKOUT]

Each --java (a JDK's home; default: JAVA_HOME, else the java on the PATH) gets its own table.
./maestro-auth builds the jar when needed (the first, untimed, run) and makes its start-up archive
for that JDK (in the background; the script waits for it). Makes a throw-away data directory with
one OpenAI login (a local fake token endpoint answers the code exchange and, later, every refresh),
then runs each command N times in turn:
`java Hello`; the floors, archived the way the launcher archives the CLI (the store floor opens an
H2 file, selects a row, AES-GCM-decrypts 1.5 kB and prints it; the picocli floor prints its
version or help; the shape floor does the store floor's read in a picocli subcommand, the object
that reads made by a Guice injector: what the command's fixed libraries cost together); `--version`,
`--help`, `status`, `token openai` (cached), `token openai` with a refresh due (the fake endpoint
answers), `config`; then N logins, timed from the pasted redirect to the process's exit (what a user
waits for after the browser). Prints medians (of wall time, and of the CPU time of the command's
processes), spreads, the ratio of each command to its floor (and of `status` and `token` to the shape
floor), and the classes each one loads (one more run with -Xlog:class+load). Every process is a real
start: nothing stays warm between runs. With --baseline, another checkout's launcher runs the
launcher's commands in the same turns, and each is given as a ratio to it (before and after a change,
paired on a machine whose speed drifts).
"""
import argparse
import base64
import json
import os
import re
import resource
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


def login(env, in_browser=0.0):
    """Signs in by pasting the redirect; returns ms from the pasted redirect to the process's exit."""
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
    time.sleep(in_browser)  # the user in the browser
    started = time.perf_counter()
    proc.stdin.write(f"http://localhost:{port}/auth/callback?code=bench-code&state={state}\n")
    proc.stdin.flush()
    proc.stdout.read()
    proc.wait(timeout=120)
    elapsed = (time.perf_counter() - started) * 1000
    server.shutdown()
    if proc.returncode != 0:
        sys.exit("the login for the measurement failed")
    env.pop("OPENAI_OAUTH_TOKEN_ENDPOINT")
    return elapsed


class Endpoint:
    """The fake token endpoint, kept up for the whole measurement (a refresh due asks it every run)."""

    def __init__(self):
        self.server = HTTPServer(("127.0.0.1", 0), FakeTokenEndpoint)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/oauth/token"


def children_cpu_ms(before, after):
    """User + system time of the child processes that ended between two RUSAGE_CHILDREN readings."""
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000


def prepared(launcher, env):
    """Runs the launcher once, which builds the jar when needed and trains its start-up archive in the
    background; waits (at most 5 minutes) for that training to end, so every timed run maps the archive."""
    subprocess.run([launcher, "--version"], env=env, stdout=subprocess.DEVNULL, check=True)
    target = os.path.join(os.path.dirname(launcher), "auth-app-cli", "target")
    deadline = time.monotonic() + 300
    while any(name.endswith(".training") for name in os.listdir(target)):
        if time.monotonic() > deadline:
            sys.exit(f"the start-up archive's training in {target} did not end within 5 minutes")
        time.sleep(0.1)


def java_of(home):
    return os.path.join(home, "bin", "java") if home else "java"


def collector(java):
    """The launcher's collector for this JDK: G1 with one thread on JDK 17 (only G1 archives and maps the
    JDK's heap objects there), Serial on later JDKs."""
    home = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which(java))))
    try:
        with open(os.path.join(home, "release")) as f:
            version = re.search(r'^JAVA_VERSION="([^"]*)"', f.read(), re.M).group(1)
    except (OSError, AttributeError):
        version = ""
    if version == "17" or version.startswith("17."):
        return ["-XX:+UseG1GC", "-XX:ParallelGCThreads=1", "-XX:ConcGCThreads=1"]
    return ["-XX:+UseSerialGC"]


def archived(java, work, name, classpath, main_class, train_args):
    """The floor's command, with a start-up archive made the way the launcher makes the CLI's."""
    flags = ["-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", *collector(java), "-Xlog:disable"]
    archive = os.path.join(work, f"{name}.jsa")
    classes = os.path.join(work, f"{name}.classlist")
    # The launcher's way on every JDK: a static archive from a class list, which holds picocli's old
    # class files too (a dynamic archive skips them).
    subprocess.run([java, *flags, "-Xshare:off", f"-XX:DumpLoadedClassList={classes}", "-cp", classpath,
                    main_class, *train_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # As the launcher dumps: without the pre-resolved constant-pool entries ("@cp", JDK 21 on) of the
    # classes the dump left out because it had to link an old class file (picocli's) for them.
    log = archive + ".log"
    for _ in range(3):
        if os.path.exists(log):
            os.remove(log)
        subprocess.run([java, *collector(java), "-Xlog:disable", f"-Xlog:cds=warning:file={log}::filecount=0", "-Xshare:dump",
                        f"-XX:SharedClassListFile={classes}", f"-XX:SharedArchiveFile={archive}", "-cp", classpath],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not os.path.exists(log):
            break
        with open(log) as f:
            linked = set(re.findall(r"Skipping ([^ :]+): Old class has been linked", f.read()))
        with open(classes) as f:
            lines = f.read().splitlines()
        kept = [line for line in lines if not (line.startswith("@cp ") and line.split(" ")[1] in linked)]
        if len(kept) == len(lines):
            break
        with open(classes, "w") as f:
            f.write("\n".join(kept) + "\n")
    share = [f"-XX:SharedArchiveFile={archive}"] if os.path.exists(archive) else []
    return [java, *flags, *share, "-cp", classpath, main_class]


def classpath_of(module):
    out = os.path.join(ROOT, module, "target", "classpath.txt")
    # Not offline: on a fresh machine the dependency plugin itself is fetched the first time.
    # Maven's output only when it fails, and without the colour resets it writes even in batch mode.
    done = subprocess.run(["mvn", "-B", "-q", "-f", os.path.join(ROOT, module, "pom.xml"), "dependency:build-classpath",
                           f"-Dmdep.outputFile={out}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.exit(re.sub(r"\x1b\[[0-9;]*m", "", done.stdout) + f"\nthe class path of {module} could not be listed")
    with open(out) as f:
        return f.read().strip()


def loaded_classes(command, env, java_option_env):
    """How many classes the command loads: one more run with class loading logged to a file."""
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as log:
        path = log.name
    try:
        run_env = dict(env)
        run_env[java_option_env] = f"-Xlog:class+load:file={path}"
        if not command[0].endswith("maestro-auth"):  # a launcher (this checkout's or the baseline's) reads the variable
            # After the command's own options (its -Xlog:disable would turn this off), before its class path.
            at = command.index("-cp")
            command = [*command[:at], f"-Xlog:class+load:file={path}", *command[at:]]
        subprocess.run(command, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path) as f:
            return sum(1 for line in f if "class,load" in line)
    finally:
        os.unlink(path)


def measure(home, runs, work, baseline=None):
    java = java_of(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAESTRO_AUTH", "OPENAI_OAUTH"))}
    if home:
        env["JAVA_HOME"] = home
        env["PATH"] = os.path.join(home, "bin") + os.pathsep + env["PATH"]
    data = tempfile.mkdtemp(prefix="home-", dir=work)
    env["MAESTRO_AUTH_HOME"] = os.path.join(data, "home")
    prepared(LAUNCHER, env)
    login(env)
    endpoint = Endpoint()
    due = dict(env, OPENAI_OAUTH_TOKEN_ENDPOINT=endpoint.url, MAESTRO_AUTH_REFRESH_SKEW_SECONDS="86400")
    # Class-data sharing takes jars only: the floors go into one.
    floors = os.path.join(data, "floors.jar")
    subprocess.run(["jar", "cf", floors, "-C", os.path.join(ROOT, "auth-tests", "target", "classes"),
                    "ai/maestro/auth/bench/floor"], check=True)
    subprocess.run([java, "-cp", floors + os.pathsep + H2_CP, "ai.maestro.auth.bench.floor.StoreReadFloor", "prepare",
                    data], check=True, stdout=subprocess.DEVNULL)
    store_floor = archived(java, data, "store-floor", floors + os.pathsep + H2_CP, "ai.maestro.auth.bench.floor.StoreReadFloor",
                           ["run", data])
    picocli_floor = archived(java, data, "picocli-floor", floors + os.pathsep + PICOCLI_CP,
                             "ai.maestro.auth.bench.floor.VersionFloor", ["--version"])
    shape_cp = os.pathsep.join([floors, H2_CP, PICOCLI_CP, GUICE_CP])
    shape_floor = archived(java, data, "shape-floor", shape_cp, "ai.maestro.auth.bench.floor.ShapeFloor",
                           ["token", "openai", "--data", data])
    commands = {
        "java Hello": ([java, "-cp", work, "Hello"], env, None),
        "floor: picocli --version": (picocli_floor + ["--version"], env, None),
        "floor: picocli --help": (picocli_floor + ["--help"], env, None),
        "floor: H2 row + AES-GCM": (store_floor + ["run", data], env, None),
        "floor: the same in picocli + Guice": (shape_floor + ["token", "openai", "--data", data], env,
                                               "floor: H2 row + AES-GCM"),
        "--version": ([LAUNCHER, "--version"], env, "floor: picocli --version"),
        "--help": ([LAUNCHER, "--help"], env, "floor: picocli --help"),
        "status": ([LAUNCHER, "status"], env, "floor: H2 row + AES-GCM"),
        "token openai (cached)": ([LAUNCHER, "token", "openai"], env, "floor: H2 row + AES-GCM"),
        "token openai (refresh due)": ([LAUNCHER, "token", "openai"], due, "floor: H2 row + AES-GCM"),
        "config": ([LAUNCHER, "config"], env, None),
    }
    if baseline:
        # The same commands by another checkout's launcher, in the same turns: before and after, paired.
        other = os.path.join(os.path.abspath(baseline), "maestro-auth")
        prepared(other, env)
        for name in ("--version", "--help", "status", "token openai (cached)", "token openai (refresh due)"):
            command, run_env, floor = commands[name]
            commands["baseline: " + name] = ([other, *command[1:]], run_env, floor)
    for command, run_env, _ in commands.values():  # warm the page cache and the archives
        subprocess.run(command, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = {name: [] for name in commands}
    cpu = {name: [] for name in commands}  # user + system time of the command's processes: what a busy machine pays
    for _ in range(runs):
        for name, (command, run_env, _) in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            result = subprocess.run(command, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append((time.perf_counter() - started) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(children_cpu_ms(before, after))
            if result.returncode != 0:
                sys.exit(f"{name} failed with exit {result.returncode}")
    # A login after one second "in the browser": what the user waits for once the redirect arrives.
    after_redirect = []
    for _ in range(runs):
        fresh = dict(env, MAESTRO_AUTH_HOME=tempfile.mkdtemp(prefix="login-", dir=work))
        after_redirect.append(login(fresh, in_browser=1.0))
    classes = {name: loaded_classes(command, run_env, "MAESTRO_AUTH_JAVA_OPTIONS")
               for name, (command, run_env, _) in commands.items()}
    endpoint.server.shutdown()
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"{runs} interleaved runs each, {os.cpu_count()} cores, {version}\n")
    print("| command | median ms | min–max ms | floor | × floor | CPU ms | classes loaded |")
    print("|---|---|---|---|---|---|---|")
    for name, samples in times.items():
        floor = commands[name][2]
        ratio = f"{statistics.median(samples) / statistics.median(times[floor]):.2f}" if floor else ""
        print(f"| `{name}` | {statistics.median(samples):.0f} | {min(samples):.0f}–{max(samples):.0f} | "
              f"{floor or ''} | {ratio} | {statistics.median(cpu[name]):.0f} | {classes[name]} |")
    shape = statistics.median(times["floor: the same in picocli + Guice"])
    print("\nAgainst the floor in the command's own shape (the same read in a picocli subcommand, made by a Guice"
          " injector): " + ", ".join(f"`{name}` {statistics.median(times[name]) / shape:.2f}×"
                                     for name in ("status", "token openai (cached)", "token openai (refresh due)")))
    if baseline:
        print("\nThis checkout against the baseline (" + baseline + "), median over median: " + ", ".join(
            f"`{name}` {statistics.median(times[name]) / statistics.median(times['baseline: ' + name]):.2f}×"
            f" (CPU {statistics.median(cpu[name]) / statistics.median(cpu['baseline: ' + name]):.2f}×)"
            for name in ("--version", "--help", "status", "token openai (cached)", "token openai (refresh due)")))
    print(f"\n`login openai`, from the pasted redirect to the process's exit (after 1 s in the browser): "
          f"median {statistics.median(after_redirect):.0f} ms ({min(after_redirect):.0f}–{max(after_redirect):.0f})\n")


def main():
    global H2_CP, PICOCLI_CP, GUICE_CP
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--java", action="append", help="a JDK's home; repeat for several")
    parser.add_argument("--baseline", help="another checkout whose launcher runs the same commands, interleaved")
    args = parser.parse_args()
    cli_cp = classpath_of("auth-app-cli")
    H2_CP = os.pathsep.join(p for p in cli_cp.split(os.pathsep) if "/h2-" in p or "/com/h2database/" in p)
    PICOCLI_CP = os.pathsep.join(p for p in cli_cp.split(os.pathsep) if "/picocli" in p)
    GUICE_CP = os.pathsep.join(p for p in cli_cp.split(os.pathsep)
                               if any(name in p for name in ("/guice-", "/guava-", "/failureaccess-", "/jakarta.inject",
                                                             "/aopalliance-")))
    work = tempfile.mkdtemp(prefix="maestro-startup-")
    try:
        with open(os.path.join(work, "Hello.java"), "w") as f:
            f.write("public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }")
        subprocess.run(["javac", "--release", "17", "-d", work, os.path.join(work, "Hello.java")], check=True)
        floors = os.path.join(ROOT, "auth-tests", "target", "classes", "ai", "maestro", "auth", "bench", "floor")
        if not os.path.isdir(floors):
            sys.exit("build the floors first: mvn -B -q install -DskipTests")
        for home in args.java or [os.environ.get("JAVA_HOME", "")]:
            measure(home, args.runs, work, args.baseline)
    finally:
        shutil.rmtree(work, ignore_errors=True)


H2_CP = ""
PICOCLI_CP = ""
GUICE_CP = ""

if __name__ == "__main__":
    main()
