"""Specs of the analysis tables ([sensitivity], [uncertainty]): sensitivity cases,
tables keyed by scenario key paths, probability distributions, and the few numeric
helpers their checks share (normal CDF, lognormal parameters, rank -> Pearson)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, did_you_mean
from .specs import Context, Number, Spec, _bounds, _is_number, _num, _show

#: each distribution's (required, optional) fields; see docs/uncertainty.md
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("mean", "sd"), ("low", "high")),
    "beta": (("alpha", "beta"), ("low", "high")),
    "discrete": (("values",), ("weights",)),
}
#: top-level tables that declare analyses rather than model inputs: never uncertain
ANALYSIS_TABLES = ("sensitivity", "uncertainty")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def quote_key(path: str) -> str:
    """``path`` as one TOML key: bare when it can be, else in double quotes."""
    return path if _BARE_KEY.match(path) else '"' + path.replace('"', '\\"') + '"'


def _phi(z: float) -> float:
    """The standard normal CDF (accurate in both tails)."""
    import math

    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def lognormal_log_params(mean: float, sd: float) -> tuple[float, float]:
    """(mu, sigma) of log X for a lognormal X with the given mean and sd of X itself:
    sigma^2 = ln(1 + sd^2 / mean^2), mu = ln(mean) - sigma^2 / 2."""
    import math

    sigma2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


@dataclass(frozen=True)
class Distributions(Spec):
    """A table ``"key.path" = { distribution = "...", <its fields> }`` (quoted dotted keys
    stay one key; unquoted dotted keys nest and are joined back)."""

    def type_name(self) -> str:
        return 'a table of "key.path" = { distribution = "...", ... }'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, dict[str, Any] | None] = {}

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict) and "distribution" not in v and v and all(
                    isinstance(x, dict) for x in v.values()
                ):
                    visit(v, path)  # unquoted dotted keys nest in TOML
                elif path in out:  # "a.b" = {...} and [....a] b = {...}
                    ctx.bad(f"{key}.{quote_key(path)}", "a parameter declared once", v)
                else:
                    out[path] = self.one(v, ctx, key, path)

        visit(value, "")
        if not out:
            ctx.bad(key, "at least one parameter", "an empty table", raw=True)
        return out

    @staticmethod
    def one(v: Any, ctx: Context, key: str, path: str) -> dict[str, Any] | None:
        """One parameter's distribution, or None (problems reported)."""
        name = f"{key}.{quote_key(path)}"
        full = f"{key}.{path}"  # the key as the origins know it

        def bad(field_: str, expected: str, found: Any, hint: str = "",
                raw: bool = False) -> None:
            shown = str(found) if raw else _show(found)
            ctx.problems.append(Problem(ctx.origin(f"{full}.{field_}" if field_ else full),
                                        f"{name}.{field_}" if field_ else name, expected,
                                        shown, hint))

        if path.split(".")[0] in ANALYSIS_TABLES:
            bad("", "a key outside [sensitivity] and [uncertainty]", path)
            return None
        if not isinstance(v, dict):
            bad("", 'a table { distribution = "...", ... }', v)
            return None
        kinds = tuple(DISTRIBUTIONS)
        kind = v.get("distribution")
        if not isinstance(kind, str | None):
            bad("distribution", "one of " + ", ".join(repr(c) for c in kinds), kind)
            return None
        if kind is None:
            bad("distribution", "one of " + ", ".join(repr(c) for c in kinds), "nothing",
                raw=True)
            return None
        if kind not in DISTRIBUTIONS:
            bad("distribution", "one of " + ", ".join(repr(c) for c in kinds), kind,
                did_you_mean(str(kind), kinds))
            return None
        required, optional = DISTRIBUTIONS[kind]
        allowed = (*required, *optional)
        n0 = len(ctx.problems)
        for k in v:
            if k != "distribution" and k not in allowed:
                bad(k, f"a key of a {kind} distribution", "an unknown key",
                    did_you_mean(str(k), list(allowed)), raw=True)
        if kind == "discrete":
            parsed = Distributions.discrete(v, bad)
            return None if len(ctx.problems) > n0 or parsed is None else parsed
        positive = Number(min=0, min_open=True)
        specs = {"low": Number(), "high": Number(), "mode": Number(), "mean": Number(),
                 "sd": positive, "alpha": positive, "beta": positive}
        if kind == "lognormal":
            specs["mean"] = positive
        n1 = len(ctx.problems)
        p: dict[str, float] = {}
        for k in allowed:
            if k not in v:
                if k in required:
                    bad(k, specs[k].type_name(), "nothing", raw=True)
                continue
            sub = Context(lambda _k: "", [])
            parsed = specs[k].parse(v[k], sub, k)
            if sub.problems:
                bad(k, sub.problems[0].expected, v[k])
            else:
                p[k] = parsed
        if len(ctx.problems) > n1:
            return None
        lo, hi = p.get("low"), p.get("high")
        if kind == "beta":
            lo, hi = (0.0 if lo is None else lo), (1.0 if hi is None else hi)
            p["low"], p["high"] = lo, hi
        if lo is not None and hi is not None and lo >= hi:
            bad("high", f"a number > low ({_num(lo)})", v.get("high", hi))
            return None
        if kind == "triangular" and not lo <= p["mode"] <= hi:
            bad("mode", f"a number in [low, high] = [{_num(lo)}, {_num(hi)}]", p["mode"])
            return None
        if len(ctx.problems) > n0:
            return None
        if kind in ("normal", "lognormal") and (lo is not None or hi is not None):
            if kind == "normal":
                mu, sigma = p["mean"], p["sd"]
                z = [(lo - mu) / sigma if lo is not None else None,
                     (hi - mu) / sigma if hi is not None else None]
            else:
                if hi is not None and hi <= 0:
                    bad("high", "a number > 0 (a lognormal variable is positive)", hi)
                    return None
                mu, sigma = lognormal_log_params(p["mean"], p["sd"])
                z = [None if lo is None or lo <= 0 else (_log(lo) - mu) / sigma,
                     None if hi is None else (_log(hi) - mu) / sigma]
            mass = (1.0 if z[1] is None else _phi(z[1])) - (0.0 if z[0] is None else _phi(z[0]))
            if z[0] is not None and z[1] is None:
                mass = _phi(-z[0])  # the upper tail, accurately
            if mass < 1e-9:
                bad("", "bounds low, high that hold some of the distribution",
                    f"P(low <= X <= high) = {mass:.2g}", raw=True)
                return None
        return {"distribution": kind, **p}

    @staticmethod
    def discrete(v: dict, bad: Callable[..., None]) -> dict[str, Any] | None:
        values = v.get("values")
        expected = "a non-empty list of values (numbers, strings, lists or tables)"
        if values is None:
            bad("values", expected, "nothing", raw=True)
            return None
        ok = isinstance(values, list) and values and all(
            isinstance(x, str | bool | list | dict)
            or (_is_number(x) and x == x and abs(x) != float("inf")) for x in values)
        if not ok:
            bad("values", expected, values)
            return None
        seen = [repr((type(x) is str, x)) for x in values]
        if len(set(seen)) != len(seen):
            bad("values", "different values", values)
            return None
        weights = v.get("weights")
        if weights is None:
            return {"distribution": "discrete", "values": tuple(values),
                    "weights": tuple(1.0 / len(values) for _ in values)}
        if not (isinstance(weights, list) and all(_is_number(w) for w in weights)):
            bad("weights", "a list of numbers >= 0 summing to 1", weights)
            return None
        if len(weights) != len(values):
            bad("weights", f"{len(values)} weights (one a value)", weights)
            return None
        if any(not w >= 0 or w == float("inf") for w in weights):
            bad("weights", "numbers >= 0", weights)
            return None
        total = float(sum(weights))
        if abs(total - 1.0) > 1e-9:
            bad("weights", "weights summing to 1", f"a sum of {total:.12g}", raw=True)
            return None
        return {"distribution": "discrete", "values": tuple(values),
                "weights": tuple(float(w) for w in weights)}


