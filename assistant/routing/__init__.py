"""The routing room: how a message becomes a tool call (``Router.decide`` reads the cascade as one table).

- ``rules``: deterministic routes for plain phrasings (EN/ZH); ``titles``: routes decided by the item a message
  names; ``conditions``: constraints and counts read from a message.
- ``intent_model`` (trained at start-up on ``intent_data/*.json``) and ``arguments`` (its tool's arguments,
  read from the message).
- ``prompt``: what the language model is shown when it routes, and the JSON schema of its answer.
"""

from assistant.routing.conditions import Lexicon, constraints_in
from assistant.routing.decision import Decision
from assistant.routing.intent_model import IntentModel, shared_model
from assistant.routing.prompt import ROUTER_SCHEMA, ROUTES
from assistant.routing.router import CONFIDENT, Router
from assistant.routing.rules import fast_route, looks_like_hijack

__all__ = [
    "CONFIDENT",
    "ROUTER_SCHEMA",
    "ROUTES",
    "Decision",
    "IntentModel",
    "Lexicon",
    "Router",
    "constraints_in",
    "fast_route",
    "looks_like_hijack",
    "shared_model",
]
