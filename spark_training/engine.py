"""The heavy stages in Spark: indexing, hold-out, co-occurrence counts and the per-item neighbourhood solves.

Input: a checked interactions DataFrame (``read.read_interactions``) and the catalogue's item order.
The Gram matrix X^T X is summed from per-partition sparse products (each partition holds whole users);
the solves run in tasks over item ranges with the Gram matrix broadcast (memory O(nnz(G)) per worker,
never n x n), and write their COO triples to Parquet, read back one lambda at a time.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import scipy.sparse as sp
from pyspark.sql import Window
from pyspark.sql import functions as F

from scorer.recommender import HistoryArrays
from spark_training.neighbours import assemble, solve_columns


class SparkEngine:
    def __init__(
        self,
        spark: Any,
        checked: Any,
        item_ids: list[str],
        val_users: int = 5000,
        seed: int = 0,
        val_frac: float = 0.2,
        workdir: str | None = None,
    ) -> None:
        self.spark = spark
        self.n_items = len(item_ids)
        self.partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
        self.workdir = workdir or tempfile.mkdtemp(prefix="because-spark-")
        items = spark.createDataFrame(
            pd.DataFrame({"item_id": item_ids, "i": np.arange(len(item_ids), dtype=np.int64)})
        )
        # histories as the single-machine path keeps them: a repeated (user, item) keeps its first place
        # (by time, then file order) and its last rating
        order = F.when(F.col("ts") == np.iinfo(np.int64).min, F.lit(np.iinfo(np.int64).max)).otherwise(F.col("ts"))
        pair = Window.partitionBy("user_id", "item_id")
        rows = (
            checked.withColumn("t", order)
            .withColumn("first_t", F.min(F.struct("t", "line")).over(pair))
            .withColumn("last", F.max(F.struct("t", "line", "rating")).over(pair))
            .filter(F.struct("t", "line") == F.col("first_t"))
            .select(
                "user_id",
                "item_id",
                F.col("first_t.t").alias("t"),
                F.col("first_t.line").alias("line"),
                F.col("last.rating").alias("rating"),
            )
        )
        users = sorted(r.user_id for r in rows.select("user_id").distinct().collect())
        self.users = users
        user_frame = spark.createDataFrame(pd.DataFrame({"user_id": users, "u": np.arange(len(users), dtype=np.int64)}))
        indexed = rows.join(F.broadcast(items), "item_id").join(user_frame, "user_id")
        rank = F.xxhash64(F.col("user_id"), F.lit(seed))
        sampled = (
            user_frame.withColumn("h", F.xxhash64(F.col("user_id"), F.lit(seed)))
            .orderBy("h", "u")
            .limit(val_users)
            .select("u", F.lit(True).alias("val"))
        )
        per_user = Window.partitionBy("u")
        by_hash = Window.partitionBy("u").orderBy(F.xxhash64(F.col("u"), F.col("i"), F.lit(seed + 1)), "i")
        self.frame = (
            indexed.join(sampled, "u", "left")
            .withColumn("n", F.count("*").over(per_user))
            .withColumn("r", F.row_number().over(by_hash))
            .withColumn(
                "held",
                F.coalesce(F.col("val"), F.lit(False))
                & (F.col("n") >= 2)
                & (F.col("r") <= F.bround(F.col("n") * val_frac)),
            )
            .withColumn("val", F.coalesce(F.col("val"), F.lit(False)))
            .select("u", "i", "t", "line", "rating", "val", "held")
            .repartition(self.partitions, "u")
            .persist()
        )
        del rank

    # ---- what the fit reads ------------------------------------------------------------------
    def validation(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        rows = self.frame.filter("val").select("u", "i", "held").toPandas()
        users = np.unique(rows["u"].to_numpy())
        pos = np.searchsorted(users, rows["u"].to_numpy())
        held = rows["held"].to_numpy(bool)

        def build(mask: np.ndarray) -> sp.csr_matrix:
            return sp.csr_matrix(
                (np.ones(mask.sum(), np.float32), (pos[mask], rows["i"].to_numpy()[mask])),
                shape=(len(users), self.n_items),
            )

        return build(~held), build(held)

    def item_counts(self, kept_only: bool) -> np.ndarray:
        frame = self.frame.filter(~F.col("held")) if kept_only else self.frame
        counts = frame.groupBy("i").count().toPandas()
        out = np.zeros(self.n_items, np.float64)
        out[counts["i"].to_numpy()] = counts["count"].to_numpy()
        return out

    def gram(self, kept_only: bool) -> sp.csr_matrix:
        n = self.n_items
        frame = self.frame.filter(~F.col("held")) if kept_only else self.frame

        def partial(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            parts = [b[["u", "i"]] for b in batches]  # a partition holds whole users; batches split them
            if not parts:
                return
            chunk = pd.concat(parts, ignore_index=True)
            users, row = np.unique(chunk["u"].to_numpy(), return_inverse=True)
            x = sp.csr_matrix((np.ones(len(chunk), np.float32), (row, chunk["i"].to_numpy())), shape=(len(users), n))
            g = sp.triu(x.T @ x).tocoo()
            yield pd.DataFrame(
                {"a": g.row.astype(np.int64), "b": g.col.astype(np.int64), "c": g.data.astype(np.float64)}
            )

        summed = (
            frame.select("u", "i")
            .mapInPandas(partial, "a long, b long, c double")
            .groupBy("a", "b")
            .agg(F.sum("c").alias("c"))
        )
        path = str(Path(self.workdir) / f"gram-{'kept' if kept_only else 'all'}")
        summed.write.mode("overwrite").parquet(path)
        table = pq.read_table(path)
        a = table.column("a").to_numpy().astype(np.int32)
        b = table.column("b").to_numpy().astype(np.int32)
        c = table.column("c").to_numpy().astype(np.float32)
        del table
        off = a != b
        g = sp.csr_matrix(
            (np.concatenate([c, c[off]]), (np.concatenate([a, b[off]]), np.concatenate([b, a[off]]))),
            shape=(n, n),
            dtype=np.float32,
        )
        g.sort_indices()
        return g

    def solve(self, g: sp.csr_matrix, lambdas: tuple[float, ...], k: int) -> dict[float, sp.csr_matrix]:
        n = self.n_items
        shared = self.spark.sparkContext.broadcast((g.indptr, g.indices, g.data, g.shape))
        lams = list(lambdas)

        def solve_part(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            indptr, indices, data, shape = shared.value
            gg = sp.csr_matrix((data, indices, indptr), shape=shape)
            for batch in batches:
                triples = solve_columns(gg, batch["id"].to_numpy(), k, lams)
                for li, lam in enumerate(lams):
                    j, i, v = triples[lam]
                    yield pd.DataFrame({"lam": np.full(len(j), li, np.int32), "j": j, "i": i, "v": v})

        path = str(Path(self.workdir) / "neighbours")
        items = self.spark.range(n, numPartitions=self.partitions)
        items.mapInPandas(solve_part, "lam int, j long, i long, v float").write.mode("overwrite").partitionBy(
            "lam"
        ).parquet(path)
        shared.unpersist()
        out = {}
        for li, lam in enumerate(lams):
            t = pq.read_table(str(Path(path) / f"lam={li}"))
            out[lam] = assemble(n, t.column("j").to_numpy(), t.column("i").to_numpy(), t.column("v").to_numpy())
        return out

    def close(self) -> None:
        """Drop the cached frame and the stage files (Gram matrices, neighbour triples)."""
        self.frame.unpersist()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def histories(self) -> HistoryArrays:
        """Every user's history (item order and last rating as the single-machine path keeps them)."""
        frame = (
            self.frame.select("u", "i", "t", "line", "rating").toPandas().sort_values(["u", "t", "line"], kind="stable")
        )
        counts = np.bincount(frame["u"].to_numpy(), minlength=len(self.users))
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return HistoryArrays(
            list(self.users), indptr, frame["i"].to_numpy(np.int64), frame["rating"].to_numpy(np.float64)
        )
