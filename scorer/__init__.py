"""The trained scorer and its exact attribution (see DEVELOPERS.md, "Contracts between packages").

from scorer import Recommender, explain
rec = Recommender.load(path)             # or scorer.pipeline.load_active(home)
rec.recommend("42", k=10)                # [Recommendation(item_id, title, score, rank)]
explain(rec, "42", "50")                 # Explanation: contributions that sum to the score
"""

from scorer.attribution import Contribution, Delta, Explanation, WhatIf, WhyNot, explain, profile, what_if, why_not
from scorer.recommender import History, Recommendation, Recommender, UserRef

__all__ = [
    "Contribution",
    "Delta",
    "Explanation",
    "History",
    "Recommendation",
    "Recommender",
    "UserRef",
    "WhatIf",
    "WhyNot",
    "explain",
    "profile",
    "what_if",
    "why_not",
]
