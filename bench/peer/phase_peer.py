#!/usr/bin/python3
"""numpy/scipy peer of BatteryZoom's CTF and Paganin phase retrieval (same steps, same inputs).

Usage: /usr/bin/python3 bench/peer/phase_peer.py DIR N RUNS
Reads DIR/holo.bin (float32 [4, N, N] holograms I/I0 at z_eff = 1, 1.5, 2.5, 4 mm, 33.6 keV, 70 nm pixels),
prints 'step impl median_ms output_file' lines and writes each output (float32 [N, N]) into DIR.
Filters and CTF weights are computed once (excluded from timing), as BatteryZoom's plans are.
Padding: 2x, image at the top-left, edge values (first half of the padding repeats the last row/column,
the second half the first one), exactly as BatteryZoom.Phase.Propagation.ImagePadding.Edge.
"""
import sys
import time

import numpy as np
import scipy.fft
from scipy.special import erfc

HC = 1239.841984e-9  # eV m


def pad_edge(img, pr, pc):
    r, c = img.shape
    after_r, after_c = (pr - r) // 2, (pc - c) // 2
    before_r, before_c = pr - r - after_r, pc - c - after_c
    p = np.pad(img, ((before_r, after_r), (before_c, after_c)), mode='edge')
    return np.roll(p, (-before_r, -before_c), axis=(0, 1))


def freq2(pr, pc, pixel):
    fy = np.fft.fftfreq(pr, pixel)
    fx = np.fft.rfftfreq(pc, pixel)
    return fy[:, None] ** 2 + fx[None, :] ** 2


def main():
    d, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    holo = np.fromfile(d + "/holo.bin", dtype=np.float32).reshape(4, n, n)
    lam = HC / 33600.0
    pixel = 70e-9
    z = np.array([1, 1.5, 2.5, 4]) * 1e-3
    db = 148.0
    pr = pc = 2 * n  # 2048 -> 4096 (radix 2); BatteryZoom picks the same size
    f2 = freq2(pr, pc, pixel)
    # Paganin filter
    h = 1.0 / (1.0 + np.pi * lam * z[0] * db * f2)
    # CTF weights
    gamma = 1.0 / db
    a = [np.sin(np.pi * lam * zz * f2) + gamma * np.cos(np.pi * lam * zz * f2) for zz in z]
    fc = 1.0 / np.sqrt(2 * lam * z[-1])
    low = 0.5 * erfc((np.sqrt(f2) - fc) / (0.25 * fc))
    alpha = 1e-7 * low + 1e-2 * (1 - low)
    denom = sum(ai * ai for ai in a) / 4 + alpha
    w = [-ai / (2 * 4 * denom) for ai in a]

    def paganin(fft):
        s = fft.rfft2(pad_edge(holo[0], pr, pc))
        out = fft.irfft2(s * h, s=(pr, pc))[:n, :n]
        return (-0.5 * db * np.log(np.maximum(out, 1e-6))).astype(np.float32)

    def ctf(fft):
        acc = None
        for k in range(4):
            s = fft.rfft2(pad_edge(holo[k] - 1.0, pr, pc))
            acc = s * w[k] if acc is None else acc + s * w[k]
        return fft.irfft2(acc, s=(pr, pc))[:n, :n].astype(np.float32)

    class Scipy32:
        @staticmethod
        def rfft2(x):
            return scipy.fft.rfft2(x.astype(np.float32), workers=1)

        @staticmethod
        def irfft2(x, s):
            return scipy.fft.irfft2(x.astype(np.complex64), s=s, workers=1)

    w32 = None
    for name, fft in (("numpy", np.fft), ("scipy", Scipy32)):
        for step, fn in (("ctf", ctf), ("paganin", paganin)):
            out = fn(fft)
            t = []
            for _ in range(runs):
                t0 = time.perf_counter()
                out = fn(fft)
                t.append((time.perf_counter() - t0) * 1e3)
            fname = "%s_%s.bin" % (step, name)
            out.tofile(d + "/" + fname)
            print(step, name, "%.1f" % np.median(t), fname, flush=True)


if __name__ == "__main__":
    main()
