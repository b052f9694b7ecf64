"""A small hand-made catalogue (same shape as catalogue.Catalogue) for tests of the store and its users."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SCHEMA = {"genres": "multi", "year": "numeric", "runtime": "numeric", "mpaa": "category", "imdb_rating": "numeric"}

# id, title, description, genres, year, runtime, mpaa, imdb_rating
ROWS = [
    (
        "1",
        "Toy Story (1995)",
        "A cowboy doll is jealous when a new spaceman action figure becomes the boy's favourite toy.",
        ("Animation", "Children's", "Comedy"),
        1995,
        81,
        "G",
        8.2,
    ),
    ("2", "GoldenEye (1995)", "", ("Action", "Adventure", "Thriller"), 1995, 130, "PG-13", 7.2),
    ("3", "Unforgiven (1992)", "", ("Western",), 1992, 131, "R", 8.2),
    (
        "4",
        "The Good, the Bad and the Ugly (1966)",
        "Three gunslingers race to find buried Confederate gold in the desert.",
        ("Western",),
        1966,
        161,
        "R",
        8.8,
    ),
    ("5", "Tombstone (1993)", "", ("Western", "Action"), 1993, 130, "R", 7.8),
    ("6", "Dances with Wolves (1990)", "", ("Western", "Drama", "Adventure"), 1990, 181, "PG-13", 8.0),
    ("7", "Blazing Saddles (1974)", "", ("Western", "Comedy"), 1974, 93, "R", 7.7),
    (
        "8",
        "Alien (1979)",
        "The crew of a commercial spaceship is hunted by a deadly creature.",
        ("Sci-Fi", "Horror"),
        1979,
        117,
        "R",
        8.4,
    ),
    ("9", "The Shining (1980)", "", ("Horror",), 1980, 146, "R", 8.4),
    ("10", "Scream (1996)", "", ("Horror", "Thriller"), 1996, 111, "R", 7.2),
    ("11", "Star Wars (1977)", "", ("Action", "Adventure", "Sci-Fi", "War"), 1977, 121, "PG", 8.6),
    ("12", "Blade Runner (1982)", "", ("Film-Noir", "Sci-Fi"), 1982, 117, "R", 8.1),
    ("13", "The Maltese Falcon (1941)", "", ("Film-Noir", "Mystery"), 1941, 100, None, 8.1),
    ("14", "Casablanca (1942)", "", ("Drama", "Romance", "War"), 1942, 102, "PG", 8.5),
    ("15", "When Harry Met Sally... (1989)", "", ("Comedy", "Romance"), 1989, 96, "R", 7.6),
    ("16", "Sleepless in Seattle (1993)", "", ("Comedy", "Romance"), 1993, 105, "PG", 6.8),
    ("17", "The Sound of Music (1965)", "", ("Musical",), 1965, 174, "G", 8.0),
    ("18", "Singin' in the Rain (1952)", "", ("Comedy", "Musical", "Romance"), 1952, 103, None, 8.3),
    ("19", "Hoop Dreams (1994)", "", ("Documentary",), 1994, 170, "PG-13", 8.3),
    ("20", "Crumb (1994)", "", ("Documentary",), 1994, 119, "R", 8.0),
    ("21", "Platoon (1986)", "", ("Drama", "War"), 1986, 120, "R", 8.1),
    ("22", "Apocalypse Now (1979)", "", ("Drama", "War"), 1979, 153, "R", 8.4),
    ("23", "The Lion King (1994)", "", ("Animation", "Children's", "Musical"), 1994, 88, "G", 8.3),
    ("24", "Aladdin (1992)", "", ("Animation", "Children's", "Comedy", "Musical"), 1992, 90, "G", 7.8),
    ("25", "Fargo (1996)", "", ("Crime", "Drama", "Thriller"), 1996, 98, "R", 8.3),
    ("26", "Pulp Fiction (1994)", "", ("Crime", "Drama"), 1994, 154, "R", 8.9),
    ("27", "Heat (1995)", "", ("Action", "Crime", "Thriller"), 1995, 170, "R", 8.2),
    (
        "28",
        "Babe (1995)",
        "A pig raised by sheepdogs learns to herd sheep.",
        ("Children's", "Comedy", "Drama"),
        1995,
        92,
        "G",
        6.8,
    ),
    (
        "29",
        "Jaws (1975)",
        "A giant great white shark terrorises a seaside resort town.",
        ("Action", "Horror"),
        1975,
        124,
        "PG",
        8.0,
    ),
    ("30", "Mystery Item (1998)", "", (), 1998, None, None, None),
]


@dataclass
class SmallCatalogue:
    name: str
    items: pd.DataFrame
    schema: dict[str, str] = field(default_factory=lambda: dict(SCHEMA))


def small_items() -> pd.DataFrame:
    frame = pd.DataFrame(
        ROWS, columns=["item_id", "title", "description", "genres", "year", "runtime", "mpaa", "imdb_rating"]
    ).set_index("item_id")
    frame["year"] = frame["year"].astype("float64")
    frame["runtime"] = frame["runtime"].astype("float64")
    return frame


def small_catalogue(name: str = "tiny-shop") -> SmallCatalogue:
    return SmallCatalogue(name, small_items())
