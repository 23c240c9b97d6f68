#!/usr/bin/python3
"""SciPy peer of `BatteryZoom.Benchmarks seg --label-only`: 26-connected labelling of a mask of seeded random spheres.

Usage: /usr/bin/python3 bench/peer/label_peer.py [--size 512] [--runs 3] [--otsu-mask]
The mask is the noise-free sphere mask of ../shared/peer-bench/bench_seg3d.py (same sphere count rule as our harness:
2000 · (size/256)³, radii 4–12, seed 12345), or with --otsu-mask that bench's own label input: the Otsu threshold of the
σ = 1 Gaussian of the noisy volume (built outside the timing). Every run allocates a fresh output, as a user's call does; NumPy advises
transparent huge pages for it. Prints each run's wall time and the median.
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import ndimage as ndi  # noqa: E402

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "peer-bench")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--otsu-mask", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, SHARED)
    from bench_seg3d import make_volume  # the peer bench's own generator
    spheres = round(2000 * (args.size / 256) ** 3)
    vol, mask, _, _ = make_volume(args.size, spheres, 4.0, 12.0, 0.15, 12345)
    if args.otsu_mask:
        from skimage.filters import threshold_otsu
        img = ndi.gaussian_filter(vol, 1.0)
        mask = img > threshold_otsu(img)
        del img
    del vol
    st = np.ones((3, 3, 3), dtype=bool)
    walls = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        lab, n = ndi.label(mask, structure=st)
        walls.append(time.perf_counter() - t0)
        del lab
    print(f"# scipy {scipy.__version__}, numpy {np.__version__}, {args.size}^3, {spheres} spheres, foreground {mask.mean():.4f}")
    print(f"label26 | runs {' '.join(f'{w:.3f}' for w in walls)} s | median {sorted(walls)[len(walls) // 2]:.3f} s | {n} objects")


if __name__ == "__main__":
    main()
