"""Counter-based random numbers: a uniform draw is a pure function of its keys.

``uniform(seed, a, b, c)`` hashes the four 64-bit keys with the SplitMix64
finaliser (Steele, Lea and Flood 2014) and maps the top 53 bits to [0, 1).
Because a draw depends only on (seed, unit, stream, purpose), results do not
depend on thread count, chunking or worker layout, and a unit keeps its draw
when a rate changes (take-up at 0.6 implies take-up at 0.7).
"""

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# purposes of draws (the fourth key)
TAKE_UP = 1
ROLLOUT = 2
EXCLUSION = 3
INCLUSION = 4
PREGNANCY = 5
DISABILITY = 6
BIRTH_MONTH = 7  # a record's month of birth (months within the year)
BIRTH_IN_YEAR = 8  # the month of a birth drawn for a woman in a year (pregnancy by month)


@njit(cache=True)
def mix64(z):
    """SplitMix64 finaliser of a uint64."""
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def uniform(seed, a, b, c):
    """A uniform draw in [0, 1) keyed by four uint64 values."""
    h = mix64(seed)
    h = mix64(h ^ a)
    h = mix64(h ^ b)
    h = mix64(h ^ c)
    return float(h >> _S11) * _TO_UNIT


@njit(cache=True)
def uniform_units(seed, units, b, c):
    """``uniform(seed, unit, b, c)`` for each unit id of an int64 array."""
    out = np.empty(units.shape[0])
    useed = np.uint64(seed)
    for i in range(units.shape[0]):
        out[i] = uniform(useed, np.uint64(units[i]), np.uint64(b), np.uint64(c))
    return out


#: tag mixed into every record key (keeps keys apart from other uses of the hash)
_RECORD_TAG = np.uint64(0x1D3E7A1C0FFEE)


@njit(cache=True)
def record_keys(household, entry, rank):
    """Stable 63-bit keys (int64 >= 0) of records identified by (household id, entry
    year, rank among the household's records entering that year): the ``unit`` key of
    their draws. A key depends on nothing else (not on positions or other records)."""
    out = np.empty(household.shape[0], dtype=np.int64)
    for i in range(household.shape[0]):
        h = mix64(_RECORD_TAG ^ np.uint64(household[i]))
        h = mix64(h ^ np.uint64(entry[i]))
        h = mix64(h ^ np.uint64(rank[i]))
        out[i] = np.int64(h >> np.uint64(1))
    return out
