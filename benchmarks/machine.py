"""What a benchmark ran on: a figure means little without the CPU, the memory and the load beside it."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np


def machine() -> str:
    """'2 CPUs (AMD EPYC ...), 23.4 GiB RAM, Python 3.11.7, numpy 2.x'."""
    cpu, mem = platform.processor() or "unknown CPU", "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {mem}, Python {platform.python_version()}, numpy {np.__version__}"


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())
