"""Country profiles: the demographic, macro and welfare figures of a country.

The format is documented in ``docs/profiles.md``; files live in
``simulate/data/profiles/<code>.toml``. Every figure must have a source in the
profile's ``[sources]`` table (checked here and in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError, Problem, did_you_mean
from ..scenario import schema as S
from ..scenario.loader import read_toml
from ..scenario.paths import YearPath

PROFILE_DIR = Path(__file__).resolve().parent.parent / "data" / "profiles"
N_GROUPS = 17  # 0-4, ..., 75-79, 80+
N_FERTILE_GROUPS = 7  # 15-19, ..., 45-49

_SEXES = S.Table(fields={"female": S.Path(min=15, max=100, default=S.REQUIRED),
                         "male": S.Path(min=15, max=100, default=S.REQUIRED)})


@dataclass(frozen=True)
class _NumberList(S.Spec):
    length: int = 0
    min: float = 0.0

    def type_name(self) -> str:
        return f"a list of {self.length} numbers >= {self.min:g}"

    def parse(self, value: Any, ctx: S.Context, key: str) -> Any:
        ok = (isinstance(value, list) and len(value) == self.length
              and all(S._is_number(x) and x >= self.min for x in value))
        if not ok:
            ctx.bad(key, self.type_name(), value)
            return None
        return np.asarray(value, dtype=np.float64)


@dataclass(frozen=True)
class _Regions(S.Spec):
    def type_name(self) -> str:
        return "{ names = [...], shares = [...] } with shares summing to 1"

    def parse(self, value: Any, ctx: S.Context, key: str) -> Any:
        if not isinstance(value, dict) or set(value) != {"names", "shares"}:
            ctx.bad(key, self.type_name(), value)
            return None
        names, shares = value["names"], value["shares"]
        if (not isinstance(names, list) or not isinstance(shares, list)
                or len(names) != len(shares) or not names
                or not all(isinstance(n, str) for n in names)
                or not all(S._is_number(x) and x >= 0 for x in shares)
                or abs(sum(shares) - 1) > 1e-3 or len(set(names)) != len(names)):
            ctx.bad(key, self.type_name(), value)
            return None
        return tuple(names), np.asarray(shares, dtype=np.float64) / sum(shares)


@dataclass(frozen=True)
class _PopulationHistory(S.Spec):
    """``{ year = { female = [17 numbers], male = [17 numbers] } }``."""

    def type_name(self) -> str:
        return f"a table of year = {{ female = [{N_GROUPS} numbers], male = [{N_GROUPS} numbers] }}"

    def parse(self, value: Any, ctx: S.Context, key: str) -> Any:
        if not isinstance(value, dict) or not value:
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        lists = _NumberList(length=N_GROUPS)
        for k, v in value.items():
            year = S._parse_year(k, ctx, key)
            if not isinstance(v, dict) or set(v) != {"female", "male"}:
                ctx.bad(f"{key}.{k}", f"{{ female = [{N_GROUPS} numbers], male = [...] }}", v)
                continue
            f = lists.parse(v["female"], ctx, f"{key}.{k}.female")
            m = lists.parse(v["male"], ctx, f"{key}.{k}.male")
            if year is not None and f is not None and m is not None:
                out[year] = (f, m)
        return out


PROFILE = S.Table(fields={
    "country": S.Table(default=S.REQUIRED, fields={
        "code": S.Text(default=S.REQUIRED),
        "name": S.Text(default=S.REQUIRED),
        "currency": S.Text(default=S.REQUIRED),
        "base_year": S.Number(min=1950, max=2200, integer=True, default=S.REQUIRED),
    }),
    "population": S.Table(default=S.REQUIRED, fields={
        "female": _NumberList(length=N_GROUPS, default=S.REQUIRED),
        "male": _NumberList(length=N_GROUPS, default=S.REQUIRED),
    }),
    "fertility": S.Table(default=S.REQUIRED, fields={
        "tfr": S.Path(min=0, max=10, default=S.REQUIRED),
        "asfr_distribution": _NumberList(length=N_FERTILE_GROUPS, default=S.REQUIRED),
        "sex_ratio_at_birth": S.Number(min=0.8, max=1.3, default=1.05),
    }),
    "mortality": S.Table(default=S.REQUIRED, fields={
        "life_expectancy": _SEXES,
        "infant_mortality": S.Table(default=S.REQUIRED, fields={
            "female": S.Number(min=0.0005, max=0.3, default=S.REQUIRED),
            "male": S.Number(min=0.0005, max=0.3, default=S.REQUIRED),
        }),
    }),
    "macro": S.Table(default=S.REQUIRED, fields={
        "gdp": S.Number(min=0, min_open=True, default=S.REQUIRED),
        "real_gdp_growth": S.Path(min=-0.5, max=0.5, default=S.REQUIRED),
        "inflation": S.Path(min=-0.5, max=10, default=S.REQUIRED),
        "exchange_rate": S.Path(min=0, min_open=True, default=S.REQUIRED),
        "revenue_pct_gdp": S.Path(min=0, max=1, default=S.REQUIRED),
        "expenditure_pct_gdp": S.Path(min=0, max=1, default=S.REQUIRED),
    }),
    "welfare": S.Table(default=S.REQUIRED, fields={
        "poverty_line": S.Number(min=0, min_open=True, default=S.REQUIRED),
        "poverty_rate": S.Number(min=0.001, max=0.999, default=S.REQUIRED),
        "gini": S.Number(min=0.05, max=0.8, default=S.REQUIRED),
    }),
    "households": S.Table(default=S.REQUIRED, fields={
        "mean_size": S.Number(min=1.5, max=12, default=S.REQUIRED),
        "urban_share": S.Number(min=0, max=1, default=S.REQUIRED),
        "disability_prevalence": S.Number(min=0, max=0.5, default=S.REQUIRED),
        "regions": _Regions(default=None),
    }),
    "history": S.Table(default={}, fields={
        "population": _PopulationHistory(default=None),
        "gdp": S.Path(min=0, min_open=True, default=None),
        "poverty_rate": S.Path(min=0.001, max=0.999, default=None),
        "gini": S.Path(min=0.05, max=0.8, default=None),
        "back_projection": S.Number(min=1900, max=2200, integer=True, default=None),
    }),
    "sources": S.Spec(default=S.REQUIRED),
})


class _AnyTable(S.Spec):
    def parse(self, value: Any, ctx: S.Context, key: str) -> Any:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
        ):
            ctx.bad(key, "a table of key path = source text", value)
            return None
        return dict(value)


PROFILE.fields["sources"] = _AnyTable(default=S.REQUIRED)


@dataclass(frozen=True)
class Profile:
    """A validated country profile (units as in docs/profiles.md)."""

    code: str
    name: str
    currency: str
    base_year: int
    female: np.ndarray  # persons by five-year group, base_year
    male: np.ndarray
    tfr: YearPath
    asfr_distribution: np.ndarray
    sex_ratio_at_birth: float
    life_expectancy_female: YearPath
    life_expectancy_male: YearPath
    infant_mortality_female: float
    infant_mortality_male: float
    gdp: float
    real_gdp_growth: YearPath
    inflation: YearPath
    exchange_rate: YearPath
    revenue_pct_gdp: YearPath
    expenditure_pct_gdp: YearPath
    poverty_line: float
    poverty_rate: float
    gini: float
    mean_household_size: float
    urban_share: float
    disability_prevalence: float
    region_names: tuple[str, ...]
    region_shares: np.ndarray
    sources: dict[str, str]
    path: Path
    # [history] (docs/profiles.md "History"): earlier years' figures, all optional
    history_population: dict[int, tuple[np.ndarray, np.ndarray]] | None = None
    history_gdp: YearPath | None = None
    history_poverty_rate: YearPath | None = None
    history_gini: YearPath | None = None
    history_back_projection: int | None = None  # first year served by back-projection

    @property
    def total_population(self) -> float:
        """Persons in base_year."""
        return float(self.female.sum() + self.male.sum())


def figure_paths(doc: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of every figure in a profile document (tables of numbers are one figure)."""
    out = []
    for k, v in doc.items():
        if not prefix and k in ("sources", "country"):
            continue
        path = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and not all(str(x).isdigit() for x in v) and k != "regions":
            out.extend(figure_paths(v, path))
        else:
            out.append(path)
    if not prefix and "country" in doc and "base_year" in doc["country"]:
        out.append("country.base_year")
    return out


