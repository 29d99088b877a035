"""Driven by bench/abuse: runs courierd twice (quiet, then under abuse) and prints the figures."""
import asyncio
import os
import re
import socket
import subprocess
import sys
import time

COURIERD, ORDERS = sys.argv[1], int(sys.argv[2])
SLOW_CLIENTS, FLOOD, CONCURRENCY = 200, 20000, 50
PATHS = ["/health", "/metrics", "/api/v1/sources", "/nope"]


def psql(sql):
    return subprocess.run(["psql", "-tAq", "-c", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


async def request(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    status = (await reader.readline()).split()[1]
    await reader.read()
    writer.close()
    return int(status)


async def probe_ready(port, stop, latencies):
    while not stop.is_set():
        started = time.monotonic()
        status = await request(port, "/ready")
        latencies.append((time.monotonic() - started) * 1000)
        assert status == 200, status
        await asyncio.sleep(0.1)


async def slow_client(port, stop, connected):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    connected.append(1)
    writer.write(b"GET /health HTTP/1.1\r\nX-Slow: ")
    while not stop.is_set():
        try:
            writer.write(b"a")
            await writer.drain()
        except ConnectionError:
            return
        await asyncio.sleep(1)
    writer.close()


async def flood_worker(port, queue, statuses):
    reader = writer = None
    while True:
        try:
            path = queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        for attempt in range(3):
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                await writer.drain()
                line = await reader.readline()
                if not line:
                    raise ConnectionError("closed")
                status = int(line.split()[1])
                length, close = 0, False
                while (header := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    if name.lower() == "connection" and "close" in value.lower():
                        close = True
                await reader.readexactly(length)
                statuses[status] = statuses.get(status, 0) + 1
                if close:
                    writer.close()
                    writer = None
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                writer = None
    if writer:
        writer.close()


async def run(abuse):
    psql("TRUNCATE deliveries, inbox, inbox_counts")
    psql("UPDATE couriers SET status = 'available', delivery_count = 0, active_order_id = NULL, "
         "active_source = NULL, busy_until = NULL")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    daemon = subprocess.Popen(
        [COURIERD, "--set", f"store.url=dbname={os.environ['PGDATABASE']}",
         "--set", f"admin.listen=127.0.0.1:{port}", "--set", "assignment.deadline.car=1h"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in daemon.stdout:
        if "courierd ready" in line:
            break
    await asyncio.sleep(1)
    rss_before = rss_kib(daemon.pid)
    stop = asyncio.Event()
    latencies, connected, statuses = [], [], {}
    tasks = [asyncio.create_task(probe_ready(port, stop, latencies))]
    flood_took = None
    if abuse:
        for _ in range(SLOW_CLIENTS):
            tasks.append(asyncio.create_task(slow_client(port, stop, connected)))
        queue = asyncio.Queue()
        for i in range(FLOOD):
            queue.put_nowait(PATHS[i % len(PATHS)])
        flood_started = time.monotonic()
        flood = [asyncio.create_task(flood_worker(port, queue, statuses))
                 for _ in range(CONCURRENCY)]
        await asyncio.sleep(2)  # the abuse in full swing before the orders come
    started = time.monotonic()
    psql(f"INSERT INTO inbox (source, record_id, created_at, payload, state) "
         f"SELECT 'bench', 'o' || g, now(), '{{}}', 'pending' FROM generate_series(1, {ORDERS}) g")
    while int(psql("SELECT count(*) FROM deliveries")) < ORDERS:
        await asyncio.sleep(0.05)
    drain = time.monotonic() - started
    rss_peak = rss_kib(daemon.pid)
    if abuse:
        await asyncio.gather(*flood)
        flood_took = time.monotonic() - flood_started
        rss_peak = max(rss_peak, rss_kib(daemon.pid))
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    rss_after = rss_kib(daemon.pid)
    daemon.terminate()
    daemon.wait(30)
    latencies.sort()
    return {
        "drain": drain, "rate": ORDERS / drain, "ready_n": len(latencies),
        "ready_p50": latencies[len(latencies) // 2], "ready_p99": latencies[int(len(latencies) * 0.99)],
        "ready_max": latencies[-1], "rss_before": rss_before / 1024, "rss_peak": rss_peak / 1024,
        "rss_after": rss_after / 1024, "slow": len(connected), "statuses": statuses,
        "flood_took": flood_took,
    }


async def memory(rounds):
    """RSS across `rounds` floods in a row, each with the slow clients, then after the endpoint's
    idle threads are gone (AdminServer::IDLE_THREAD_SECONDS): does it grow with the requests?"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    daemon = subprocess.Popen(
        [COURIERD, "--set", f"store.url=dbname={os.environ['PGDATABASE']}",
         "--set", f"admin.listen=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    while True:
        try:
            if await request(port, "/ready") == 200:
                break
        except (ConnectionError, OSError):
            pass
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    print(f"\nadmin endpoint, {rounds} floods of {FLOOD} requests at concurrency {CONCURRENCY} "
          f"with {SLOW_CLIENTS} slow clients each")
    print(f"{'':24}{'requests':>10}{'RSS, MiB':>10}{'threads':>9}")
    threads = lambda: len(os.listdir(f"/proc/{daemon.pid}/task"))
    print(f"{'before':24}{0:>10}{rss_kib(daemon.pid) / 1024:>10.1f}{threads():>9}")
    for n in range(1, rounds + 1):
        stop = asyncio.Event()
        connected, statuses = [], {}
        slow = [asyncio.create_task(slow_client(port, stop, connected)) for _ in range(SLOW_CLIENTS)]
        queue = asyncio.Queue()
        for i in range(FLOOD):
            queue.put_nowait(PATHS[i % len(PATHS)])
        await asyncio.gather(*[flood_worker(port, queue, statuses) for _ in range(CONCURRENCY)])
        peak, peak_threads = rss_kib(daemon.pid), threads()
        stop.set()
        await asyncio.gather(*slow, return_exceptions=True)
        print(f"{'after flood ' + str(n):24}{n * FLOOD:>10}{peak / 1024:>10.1f}{peak_threads:>9}")
    await asyncio.sleep(15)
    print(f"{'idle 15 s':24}{rounds * FLOOD:>10}{rss_kib(daemon.pid) / 1024:>10.1f}{threads():>9}")
    daemon.terminate()
    daemon.wait(30)


async def main():
    if len(sys.argv) > 3 and sys.argv[3] == "memory":
        await memory(int(sys.argv[4]) if len(sys.argv) > 4 else 5)
        return
    quiet = await run(False)
    abused = await run(True)
    print(f"\n{ORDERS} orders drained by courierd; /ready sampled every 100 ms")
    print(f"{'':44}{'quiet':>12}{'abused':>12}")
    for label, key, fmt in [("drain, s", "drain", "{:.2f}"), ("orders/s", "rate", "{:.0f}"),
                            ("/ready samples", "ready_n", "{}"), ("/ready p50, ms", "ready_p50", "{:.1f}"),
                            ("/ready p99, ms", "ready_p99", "{:.1f}"), ("/ready max, ms", "ready_max", "{:.1f}"),
                            ("RSS before, MiB", "rss_before", "{:.1f}"), ("RSS peak, MiB", "rss_peak", "{:.1f}"),
                            ("RSS after, MiB", "rss_after", "{:.1f}")]:
        print(f"{label:44}{fmt.format(quiet[key]):>12}{fmt.format(abused[key]):>12}")
    print(f"slow clients connected: {abused['slow']}; flood of {FLOOD} at concurrency "
          f"{CONCURRENCY}: {abused['flood_took']:.1f} s, statuses {dict(sorted(abused['statuses'].items()))}")


asyncio.run(main())
