-- Creates counted_quantiles(t, fractions): per key k of the table or view named t, which holds how many calls (c)
-- had each value (v), the quantiles at each fraction, in a list in the order asked: linear interpolation between
-- ranks, as quantile_cont computes it over the calls themselves.
CREATE OR REPLACE TEMP MACRO counted_quantiles(t, fractions) AS TABLE
WITH distinct_values AS (
    SELECT k, v, sum(c) AS c FROM query_table(t) GROUP BY ALL
), ranked AS (
    -- the calls below each value: value v holds the ranks below .. below + c - 1 of the sorted calls
    SELECT k, v, c,
        sum(c) OVER (PARTITION BY k ORDER BY v ROWS UNBOUNDED PRECEDING) - c AS below,
        sum(c) OVER (PARTITION BY k) AS n
    FROM distinct_values
), positions AS (
    -- quantile_cont's rank: (n - 1) x q, between the values at its floor and its ceiling
    SELECT g.k, f.i, (g.n - 1) * f.q AS rn
    FROM (SELECT DISTINCT k, n FROM ranked) AS g
    CROSS JOIN (SELECT generate_subscripts(fractions, 1) AS i, CAST(unnest(fractions) AS DOUBLE) AS q) AS f
), low_ends AS MATERIALIZED (
    -- each end found on its own before the two meet: joined in one step, a planner without row counts (a team
    -- store's tables) may pair every value with every other value of its key first
    SELECT p.k, p.i, p.rn, lo.v FROM positions AS p
    JOIN ranked AS lo ON lo.k = p.k AND floor(p.rn) >= lo.below AND floor(p.rn) < lo.below + lo.c
), high_ends AS MATERIALIZED (
    SELECT p.k, p.i, hi.v FROM positions AS p
    JOIN ranked AS hi ON hi.k = p.k AND ceil(p.rn) >= hi.below AND ceil(p.rn) < hi.below + hi.c
), interpolated AS (
    SELECT lo.k, lo.i, lo.v + (lo.rn - floor(lo.rn)) * (hi.v - lo.v) AS value
    FROM low_ends AS lo JOIN high_ends AS hi ON hi.k = lo.k AND hi.i = lo.i
)
SELECT k, list(value ORDER BY i) AS q FROM interpolated GROUP BY k