def unsourced(doc: dict[str, Any]) -> list[str]:
    """Figures of a profile document that no ``[sources]`` entry covers."""
    sources = doc.get("sources", {})
    missing = []
    for path in figure_paths(doc):
        parts = path.split(".")
        if not any(".".join(parts[:i]) in sources for i in range(1, len(parts) + 1)):
            missing.append(path)
    return missing


def available() -> list[str]:
    """Codes of the profiles shipped with the package."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def load_profile(name: str, base_dir: Path | None = None, where: str = "scenario") -> Profile:
    """A shipped profile by code (``"lao"``) or a profile file by path.

    ``where`` names the file that asked for it, for the error message.
    """
    candidate = Path(name)
    if candidate.suffix == ".toml":
        path = candidate if candidate.is_absolute() else (base_dir or Path.cwd()) / candidate
    else:
        path = PROFILE_DIR / f"{name.lower()}.toml"
    if not path.exists():
        raise DataError(Problem(where, "scenario.country", "a country profile",
                                repr(name), did_you_mean(name, available())))
    return _load(path.resolve())


@lru_cache(maxsize=16)
def _load(path: Path) -> Profile:
    doc = read_toml(path)
    ctx = S.Context(lambda key: str(path))
    v = PROFILE.parse(doc, ctx, "")
    if not ctx.problems:
        for key in unsourced(doc):
            ctx.bad(key, "an entry in [sources] (seed quote, named source or 'inferred: ...')",
                    "none", raw=True)
        if abs(v["fertility"]["asfr_distribution"].sum() - 1) > 1e-3:
            ctx.bad("fertility.asfr_distribution", "shares summing to 1",
                    float(v["fertility"]["asfr_distribution"].sum()))
    if ctx.problems:
        raise DataError(ctx.problems)
    regions = v["households"]["regions"] or (("national",), np.array([1.0]))
    le, im = v["mortality"]["life_expectancy"], v["mortality"]["infant_mortality"]
    m = v["macro"]
    hist = {"population": None, "gdp": None, "poverty_rate": None, "gini": None,
            "back_projection": None, **(v.get("history") or {})}
    return Profile(
        code=v["country"]["code"], name=v["country"]["name"],
        currency=v["country"]["currency"], base_year=v["country"]["base_year"],
        female=v["population"]["female"], male=v["population"]["male"],
        tfr=YearPath.from_value(v["fertility"]["tfr"]),
        asfr_distribution=v["fertility"]["asfr_distribution"],
        sex_ratio_at_birth=v["fertility"]["sex_ratio_at_birth"],
        life_expectancy_female=YearPath.from_value(le["female"]),
        life_expectancy_male=YearPath.from_value(le["male"]),
        infant_mortality_female=im["female"], infant_mortality_male=im["male"],
        gdp=m["gdp"],
        real_gdp_growth=YearPath.from_value(m["real_gdp_growth"]),
        inflation=YearPath.from_value(m["inflation"]),
        exchange_rate=YearPath.from_value(m["exchange_rate"]),
        revenue_pct_gdp=YearPath.from_value(m["revenue_pct_gdp"]),
        expenditure_pct_gdp=YearPath.from_value(m["expenditure_pct_gdp"]),
        poverty_line=v["welfare"]["poverty_line"], poverty_rate=v["welfare"]["poverty_rate"],
        gini=v["welfare"]["gini"],
        mean_household_size=v["households"]["mean_size"],
        urban_share=v["households"]["urban_share"],
        disability_prevalence=v["households"]["disability_prevalence"],
        region_names=regions[0], region_shares=regions[1],
        sources=v["sources"], path=path,
        history_population=hist["population"],
        history_gdp=_opt_path(hist["gdp"]),
        history_poverty_rate=_opt_path(hist["poverty_rate"]),
        history_gini=_opt_path(hist["gini"]),
        history_back_projection=hist["back_projection"],
    )


def _opt_path(value: Any) -> YearPath | None:
    return None if value is None else YearPath.from_value(value)
