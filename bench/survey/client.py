#!/usr/bin/env python3
"""bench/survey/client.py - a load client for bench/survey/run.sh.

    client.py post HOST PORT CODES_FILE BODY CONNS [RATE]  each code once
    client.py get  HOST PORT PATH COUNT CONNS [RATE]       the reference

RATE (requests per second, default 0 = as fast as possible) paces the
requests: request k is not sent before k / RATE seconds have passed.

CONNS threads, each with its own keep-alive connection, take work from a
shared queue; prints one JSON line: requests, seconds, rate, p50/p99 (ms)
and the count of each status.  Latency is per request, measured around
the request and the read of its whole response.
"""
import http.client
import json
import queue
import sys
import threading
import time


def run(host, port, jobs, conns, make, rate=0.0):
    q = queue.Queue()
    for k, j in enumerate(jobs):
        q.put((k, j))
    lat, status, lock = [], {}, threading.Lock()

    def worker():
        c = http.client.HTTPConnection(host, port, timeout=30)
        mine, codes = [], {}
        while True:
            try:
                k, j = q.get_nowait()
            except queue.Empty:
                break
            if rate:
                wait = start + k / rate - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            method, path, body, headers = make(j)
            t0 = time.perf_counter()
            try:
                c.request(method, path, body=body, headers=headers)
                r = c.getresponse()
                r.read()
                s = r.status
                if r.getheader("Connection", "").lower() == "close":
                    c.close()
            except (OSError, http.client.HTTPException):
                s = "error"
                c.close()
                c = http.client.HTTPConnection(host, port, timeout=30)
            mine.append(time.perf_counter() - t0)
            codes[s] = codes.get(s, 0) + 1
        with lock:
            lat.extend(mine)
            for k, v in codes.items():
                status[str(k)] = status.get(str(k), 0) + v

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    start = t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.perf_counter() - t0
    lat.sort()
    pick = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    return {"requests": len(lat), "seconds": round(secs, 3),
            "rate": round(len(lat) / secs, 1), "p50_ms": round(pick(0.50), 2),
            "p99_ms": round(pick(0.99), 2), "max_ms": round(lat[-1] * 1000, 2),
            "status": status}


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "post":
        codes = [l.split(",")[0] for l in open(sys.argv[4]) if l.strip()]
        codes = [c for c in codes if c != "code"]
        body = sys.argv[5].encode()
        hdr = {"Content-Type": "application/x-www-form-urlencoded",
               "Content-Length": str(len(body))}
        rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
        res = run(host, port, codes, int(sys.argv[6]),
                  lambda c: ("POST", "/q/" + c, body, hdr), rate)
    else:
        path, n = sys.argv[4], int(sys.argv[5])
        rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
        res = run(host, port, range(n), int(sys.argv[6]),
                  lambda _: ("GET", path, None, {}), rate)
    print(json.dumps(res))


main()