def _log(x: float) -> float:
    import math

    return math.log(x)


def rank_to_pearson(rank: float) -> float:
    """The normal-score (Pearson) correlation whose Spearman correlation is ``rank``:
    2 sin(pi rank / 6)."""
    import math

    return 2.0 * math.sin(math.pi * rank / 6.0)


#: a sensitivity case: costs+10%, benefits-25%, delay+1 (benefits one year later);
#: several joined by "&" apply together ("costs+10%&benefits-10%")
CASE_PART = re.compile(r"^(?:(costs|benefits)([+-])(\d+(?:\.\d+)?)%|delay\+(\d+))$")
WORLD_BANK_CASES = ("costs+10%", "costs+25%", "benefits-10%", "benefits-25%", "delay+1")


@dataclass(frozen=True)
class Cases(Spec):
    """A list of sensitivity case names (see :data:`CASE_PART`)."""

    def type_name(self) -> str:
        return ("a list of cases such as 'costs+10%', 'benefits-25%', 'delay+1' (parts "
                "joined by '&' apply together)")

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, list):
            ctx.bad(key, self.type_name(), value)
            return None
        out = []
        for i, case in enumerate(value):
            ok = isinstance(case, str) and case and all(
                CASE_PART.match(p.strip()) for p in case.split("&"))
            if not ok:
                ctx.bad(f"{key}[{i}]", "a case such as 'costs+10%', 'benefits-25%' or "
                        "'delay+1' (parts joined by '&')", case)
                continue
            if case == "base" or case in out:
                ctx.bad(f"{key}[{i}]", "a case named once (base is always included)", case)
                continue
            out.append(case)
        return tuple(out)


