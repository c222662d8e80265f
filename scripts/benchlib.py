"""What the benchmark scripts share: the physical limits they compare against, measured in the
same run (SHA-256 speed of one core, disk write and read speed), and small helpers."""
import os
import re
import subprocess
import time

MiB = 1 << 20


def run(args, **kw):
    return subprocess.run(args, check=True, **kw)


def drop_caches():
    """Empties the page cache so reads come from the disk; returns False when not allowed."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def openssl_sha256():
    """Single-core SHA-256 throughput of `openssl speed -evp sha256`, 16 KiB blocks, bytes/s."""
    out = run(["openssl", "speed", "-evp", "sha256", "-bytes", "16384", "-seconds", "3"],
              capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.lower().startswith("sha256")][-1]
    value = line.split()[-1]  # e.g. 1196933.12k (thousands of bytes per second)
    return float(value.rstrip("k")) * 1000


def disk_write(path, total):
    """Sequential write of `total` bytes and one fsync, bytes/s."""
    buf = os.urandom(4 * MiB)
    start = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    written = 0
    while written < total:
        written += os.write(fd, buf)
    os.fsync(fd)
    os.close(fd)
    return total / (time.perf_counter() - start)


def disk_read(path):
    """Sequential read of a file (cold if the page cache may be dropped), bytes/s and coldness."""
    cold = drop_caches()
    start = time.perf_counter()
    total = 0
    with open(path, "rb", buffering=0) as f:
        while True:
            chunk = f.read(4 * MiB)
            if not chunk:
                break
            total += len(chunk)
    return total / (time.perf_counter() - start), cold


def cpu_model():
    try:
        return re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read()).group(1)
    except (OSError, AttributeError):
        return "?"
