#!/usr/bin/env python3
"""Times commands with the encryption key in the operating system's keyring against the same
commands with the key in a file, interleaved, on this machine.

Usage: scripts/keyring-times.py [--runs N] [--java JAVA_HOME] [--baseline OTHER_CHECKOUT] [COMMAND...]

Starts a private keyring (GNOME Keyring on a D-Bus session of its own, unlocked with a throw-away
password, its files in a temporary directory: never the machine's keyrings), signs in twice through
a local fake token endpoint (one data directory whose key goes to that keyring, one whose key is a
file), then runs COMMAND (default: `token openai`) N times each way in turn and prints the medians
of wall time and CPU time (the process and its children). With --baseline, the same runs also go
through another checkout's launcher (an earlier commit, say) for a before/after table. Needs
dbus-run-session, gnome-keyring-daemon and secret-tool (`.ci/run` installs them).
"""
import argparse
import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = importlib.util.spec_from_file_location("startup_times", os.path.join(ROOT, "scripts", "startup-times.py"))
STARTUP = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(STARTUP)


def timed(args, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or done.stderr:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return wall, STARTUP.children_cpu_ms(before, after)


def keyring(work):
    """Starts the private keyring in this (already private) D-Bus session; returns when it answers."""
    home = os.path.join(work, "keyring-home")
    runtime = os.path.join(home, "run")
    os.makedirs(runtime, mode=0o700)
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"), XDG_RUNTIME_DIR=runtime)
    daemon = subprocess.Popen(["gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground"],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    daemon.stdin.write(b"throw-away-password")
    daemon.stdin.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # Asked of the bus first: a client's call before the daemon holds its name would make the bus
        # start another daemon, with no unlocked keyring.
        owner = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                                "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                                "string:org.freedesktop.secrets"], capture_output=True, text=True, env=env)
        if "boolean true" in owner.stdout:
            probe = subprocess.run(["secret-tool", "store", "--label=probe", "service", "probe", "account", "probe"],
                                   input="probe", capture_output=True, text=True, env=env, timeout=20)
            if probe.returncode == 0:
                return daemon
        time.sleep(0.05)
    sys.exit("the private keyring did not answer within 60 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--java", help="a JDK's home (default: JAVA_HOME, else the java on the PATH)")
    parser.add_argument("--baseline", help="another checkout whose launcher is timed the same way")
    parser.add_argument("command", nargs="*", default=["token", "openai"])
    options = parser.parse_args()
    if os.environ.get("KEYRING_TIMES_SESSION") != "1":
        # A D-Bus session of its own, so that nothing reaches the machine's keyrings.
        for tool in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool", "dbus-send"):
            if not shutil.which(tool):
                sys.exit(f"{tool} is not installed (.ci/run installs it)")
        env = dict(os.environ, KEYRING_TIMES_SESSION="1")
        sys.exit(subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv], env=env).returncode)
    work = tempfile.mkdtemp(prefix="maestro-auth-keyring-times-")
    daemon = keyring(work)
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith("MAESTRO_AUTH")}
        if options.java:
            base["JAVA_HOME"] = options.java
        homes = {}
        for kind in ("keyring", "file"):
            env = dict(base, MAESTRO_AUTH_HOME=os.path.join(work, kind), MAESTRO_AUTH_KEY_STORE=kind)
            os.makedirs(env["MAESTRO_AUTH_HOME"])
            STARTUP.login(env)
            homes[kind] = env
        launchers = {"": STARTUP.LAUNCHER}
        if options.baseline:
            launchers = {"baseline, ": os.path.join(os.path.abspath(options.baseline), "maestro-auth"),
                         "this checkout, ": STARTUP.LAUNCHER}
        cases = {f"{who}key in the {kind}": ([launcher, *options.command], env)
                 for who, launcher in launchers.items() for kind, env in homes.items()}
        for launcher in launchers.values():
            STARTUP.prepared(launcher, next(iter(homes.values())))  # builds and archives where needed
        for args, env in cases.values():
            timed(args, env)  # untimed: warms the page cache
        results = {name: ([], []) for name in cases}
        for _ in range(options.runs):
            for name, (args, env) in cases.items():
                wall, cpu = timed(args, env)
                results[name][0].append(wall)
                results[name][1].append(cpu)
        java = os.path.basename(os.path.realpath(options.java)) if options.java else "default java"
        print(f"`{' '.join(options.command)}`, {java}, {options.runs} runs each, interleaved, medians")
        print("| case | wall | CPU |\n|---|---|---|")
        for name, (walls, cpus) in results.items():
            print(f"| {name} | {statistics.median(walls):.0f} ms | {statistics.median(cpus):.0f} ms |")
    finally:
        daemon.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