@dataclass(frozen=True)
class KeyRanges(Spec):
    """A table ``"key.path" = [low, high]`` of scenario keys (or "costs", "benefits")."""

    def type_name(self) -> str:
        return 'a table of "key.path" = [low, high]'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, tuple[float, float]] = {}

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict):  # unquoted dotted keys nest in TOML
                    visit(v, path)
                elif (isinstance(v, list) and len(v) == 2 and all(map(_is_number, v))
                      and all(x == x and abs(x) != float("inf") for x in v)):
                    if v[0] > v[1]:
                        ctx.bad(f"{key}.{path}", "a pair [low, high] with low <= high", v)
                    else:
                        out[path] = (float(v[0]), float(v[1]))
                else:
                    ctx.bad(f"{key}.{path}", "a pair [low, high] of numbers", v)

        visit(value, "")
        return out


@dataclass(frozen=True)
class KeyNumbers(Spec):
    """A table ``"key.path" = number`` of scenario keys (a percent swing each)."""

    min: float | None = None
    max: float | None = None

    def type_name(self) -> str:
        return f'a table of "key.path" = number{_bounds(self.min, self.max)}'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, float] = {}
        inner = Number(min=self.min, max=self.max, min_open=True)

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict):  # unquoted dotted keys nest in TOML
                    visit(v, path)
                else:
                    parsed = inner.parse(v, ctx, f"{key}.{quote_key(path)}")
                    if parsed is not None:
                        out[path] = parsed

        visit(value, "")
        return out


@dataclass(frozen=True)
class KeyTables(Spec):
    """A table ``"key.path" = { ... }`` of scenario keys, each checked against ``item``
    (a nested table holding ``marker`` is a leaf; others are unquoted dotted keys)."""

    item: Spec = field(default_factory=Spec)
    marker: str = "process"

    def type_name(self) -> str:
        return f'a table of "key.path" = {{ {self.marker} = ..., ... }}'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, Any] = {}

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict) and self.marker not in v and v and all(
                        isinstance(x, dict) for x in v.values()):
                    visit(v, path)
                elif path.split(".")[0] in ANALYSIS_TABLES:
                    ctx.bad(f"{key}.{quote_key(path)}", "a key outside [sensitivity] and "
                            "[uncertainty]", path)
                else:
                    out[path] = self.item.parse(v, ctx, f"{key}.{quote_key(path)}")

        visit(value, "")
        return out
