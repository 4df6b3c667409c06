"""The measurements of scripts/bench.sh against a running release dashboard; prints the table.

Standard library only. The dashboard at --base runs on a standalone sandbox whose creates take
ten minutes; alice signs in through the sandbox's development sign-in.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
SUBSCRIPTION = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f"
RUNNING_JOBS = 1000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(base, path, cookie=None, body=None, headers=None, method=None):
    """(status, headers, raw body bytes) of one request; never follows redirects."""
    all_headers = dict(headers or {})
    if cookie:
        all_headers["cookie"] = cookie
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        all_headers["content-type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, headers=all_headers, method=method)
    try:
        with OPENER.open(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_until_up(base, limit=60.0):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            if request(base, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"the dashboard at {base} did not start")


def sign_in(base, user="alice"):
    req = urllib.request.Request(
        base + "/auth/dev/sign-in",
        data=f"user={user}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        OPENER.open(req, timeout=30)
    except urllib.error.HTTPError as answer:
        cookie = answer.headers.get("set-cookie", "")
        if cookie:
            return cookie.split(";")[0]
    sys.exit("the development sign-in answered without a session cookie")


def create(base, cookie, name):
    status, _, body = request(
        base,
        "/api/aks/provision",
        cookie,
        {
            "subscription_id": SUBSCRIPTION,
            "resource_group": "rg-bench",
            "region": "eastus",
            "cluster_name": name,
            "node_sku": "Standard_D2s_v5",
            "node_count": 1,
            "system_vm_size": "Standard_D2s_v5",
            "system_node_count": 1,
        },
    )
    if status >= 300:
        sys.exit(f"create {name} answered {status}: {body[:300]!r}")
    return json.loads(body)["task_id"]


def lighthouse(binary, base, cookie, work):
    """Lighthouse's mobile run (its default profile) on the signed-in dashboard."""
    report = os.path.join(work, "lighthouse.json")
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    subprocess.run(
        [
            binary,
            base + "/",
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--extra-headers=" + json.dumps({"Cookie": cookie}),
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        check=True,
        env=env,
    )
    with open(report) as file:
        return json.load(file)


def first_load(base, cookie, report):
    """Bytes of the page and of every bundle file the first load fetched, as brotli and as gzip
    bodies (the server functions the hydrated page then calls are data, not the load)."""
    items = report["audits"]["network-requests"]["details"]["items"]
    urls = [
        item["url"]
        for item in items
        if item["url"] == base + "/" or item["url"].startswith(base + "/pkg/")
    ]
    sizes = {}
    for encoding in ("br", "gzip"):
        total = 0
        for url in urls:
            status, headers, body = request(
                base, url[len(base):], cookie, headers={"accept-encoding": encoding}
            )
            if status != 200:
                sys.exit(f"{url} answered {status} with {encoding}")
            total += len(body)
        sizes[encoding] = total
    wasm = [url for url in urls if url.endswith(".wasm")]
    return sizes, urls, wasm


def wrk(url, cookie=None):
    """Requests per second and p99 (ms) of 10 s of wrk, 2 threads, 32 connections."""
    command = ["wrk", "-t2", "-c32", "-d10s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        sys.exit(f"{url}: {non_2xx.group(1)} answers were not 2xx/3xx")
    return rate, float(p99.group(1)) * scale


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as file:
        status = file.read()
    kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return kib / 1024


def running_jobs(base):
    """Jobs not yet finished, from the metrics (public in sandbox mode)."""
    _, _, body = request(base, "/metrics")
    total = 0
    for line in body.decode().splitlines():
        found = re.match(r'dashboard_jobs\{status="(PENDING|STARTED|PROGRESS)"\} (\d+)', line)
        if found:
            total += int(found.group(2))
    return total


def cargo_bench(name):
    output = subprocess.run(
        ["cargo", "bench", "-q", "-p", "server", "--bench", name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.strip() for line in output.splitlines() if "p95" in line or "p50" in line]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--lighthouse", required=True)
    parser.add_argument("--skip-cargo-benches", action="store_true")
    args = parser.parse_args()

    wait_until_up(args.base)
    cookie = sign_in(args.base)
    rows = []

    report = lighthouse(args.lighthouse, args.base, cookie, args.work)
    sizes, urls, wasm = first_load(args.base, cookie, report)
    rows.append(("first load over the wire, brotli", f"{sizes['br'] / 1000:.1f} KB ({len(urls)} files, WASM: {', '.join(u.rsplit('/', 1)[-1].split('.')[0] for u in wasm)})"))
    rows.append(("first load over the wire, gzip", f"{sizes['gzip'] / 1000:.1f} KB"))
    scores = report["categories"]
    rows.append(
        (
            "Lighthouse mobile: Performance / Accessibility / Best Practices / SEO",
            " / ".join(str(round(scores[c]["score"] * 100)) for c in ("performance", "accessibility", "best-practices", "seo")),
        )
    )
    audits = report["audits"]
    for audit in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index", "interactive"):
        if audit in audits and audits[audit].get("displayValue"):
            rows.append((f"Lighthouse mobile: {audits[audit]['title']}", audits[audit]["displayValue"]))

    task = create(args.base, cookie, "bench-read")
    health = wrk(args.base + "/healthz")
    reads = wrk(f"{args.base}/api/tasks/{task}", cookie)
    pages = wrk(args.base + "/", cookie)
    rows.append(("`/healthz` (the ceiling)", f"{health[0]:,.0f} req/s, p99 {health[1]:.2f} ms"))
    rows.append(("task reads `GET /api/tasks/{id}`", f"{reads[0]:,.0f} req/s ({100 * reads[0] / health[0]:.0f} % of `/healthz`), p99 {reads[1]:.2f} ms"))
    rows.append(("SSR dashboard `GET /`", f"{pages[0]:,.0f} req/s, p99 {pages[1]:.2f} ms"))

    idle = rss_mib(args.pid)
    for n in range(RUNNING_JOBS - 1):
        create(args.base, cookie, f"bench-{n:04d}")
    started = time.monotonic()
    while running_jobs(args.base) < RUNNING_JOBS and time.monotonic() - started < 120:
        time.sleep(1)
    time.sleep(5)
    rows.append(("server RSS", f"{idle:.0f} MiB idle, {rss_mib(args.pid):.0f} MiB with {running_jobs(args.base):,} running creates"))

    if not args.skip_cargo_benches:
        for name in ("cancel_latency", "preflight_latency"):
            for line in cargo_bench(name):
                rows.append((name.replace("_", " "), line))

    print("\n| Measure | Result |\n|---|---|")
    for measure, result in rows:
        print(f"| {measure} | {result} |")


if __name__ == "__main__":
    main()
