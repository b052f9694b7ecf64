"""Training on Apache Spark: `because train --engine spark` for catalogues and logs that outgrow one machine.

The model is the same additive scorer (``scorer.model``) with a sparse item-item term: each item's
column of B is a ridge regression on its k nearest neighbours only (EASE restricted to a neighbourhood;
EASE itself is that regression on every other item), so B has n x k entries instead of n x n.

    read       (spark)  items + interactions files, checked by the catalogue's own validators per chunk
    gram       (spark)  co-occurrence counts X^T X, summed from per-partition sparse products
    neighbours (spark)  each item's top-k neighbours and its k x k ridge solve, in tasks
    side terms (driver) alpha, W, c, beta on a sample of users, among each user's top candidates

Nothing here is imported by the single-machine path; pyspark and a Java 17 runtime are only needed here.
"""
