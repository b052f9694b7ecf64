"""Starting Spark: a local[N] or cluster session, offline, with a clear error when Java or pyspark is missing."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from typing import Any

from because.errors import BrokenPartError

INSTALL_FIX = "install them with `bash scripts/install.sh --spark` (pyspark from PyPI, a Java 17 runtime from Debian)."


def spark_session(master: str = "local[2]", driver_memory: str = "4g", partitions: int | None = None) -> Any:
    """A SparkSession for training. ``master``: local[N], spark://host:port, yarn, k8s://... (what Spark takes)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise BrokenPartError("`--engine spark` needs pyspark, which is not installed.", INSTALL_FIX) from err
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise BrokenPartError(
            "`--engine spark` needs a Java 17 runtime; none was found (no java, no JAVA_HOME).", INSTALL_FIX
        )
    cores = _local_cores(master)
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    # the workers run this interpreter (the venv with numpy, scipy, pandas), not whatever `python3` is first
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("because-train")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", str(partitions or max(2, 4 * cores)))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "200000")
        .config("spark.python.worker.reuse", "true")
        .config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    try:
        spark = builder.getOrCreate()
    except Exception as err:  # noqa: BLE001 - the JVM failing to start surfaces as many types
        raise BrokenPartError(
            f"Spark did not start on {master} ({type(err).__name__}: {' '.join(str(err).split())[:300]}).",
            "check the --spark-master URL and that Java 17 runs (`java -version`); " + INSTALL_FIX,
        ) from err
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _local_cores(master: str) -> int:
    if master.startswith("local[") and master.endswith("]"):
        inner = master[len("local[") : -1]
        return os.cpu_count() or 2 if inner == "*" else max(1, int(inner.split(",")[0]))
    return 2
