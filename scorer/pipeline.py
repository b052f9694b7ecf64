"""From a catalogue to a trained, saved Recommender; and where models live under the home folder."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import numpy as np
import scipy.sparse as sp

from because.errors import DataError, InputError, ModelFileError
from catalogue import Catalogue
from scorer.features import build_features
from scorer.recommender import History, Recommender
from scorer.train import TrainConfig, train_scorer

ACTIVE_FILE = "ACTIVE"


def model_path(home: Path, dataset: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in dataset)
    return home / "models" / safe / "model.pt"


def active_dataset(home: Path) -> str | None:
    """The name of the catalogue the active model was trained on, or None when nothing was trained here."""
    marker = Path(home) / "models" / ACTIVE_FILE
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else None


def active_model_path(home: Path) -> Path:
    """The model `because train` saved last (recorded in <home>/models/ACTIVE)."""
    marker = home / "models" / ACTIVE_FILE
    if not marker.exists():
        raise ModelFileError(
            f"no trained model under {home}.", "run `because train` first (or pass the --home you trained with)."
        )
    return model_path(home, marker.read_text(encoding="utf-8").strip())


def interaction_matrix(cat: Catalogue) -> tuple[sp.csr_matrix, list[str], dict[str, History]]:
    """Binary users x items matrix in ``cat.items`` order, user ids, and each user's history (last rating wins)."""
    inter = cat.interactions
    if inter.empty:
        raise DataError(
            "the interactions table is empty; nothing to learn from.", "supply at least a few user-item interactions."
        )
    item_pos = {item: i for i, item in enumerate(cat.items.index)}
    ordered = inter.sort_values("timestamp", kind="stable") if inter["timestamp"].notna().any() else inter
    histories: dict[str, History] = {}
    for user, item, rating in zip(ordered["user_id"], ordered["item_id"], ordered["rating"]):
        histories.setdefault(user, {})[item] = None if rating != rating else float(rating)
    users = sorted(histories)
    rows = [u for u, user in enumerate(users) for _ in histories[user]]
    cols = [item_pos[item] for user in users for item in histories[user]]
    x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(users), len(item_pos)))
    return x, users, histories


def dense_training_bytes(n_users: int, n_items: int) -> int:
    """What the single-machine trainer holds at once: float32 users x items matrices (kept, held out, scores)
    and float64 items x items ones (the Gram matrix and its inverse)."""
    return 3 * 4 * n_users * n_items + 2 * 8 * n_items * n_items


def check_fits_in_memory(n_users: int, n_items: int, available: int | None = None) -> None:
    """InputError naming --engine spark when the dense trainer cannot fit this machine's memory."""
    if available is None:
        try:
            available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            return
    need = dense_training_bytes(n_users, n_items)
    if need > available:
        raise InputError(
            f"{n_users} users x {n_items} items is too large to train on this machine: the single-machine trainer "
            f"needs about {need / 2**30:.0f} GiB of memory, this machine has {available / 2**30:.0f} GiB.",
            "train with `because train --engine spark` (a sparse item-item term; see docs/deploy.md).",
        )


def train_recommender(
    cat: Catalogue,
    cfg: TrainConfig = TrainConfig(),
    *,
    progress: bool = True,
    log: Callable[[str], None] = lambda _m: None,
) -> Recommender:
    """Build features, train the scorer on every interaction, and wrap it for serving."""
    if cat.items.empty:
        raise DataError("the catalogue has no items.", "supply an items file with at least one row.")
    start = time.perf_counter()
    space = build_features(cat.items, cat.schema, min_count=cfg.min_feature_count, n_bins=cfg.n_bins)
    x, _users, histories = interaction_matrix(cat)
    log(f"{cat.name}: {x.shape[0]} users, {x.shape[1]} items, {x.nnz} interactions, {len(space)} features")
    check_fits_in_memory(*x.shape)
    params, report = train_scorer(x, space.matrix, cfg, progress=progress, log=log)
    meta = {
        "config": cfg.to_dict(),
        "lambda": report.lam,
        "side_term_shrink": report.shrink,
        "validation_ndcg_at_10": report.val_ndcg,
        "validation_ndcg_at_10_ease": report.val_ndcg_ease,
        "train_seconds": time.perf_counter() - start,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return Recommender(
        dataset=cat.name,
        item_ids=[str(i) for i in cat.items.index],
        titles=[str(t) for t in cat.items["title"]],
        feature_names=space.names,
        feature_labels=space.labels,
        feature_columns=space.columns,
        params=params,
        popularity=np.asarray(x.sum(axis=0)).ravel().astype(np.float32),
        histories=histories,
        meta=meta,
    )


def save_active(rec: Recommender, home: Path) -> Path:
    """Save the model under the home folder and mark it as the one to serve."""
    path = model_path(home, rec.dataset)
    rec.save(path)
    marker = home / "models" / ACTIVE_FILE
    tmp = marker.with_suffix(".tmp")
    try:
        tmp.write_text(rec.dataset, encoding="utf-8")
        tmp.replace(marker)
    except OSError as err:  # the marker still names the previous model, which is intact
        tmp.unlink(missing_ok=True)
        raise ModelFileError(
            f"saved {path} but could not mark it active ({err}).",
            "free some disk space and train again; the previously active model stays in use.",
        ) from err
    return path


def load_active(home: Path) -> Recommender:
    """The model ``save_active`` marked under ``home``; ``ModelFileError`` if there is none or it is broken."""
    return Recommender.load(active_model_path(home))


def training_catalogue(rec: Recommender) -> Catalogue:
    """The catalogue ``rec`` was trained on (built-in set or the files its metadata names).

    Raises ``DataError`` when those files are gone or changed shape since training.
    """
    from catalogue import BUILTINS, load_builtin, load_files

    if rec.dataset in BUILTINS:
        return load_builtin(rec.dataset)
    files = rec.meta.get("files") or {}
    if not (files.get("items") and files.get("interactions")):
        raise DataError(
            f"the model '{rec.dataset}' does not say which files it was trained on.",
            "train it again with `because train --items ... --interactions ...`.",
        )
    return load_files(files["items"], files["interactions"], schema_path=files.get("schema"))
