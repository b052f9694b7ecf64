"""A small trained Recommender on ml-100k shared by the tool and agent tests (about 6 s, once)."""

from __future__ import annotations

from functools import lru_cache

from catalogue import load_builtin
from scorer.pipeline import train_recommender
from scorer.recommender import Recommender
from scorer.train import TrainConfig


@lru_cache(maxsize=1)
def tiny_recommender() -> Recommender:
    cat = load_builtin("ml-100k")
    return train_recommender(cat, TrainConfig(lambdas=(300.0,), epochs=20, shrinks=(1.0,)), progress=False)


def catalogue():
    return load_builtin("ml-100k")
