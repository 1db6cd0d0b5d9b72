#!/usr/bin/env python3
"""Edit-to-reload latency of `passerelle serve`, its memory, and its throughput.

    python3 bench/serve/latency.py --bin PASSERELLE --root SITE [--edits 20]
        [--template-edits 20] [--clients 50] [--requests 200]

Starts the server on a free port over SITE (which it edits: pass a copy), connects a
Server-Sent Events client as an open page would, then, for each edit, writes the file and
measures what the author waits for: from the file write, through the `build` event that
names the page, to the page fetched again with the edit's text in it (as the browser does
when told to reload). Waits for the server to go quiet between edits (the exports and search
index are made after the pages are announced), except for the spaced title edits. Prints
one line per figure on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


class Server:
    def __init__(self, binary: str, root: Path) -> None:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [binary, "serve", "--port", "0", "--root", str(root)],
            stdout=subprocess.PIPE,
            stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"),
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("Serving on "):
                self.url = line.split()[2]
                break
        else:
            raise SystemExit("serve: the server stopped before printing its address")
        self.startup = time.perf_counter() - started
        match = re.match(r"http://([^/:]+):(\d+)(/.*)", self.url)
        assert match, self.url
        self.host, self.port, self.base = match.group(1), int(match.group(2)), match.group(3)
        # Keep reading its output so it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for _ in self.process.stdout:
            pass

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Events:
    """A raw Server-Sent Events client; events arrive on `self.queue` with their time."""

    def __init__(self, server: Server, page: str) -> None:
        self.queue: queue.Queue[tuple[float, str, dict]] = queue.Queue()
        self.sock = socket.create_connection((server.host, server.port))
        self.sock.sendall(
            f"GET /__passerelle/events?path={page}&generation=0 HTTP/1.1\r\n"
            f"Host: {server.host}:{server.port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.next("hello", timeout=30)

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return
            now = time.perf_counter()
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                name, data = "", ""
                for line in block.decode("utf-8", "replace").splitlines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        data += line[6:]
                if name:
                    self.queue.put((now, name, json.loads(data)))

    def next(self, name: str, timeout: float) -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no {name} event")
            at, event, data = self.queue.get(timeout=left)
            if event == name:
                return at, data

    def build_touching(self, path: str, timeout: float) -> float:
        while True:
            at, data = self.next("build", timeout)
            if path in data.get("changed", []) or path in data.get("removed", []):
                return at

    def settle(self, quiet: float = 0.3) -> None:
        """Waits until no event came for `quiet` seconds."""
        while True:
            try:
                self.queue.get(timeout=quiet)
            except queue.Empty:
                return


def page_of(content_path: str) -> str:
    stem = content_path.rsplit("/", 1)[-1][: -len(".md")]
    folder = content_path.rsplit("/", 1)[0]
    return f"{folder}/{stem}/index.html"


def fetch(server: Server, page: str) -> bytes:
    """The page's bytes, as the browser's reload asks for them (a new connection, HTTP/1.1)."""
    path = server.base + page.removesuffix("index.html")
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\nConnection: close\r\n\r\n".encode())
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status:
        raise RuntimeError(f"GET {path}: {status!r}")
    return body


def shown(server: Server, events: Events, page: str, marker: str, timeout: float) -> float:
    """Waits for a `build` event naming `page`, fetches the page, and returns the time the
    page was received with `marker` in it; an event for an earlier save (the page without
    the marker yet) waits for the next one."""
    expected = marker.encode()
    while True:
        events.build_touching(page, timeout)
        if expected in fetch(server, page):
            return time.perf_counter()


def measure(server: Server, edits: int, edit, events: Events, page: str, timeout: float, apart: float | None = None) -> list[float]:
    """`edit(i)` writes a file and returns the text the page must then show. Each edit waits
    for the server to be quiet, or, with `apart`, comes that many seconds after the previous
    one was shown, whatever the server is still doing (as an author saves)."""
    latencies = []
    events.settle()
    for i in range(edits):
        if apart is None:
            events.settle()
        started = time.perf_counter()
        marker = edit(i)
        arrived = shown(server, events, page, marker, timeout)
        latencies.append((arrived - started) * 1000)
        if apart is not None:
            time.sleep(apart)
    events.settle()
    return latencies


def summary(label: str, latencies: list[float]) -> None:
    latencies = sorted(latencies)
    print(
        f"{label}: median {statistics.median(latencies):.1f} ms, "
        f"min {latencies[0]:.1f} ms, max {latencies[-1]:.1f} ms ({len(latencies)} edits)",
        flush=True,
    )


def throughput(server: Server, clients: int, requests: int, paths: list[str]) -> None:
    wrk = shutil.which("wrk")
    urls = [f"http://{server.host}:{server.port}{server.base}{p}" for p in paths]
    if wrk:
        # Bounded: a fixed duration, then wrk stops by itself.
        out = subprocess.run(
            [wrk, "-t", "2", "-c", str(clients), "-d", "10s", "--latency", urls[0]],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
        p99 = re.search(r"99%\s+(\S+)", out)
        print(
            f"throughput (wrk, {clients} connections, 10 s, {paths[0] or 'home'}): "
            f"{float(rate.group(1)):.0f} requests/s, p99 latency {p99.group(1) if p99 else '?'}",
            flush=True,
        )
        return
    # Fallback: plain HTTP/1.1 keep-alive clients on threads, a fixed number of requests each.
    errors = 0
    lock = threading.Lock()

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        sock = socket.create_connection((server.host, server.port))
        reader = sock.makefile("rb")
        for _ in range(requests):
            path = server.base + rng.choice(paths)
            host = f"{server.host}:{server.port}"
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            status = reader.readline()
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            reader.read(length)
            if b" 200 " not in status:
                with lock:
                    errors += 1
        sock.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        f"throughput (python client, {clients} connections x {requests} requests): "
        f"{clients * requests / elapsed:.0f} requests/s, {errors} errors (install wrk for a better client)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--template-edits", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--label", default="")
    parser.add_argument("--apart", type=float, default=1.0, help="seconds between the spaced title edits")
    args = parser.parse_args()

    root: Path = args.root
    section = root / "content" / "etudes-de-cas"
    files = sorted(section.glob("*.md"))
    if not files:
        raise SystemExit(f"no case studies under {section}")
    label = args.label or f"{len(files)} case studies"
    # Override the theme's case-study template so that it can be edited.
    template = root / "templates" / "case_study.html"
    repo = Path(__file__).resolve().parents[2]
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "themes" / "default" / "templates" / "case_study.html", template)

    server = Server(args.bin, root)
    log(f"serve: {label}: ready in {server.startup:.1f} s at {server.url}")
    target = files[len(files) // 2]
    content_path = target.relative_to(root / "content").as_posix()
    page = page_of(content_path)
    events = Events(server, page)
    events.settle(1.0)
    print(f"{label}: startup (first build, in memory) {server.startup:.1f} s", flush=True)
    print(f"{label}: memory (RSS) {server.rss_mib():.0f} MiB", flush=True)

    original = target.read_text(encoding="utf-8")

    def edit_case_study(i: int) -> None:
        # A paragraph appended to the body, as an author typing would.
        target.write_text(original + f"\nParagraphe ajouté numéro {i}.\n", encoding="utf-8")
        return f"Paragraphe ajouté numéro {i}."

    summary(f"{label}: case-study edit -> page shown", measure(server, args.edits, edit_case_study, events, page, 60))

    def edit_summary(i: int) -> None:
        text = re.sub(r"(?m)^summary: .*$", f'summary: "Résumé révisé, version {i}."', original, count=1)
        target.write_text(text, encoding="utf-8")
        return f"Résumé révisé, version {i}."

    summary(
        f"{label}: case-study front matter edit (summary: lists, feed, exports) -> page shown",
        measure(server, args.edits, edit_summary, events, page, 120),
    )

    def edit_title(i: int) -> None:
        text = re.sub(r"(?m)^title: .*$", f'title: "Titre révisé, version {i}"', original, count=1)
        target.write_text(text, encoding="utf-8")
        return f"Titre révisé, version {i}"

    # As an author saves: a second apart, so that each save lands while the exports and the
    # search index of the previous one are being made (they start after a half-second pause).
    summary(
        f"{label}: title edit {args.apart:g} s after the previous one -> page shown",
        measure(server, args.edits, edit_title, events, page, 120, apart=args.apart),
    )
    target.write_text(original, encoding="utf-8")
    events.settle(1.0)

    template_text = template.read_text(encoding="utf-8")

    def edit_template(i: int) -> None:
        marked = template_text.replace('<article class="case-study">', f'<article class="case-study" data-revision="{i}">', 1)
        assert marked != template_text, "case_study.html has no <article class=\"case-study\">"
        template.write_text(marked, encoding="utf-8")
        return f'data-revision="{i}"'

    summary(
        f"{label}: template edit (case_study.html, {len(files)} pages) -> page shown",
        measure(server, args.template_edits, edit_template, events, page, 600),
    )
    print(f"{label}: memory (RSS) after the edits {server.rss_mib():.0f} MiB", flush=True)

    paths = ["", page.removesuffix("index.html"), "static/style.css", "etudes-de-cas/"]
    throughput(server, args.clients, args.requests, paths)
    server.stop()


if __name__ == "__main__":
    main()
