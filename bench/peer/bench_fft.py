#!/usr/bin/env python3
"""FFT peers (numpy.fft, scipy.fft) on the inputs written by `BatteryZoom.Benchmarks fft`.

The C# harness writes its seeded float32 inputs as raw little-endian files into --dir; this script times the same
operations on one thread and prints JSON ({"versions": ..., "results": [{case, peer, median_ms}]}) on stdout.
numpy.fft computes in float64 (complex128) whatever the input; scipy.fft keeps float32/complex64.

  /usr/bin/python3 bench_fft.py --dir /tmp/x --cases c2d,r2c,fbp,r2d --runs 7
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

try:
    import scipy
    import scipy.fft as sfft
except ImportError:  # scipy missing: numpy only
    scipy = None
    sfft = None


def median_ms(fn, runs, warmup=1):
    for _ in range(warmup):
        fn()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        t.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(t)


def load(d, name, shape, dtype=np.float32):
    return np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cases", default="c2d,r2c,fbp,r2d")
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    runs = a.runs
    res = []

    def add(case, peer, fn, r=runs, note=""):
        res.append({"case": case, "peer": peer, "median_ms": round(median_ms(fn, r), 3), "note": note})

    cases = a.cases.split(",")
    if "c2d" in cases:
        x = load(a.dir, "c2d.bin", (2048, 2048), np.complex64)
        add("c2d", "numpy", lambda: np.fft.fft2(x), min(runs, 3), "float64 internally")
        if sfft:
            add("c2d", "scipy", lambda: sfft.fft2(x, workers=1))
    if "r2c" in cases:
        x = load(a.dir, "r2c.bin", (2000, 4096))
        add("r2c", "numpy", lambda: np.fft.rfft(x, axis=1), min(runs, 3), "float64 internally")
        if sfft:
            add("r2c", "scipy", lambda: sfft.rfft(x, axis=1, workers=1))
    if "fbp" in cases:
        x = load(a.dir, "fbp.bin", (2000, 2048))
        h = np.fromfile(os.path.join(a.dir, "ramp.bin"), dtype=np.float32)
        add("fbp", "numpy", lambda: np.fft.irfft(np.fft.rfft(x, n=4096, axis=1) * h, n=4096, axis=1)[:, :2048],
            min(runs, 3), "float64 internally")
        if sfft:
            add("fbp", "scipy", lambda: sfft.irfft(sfft.rfft(x, n=4096, axis=1, workers=1) * h, n=4096, axis=1,
                                                  workers=1)[:, :2048])
    if "r2d" in cases:
        x = load(a.dir, "r2d.bin", (4096, 4096))
        if sfft:
            add("r2d", "scipy", lambda: sfft.rfft2(x, workers=1), max(3, runs // 2))
    versions = {"python": sys.version.split()[0], "numpy": np.__version__,
                "scipy": scipy.__version__ if scipy else None}
    print(json.dumps({"versions": versions, "results": res}))


if __name__ == "__main__":
    main()
