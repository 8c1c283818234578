"""Plain-Python references for the numba kernels (no numba, no vectorisation).

Written from the module docstrings of ``simulate/kernels/rng.py`` and
``simulate/kernels/projection.py``, loop by loop, so that a property test can
compare the compiled kernels with code a reader can check line by line.
Floating-point expressions are written in the kernel's order of operations, so
that a household's figures agree to the last bit (only the order in which
households are added up differs).
"""

from __future__ import annotations

import math

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB

# purposes of draws (the fourth key), as in kernels/rng.py
TAKE_UP = 1
ROLLOUT = 2
EXCLUSION = 3
INCLUSION = 4
PREGNANCY = 5
DISABILITY = 6
BIRTH_MONTH = 7
BIRTH_IN_YEAR = 8

# condition variables, measures, units, kinds and poverty outputs, as in kernels/projection.py
VAR_AGE = -1
VAR_AGE_MONTHS = -2
VAR_PREGNANT = -3
VAR_DISABLED = -4
ELIGIBLE, BENEFICIARIES, TRANSFERS = 0, 1, 2
BENEFICIARIES_AT_BIRTH = 3
BENEFICIARIES_ELIGIBLE = 4
HOUSEHOLDS_ELIGIBLE = 5
HOUSEHOLDS_BENEFICIARIES = 6
BENEFICIARY_MONTHS = 7
ELIGIBLE_MONTHS = 8
TRANSFERS_DUE = 9
N_MEASURES = 10
PREGNANCY_MONTHS = 9
UNIT_PERSON, UNIT_HOUSEHOLD = 0, 1
KIND_FLAT, KIND_TOP_UP, KIND_UTILITY = 0, 1, 2
POV_PERSONS, POV_POOR, POV_GAP, POV_SEVERITY = 0, 1, 2, 3
N_POV = 4
HIST_BINS = 2048
HIST_LOG_MIN = -8.0
HIST_LOG_MAX = 8.0
MAX_AGE = 100

#: every branch of the reference, as recorded in ``branches`` (a generator of kernel
#: cases should reach them all)
BRANCHES = frozenset({
    "newborn", "not yet born", "nobody present", "months unknown",
    "pregnant from data", "pregnant drawn", "pregnant", "disabled from data",
    "disabled drawn", "disabled", "static condition fails", "dynamic condition fails",
    "meets a group", "person programme", "household programme", "no member meets",
    "truly eligible", "not truly eligible", "excluded", "included", "not reached",
    "not taking up", "once: already paid", "beneficiary at birth",
    "income unknown", "income counted", "income from a programme", "top-up: adults >= 1",
    "top-up: adults < 1", "top-up: taper bites", "top-up: capped", "utility: size rounded up",
    "utility: size above the table", "utility: band", "utility: past every band",
    "means test: zero amount", "no welfare", "no poverty line", "poor before", "poor after",
    "lifted out of poverty", "at the poverty line", "bin: at or below zero", "overlap",
    "month: programme", "month: pregnancy paid", "month: enrolled", "month: never enrolled",
    "month: cycle crosses the year", "month: before birth",
})


def mix64(z: int) -> int:
    """SplitMix64 finaliser on a Python int, wrapped to 64 bits."""
    z = (z + GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * M1) & MASK64
    z = ((z ^ (z >> 27)) * M2) & MASK64
    return z ^ (z >> 31)


def uniform(seed: int, a: int, b: int, c: int) -> float:
    """The draw keyed by (seed, a, b, c) in [0, 1): top 53 bits of the hash times 2**-53."""
    h = mix64(int(seed) & MASK64)
    h = mix64(h ^ (int(a) & MASK64))
    h = mix64(h ^ (int(b) & MASK64))
    h = mix64(h ^ (int(c) & MASK64))
    return (h >> 11) * 2.0**-53


RECORD_TAG = 0x1D3E7A1C0FFEE


def record_key(household: int, entry: int, rank: int) -> int:
    """A record's key (kernels/rng.py ``record_keys``): the hash of its household id,
    its entry year and its rank among the household's records entering that year,
    shifted to 63 bits."""
    h = mix64(RECORD_TAG ^ (int(household) & MASK64))
    h = mix64(h ^ (int(entry) & MASK64))
    h = mix64(h ^ (int(rank) & MASK64))
    return h >> 1


def holds(v: float, kind: int, lo: float, hi: float, mask: int) -> bool:
    """A condition: range ``lo <= v < hi`` (kind 0) or an integer code in a bit mask."""
    if kind == 0:
        return lo <= v < hi
    if v != v or v < 0.0 or v >= 63.0 or v != math.floor(v):
        return False
    return (int(mask) >> int(v)) & 1 == 1


def hist_bin(x: float) -> int:
    """The histogram bin of welfare / poverty line ``x``: log-spaced over [e**-8, e**8)."""
    if x <= 0.0:
        return 0
    b = int((math.log(x) - HIST_LOG_MIN) / (HIST_LOG_MAX - HIST_LOG_MIN) * HIST_BINS)
    return min(HIST_BINS - 1, max(0, b))


def project_households(
    hh_start,
    age0, months, sex, entry_idx, weight0, uid, group, pregnant_data, disabled_data,
    static, welfare, target_value, income,
    survival, fertility, disability, years, first_active, has_pregnant_data,
    has_disabled_data, price_index, poverty_line,
    prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi, cond_mask,
    unit, kind, take_up, rollout, amount, once, target_row, target_threshold, exclusion,
    inclusion, stream, income_row, income_from, disregard, taper, cap,
    eq_first, eq_other, eq_child, child_age, norm_cost, region_factor, band_upper, band_share,
    region, seed, n_groups, n_combos, branches=None,
    monthly=None, pay_every=None, preg_reg=None, enrol_lo=None, enrol_hi=None,
):
    """The kernel's totals, without chunking, as a dict of arrays:
    ``programmes[year, programme, group, measure]``, ``population[year, sex, age]``,
    ``poverty[year, before/after, measure]``, ``histogram[year, before/after, bin, 2]``,
    ``overlap[year, combination, eligible/receiving]`` (zero unless ``n_combos > 1``) and
    ``groups[year, group]``.

    Same arguments as the kernel without the chunks, buffers and outputs; ``n_groups``
    and ``n_combos`` size the outputs; ``branches`` (a set) collects the names of the
    branches taken (see :data:`BRANCHES`). ``monthly`` etc.: the timing tables
    (simulate/timing.py); None: every programme in whole years.
    """
    def hit(name: str) -> None:
        if branches is not None:
            branches.add(name)

    seed = int(seed)
    n_years, n_prog = len(years), len(unit)
    programmes = np.zeros((n_years, n_prog, n_groups, N_MEASURES))
    population = np.zeros((n_years, 2, MAX_AGE + 1))
    poverty = np.zeros((n_years, 2, N_POV))
    histogram = np.zeros((n_years, 2, HIST_BINS, 2))
    overlap = np.zeros((n_years, n_combos, 2))
    groups = np.zeros((n_years, n_groups))
    if monthly is None:
        monthly = np.zeros(n_prog, dtype=bool)
        pay_every = np.ones(n_prog, dtype=np.int64)
        preg_reg = np.zeros(n_prog, dtype=np.int64)
        enrol_lo = np.zeros(n_prog, dtype=np.int64)
        enrol_hi = np.zeros(n_prog, dtype=np.int64)

    def birth_month(i: int) -> int:
        return int(12.0 * uniform(seed, uid[i], 0, BIRTH_MONTH))

    def pregnancy_months(i: int, p: int, y: int, age: int) -> set[int]:
        """Months of year y paid for a pregnancy (births in y or y + 1)."""
        if has_pregnant_data and y == first_active:
            birth_now = pregnant_data[i] == 1
        else:
            birth_now = sex[i] == 1 and uniform(seed, uid[i], years[y], PREGNANCY) < fertility[
                y, min(age, MAX_AGE)]
        birth_next = sex[i] == 1 and uniform(seed, uid[i], years[y] + 1, PREGNANCY) < fertility[
            min(y + 1, n_years - 1), min(age + 1, MAX_AGE)]
        out: set[int] = set()
        for born, b in ((birth_now, int(12.0 * uniform(seed, uid[i], years[y], BIRTH_IN_YEAR))),
                        (birth_next, 12 + int(12.0 * uniform(seed, uid[i], years[y] + 1,
                                                             BIRTH_IN_YEAR)))):
            if born:
                out |= {t for t in range(b - PREGNANCY_MONTHS + int(preg_reg[p]), b)
                        if 0 <= t < 12}
        return out

    def months_met(i: int, p: int, y: int, age: int) -> tuple[set[int], set[int]]:
        """Months of year y in which person i meets programme p's groups: those of
        groups with a pregnancy condition, and those of the others."""
        b = birth_month(i)
        a = min(age, MAX_AGE)
        if has_disabled_data and entry_idx[i] == 0:
            disabled = disabled_data[i] == 1
        else:
            disabled = uniform(seed, uid[i], 0, DISABILITY) < disability[a]
        preg_set: set[int] = set()
        other: set[int] = set()
        for g in range(prog_group_start[p], prog_group_start[p + 1]):
            months_g = {t for t in range(12) if 12 * age + t - b >= 0}
            if len(months_g) < 12:
                hit("month: before birth")
            is_preg = False
            for q in range(group_cond_start[g], group_cond_start[g + 1]):
                var = int(cond_var[q])
                args = (cond_kind[q], cond_lo[q], cond_hi[q], cond_mask[q])
                if var >= 0:
                    if not holds(float(static[var, i]), *args):
                        months_g = set()
                elif var in (VAR_AGE, VAR_AGE_MONTHS):
                    months_g &= {t for t in range(12) if 12 * age + t - b >= 0 and holds(
                        float(12 * age + t - b) if var == VAR_AGE_MONTHS
                        else float((12 * age + t - b) // 12), *args)}
                elif var == VAR_PREGNANT:
                    pm = pregnancy_months(i, p, y, age)
                    if holds(1.0, *args):
                        months_g &= pm
                        is_preg = True
                    else:
                        months_g -= pm
                elif not holds(1.0 if disabled else 0.0, *args):
                    months_g = set()
            if is_preg:
                preg_set |= months_g
            else:
                other |= months_g
        return preg_set, other

    def meets(i: int, p: int, y: int, age: int) -> bool:
        """Person i meets programme p's eligibility (any group, all its conditions) in year y."""
        a = min(age, MAX_AGE)
        if months[i] >= 0:
            mo = int(months[i])
        else:
            hit("months unknown")
            mo = 0
        if has_pregnant_data and y == first_active:
            hit("pregnant from data")
            pregnant = pregnant_data[i] == 1
        else:
            hit("pregnant drawn")
            pregnant = sex[i] == 1 and uniform(seed, uid[i], years[y], PREGNANCY) < fertility[y, a]
        if has_disabled_data and entry_idx[i] == 0:
            hit("disabled from data")
            disabled = disabled_data[i] == 1
        else:
            hit("disabled drawn")
            disabled = uniform(seed, uid[i], 0, DISABILITY) < disability[a]
        if pregnant:
            hit("pregnant")
        if disabled:
            hit("disabled")
        dynamic = {VAR_AGE: float(age), VAR_AGE_MONTHS: float(12 * age + mo),
                   VAR_PREGNANT: 1.0 if pregnant else 0.0,
                   VAR_DISABLED: 1.0 if disabled else 0.0}
        for g in range(prog_group_start[p], prog_group_start[p + 1]):
            all_hold = True
            for q in range(group_cond_start[g], group_cond_start[g + 1]):
                var = int(cond_var[q])
                v = float(static[var, i]) if var >= 0 else dynamic[var]
                if not holds(v, cond_kind[q], cond_lo[q], cond_hi[q], cond_mask[q]):
                    hit("static condition fails" if var >= 0 else "dynamic condition fails")
                    all_hold = False
            if all_hold:
                hit("meets a group")
                return True
        return False

    def selected(p: int, unit_record: int, poor: bool) -> bool:
        """Targeting errors: the poor are excluded, the others included, by chance."""
        if target_row[p] < 0:
            return True
        if poor:
            s = uniform(seed, uid[unit_record], stream[p], EXCLUSION) >= exclusion[p]
            if not s:
                hit("excluded")
            return s
        s = uniform(seed, uid[unit_record], stream[p], INCLUSION) < inclusion[p]
        if s:
            hit("included")
        return s

    def truly_eligible(p: int, unit_record: int) -> bool:
        if target_row[p] < 0:
            return True
        poor = target_value[target_row[p], unit_record] < target_threshold[p]
        hit("truly eligible" if poor else "not truly eligible")
        return bool(poor)

    def reached_and_takes_up(p: int, unit_record: int, y: int) -> bool:
        if not uniform(seed, uid[unit_record], stream[p], ROLLOUT) < rollout[p, y]:
            hit("not reached")
            return False
        if not uniform(seed, uid[unit_record], stream[p], TAKE_UP) < take_up[p, unit_record]:
            hit("not taking up")
            return False
        return True

    for h in range(len(hh_start) - 1):
        first = int(hh_start[h])
        members = range(first, int(hh_start[h + 1]))
        big_w = float(weight0[first])
        g_h = int(group[first])
        w = {i: float(weight0[i]) for i in members}
        paid: set[tuple[int, int]] = set()  # (unit's record, programme) paid once already
        carry = [0.0] * n_prog  # last year's last payment cycle, paid in January
        for y in range(n_years):
            present = []
            for i in members:
                if y < entry_idx[i]:
                    hit("not yet born")
                    continue
                if entry_idx[i] > 0:
                    hit("newborn")
                present.append(i)
            age = {i: int(age0[i]) + (y - int(entry_idx[i])) for i in present}
            persons, size = 0.0, 0.0
            for i in present:
                population[y, sex[i], min(age[i], MAX_AGE)] += w[i]
                persons += w[i]
                size += w[i] / big_w
            if y >= first_active and not persons > 0.0:
                hit("nobody present")
            if y >= first_active and persons > 0.0:
                benefit = [0.0] * n_prog  # the household's (expected) transfer per programme
                eligible: set[tuple[int, int]] = set()  # (person, programme), truly eligible
                receiving: set[tuple[int, int]] = set()
                for p in range(n_prog):
                    if monthly[p]:
                        hit("month: programme")
                        programmes[y, p, g_h, TRANSFERS] += carry[p]
                        carry[p] = 0.0
                        c = int(pay_every[p])
                        for i in present:
                            pm, om = months_met(i, p, y, age[i])
                            if not pm and not om:
                                continue
                            poor = truly_eligible(p, i)
                            if poor:
                                eligible.add((i, p))
                                programmes[y, p, g_h, ELIGIBLE] += w[i]
                                programmes[y, p, g_h, ELIGIBLE_MONTHS] += w[i] * len(pm | om)
                            if not selected(p, i, poor):
                                continue
                            if not uniform(seed, uid[i], stream[p], TAKE_UP) < take_up[p, i]:
                                continue
                            u_roll = uniform(seed, uid[i], stream[p], ROLLOUT)
                            paid_months = set(pm) if u_roll < rollout[p, y] else set()
                            if pm and paid_months:
                                hit("month: pregnancy paid")
                            if om and enrol_hi[p] > enrol_lo[p]:
                                b = birth_month(i)
                                start = None
                                for am in range(int(enrol_lo[p]), int(enrol_hi[p])):
                                    t = am + b - 12 * age[i]
                                    yi = min(max(y + t // 12, 0), n_years - 1)
                                    if u_roll < rollout[p, yi]:
                                        start = t
                                        break
                                if start is None:
                                    hit("month: never enrolled")
                                else:
                                    hit("month: enrolled")
                                    paid_months |= {t for t in om if t >= start}
                            elif om and u_roll < rollout[p, y]:
                                paid_months |= om
                            if not paid_months:
                                continue
                            n_paid = len(paid_months)
                            n_early = len([t for t in paid_months if t < 12 - c])
                            if n_early < n_paid:
                                hit("month: cycle crosses the year")
                            per_month = amount[p, y] / 12.0
                            receiving.add((i, p))
                            benefit[p] += w[i] / big_w * per_month * n_paid
                            programmes[y, p, g_h, BENEFICIARIES] += w[i]
                            programmes[y, p, g_h, BENEFICIARY_MONTHS] += w[i] * n_paid
                            programmes[y, p, g_h, TRANSFERS_DUE] += w[i] * per_month * n_paid
                            programmes[y, p, g_h, TRANSFERS] += w[i] * per_month * n_early
                            carry[p] += w[i] * per_month * (n_paid - n_early)
                            if poor:
                                programmes[y, p, g_h, BENEFICIARIES_ELIGIBLE] += w[i]
                            if age[i] == 0:
                                programmes[y, p, g_h, BENEFICIARIES_AT_BIRTH] += w[i]
                        continue
                    met = [i for i in present if meets(i, p, y, age[i])]
                    if unit[p] == UNIT_PERSON:
                        hit("person programme")
                        for i in met:
                            poor = truly_eligible(p, i)
                            if poor:
                                eligible.add((i, p))
                                programmes[y, p, g_h, ELIGIBLE] += w[i]
                                programmes[y, p, g_h, ELIGIBLE_MONTHS] += 12.0 * w[i]
                            if not (selected(p, i, poor) and reached_and_takes_up(p, i, y)):
                                continue
                            if once[p]:
                                if (i, p) in paid:
                                    hit("once: already paid")
                                    continue
                                paid.add((i, p))
                            receiving.add((i, p))
                            benefit[p] += w[i] / big_w * amount[p, y]
                            programmes[y, p, g_h, BENEFICIARIES] += w[i]
                            programmes[y, p, g_h, TRANSFERS] += w[i] * amount[p, y]
                            programmes[y, p, g_h, TRANSFERS_DUE] += w[i] * amount[p, y]
                            programmes[y, p, g_h, BENEFICIARY_MONTHS] += 12.0 * w[i]
                            if poor:
                                programmes[y, p, g_h, BENEFICIARIES_ELIGIBLE] += w[i]
                            if age[i] == 0:
                                hit("beneficiary at birth")
                                programmes[y, p, g_h, BENEFICIARIES_AT_BIRTH] += w[i]
                        continue
                    hit("household programme")
                    if not met:
                        hit("no member meets")
                        continue
                    value = float(amount[p, y])
                    if kind[p] != KIND_FLAT:
                        # counted income: members' income x presence, in the year's prices,
                        # plus earlier programmes' benefits
                        counted = 0.0
                        if income_row[p] >= 0:
                            for i in present:
                                x = float(income[income_row[p], i])
                                if math.isnan(x):
                                    hit("income unknown")
                                    continue
                                hit("income counted")
                                counted += w[i] / big_w * x
                            counted *= price_index[y]
                        for q in range(p):
                            if (int(income_from[p]) >> q) & 1 == 1:
                                hit("income from a programme")
                                counted += benefit[q]
                        if kind[p] == KIND_TOP_UP:
                            adults, children = 0.0, 0.0
                            for i in present:
                                if age[i] >= child_age[p]:
                                    adults += w[i] / big_w
                                else:
                                    children += w[i] / big_w
                            e1, e2, e3 = eq_first[p], eq_other[p], eq_child[p]
                            if adults >= 1.0:
                                hit("top-up: adults >= 1")
                                eq = e1 + e2 * (adults - 1.0) + e3 * children
                            else:  # children fill the first adult's place
                                hit("top-up: adults < 1")
                                eq = (e1 * (adults + min(children, 1.0 - adults))
                                      + e3 * max(0.0, children - (1.0 - adults)))
                            above = counted - disregard[p, y]
                            if above > 0.0 and taper[p] > 0.0:
                                hit("top-up: taper bites")
                            value = amount[p, y] * eq - taper[p] * max(0.0, above)
                            if max(0.0, value) > cap[p, y]:
                                hit("top-up: capped")
                            value = min(cap[p, y], max(0.0, value))
                        else:
                            n_sizes = norm_cost.shape[2]
                            rounded = int(size + 0.5)
                            if rounded < 1:
                                hit("utility: size rounded up")
                            if rounded > n_sizes:
                                hit("utility: size above the table")
                            k = min(max(rounded, 1), n_sizes) - 1
                            norm = norm_cost[p, y, k] * region_factor[p, region[first]]
                            per_capita = counted / max(size, 1e-12)
                            for b in range(band_upper.shape[1]):  # the first band above
                                if per_capita < band_upper[p, b] * price_index[y]:
                                    hit("utility: band")
                                    share = band_share[p, b]
                                    break
                            else:
                                hit("utility: past every band")
                                share = band_share[p, band_upper.shape[1] - 1]
                            value = max(0.0, norm - share * counted)
                        if value <= 0.0:
                            hit("means test: zero amount")
                            continue
                    poor = truly_eligible(p, first)
                    if poor:
                        for i in present:
                            eligible.add((i, p))
                        programmes[y, p, g_h, ELIGIBLE] += persons
                        programmes[y, p, g_h, ELIGIBLE_MONTHS] += 12.0 * persons
                        programmes[y, p, g_h, HOUSEHOLDS_ELIGIBLE] += big_w * min(1.0, size)
                    if not (selected(p, first, poor) and reached_and_takes_up(p, first, y)):
                        continue
                    if once[p]:
                        if (first, p) in paid:
                            hit("once: already paid")
                            continue
                        paid.add((first, p))
                    benefit[p] = value
                    programmes[y, p, g_h, HOUSEHOLDS_BENEFICIARIES] += big_w * min(1.0, size)
                    programmes[y, p, g_h, BENEFICIARIES] += persons
                    programmes[y, p, g_h, TRANSFERS] += big_w * min(1.0, size) * value
                    programmes[y, p, g_h, TRANSFERS_DUE] += big_w * min(1.0, size) * value
                    programmes[y, p, g_h, BENEFICIARY_MONTHS] += 12.0 * persons
                    if poor:
                        programmes[y, p, g_h, BENEFICIARIES_ELIGIBLE] += persons
                    for i in present:
                        receiving.add((i, p))
                        if age[i] == 0:
                            hit("beneficiary at birth")
                            programmes[y, p, g_h, BENEFICIARIES_AT_BIRTH] += w[i]

                # poverty before and after transfers (start-year prices, per expected member)
                total_transfer = 0.0
                for p in range(n_prog):
                    total_transfer += benefit[p]
                welfare_h = float(welfare[first])
                if math.isnan(welfare_h):
                    hit("no welfare")
                elif not poverty_line[y] > 0.0:
                    hit("no poverty line")
                else:
                    z = float(poverty_line[y])
                    after = welfare_h + total_transfer / price_index[y] / max(size, 1e-12)
                    if welfare_h < z <= after:
                        hit("lifted out of poverty")
                    for stage, x in enumerate((welfare_h, after)):
                        poverty[y, stage, POV_PERSONS] += persons
                        if x == z:
                            hit("at the poverty line")
                        if x < z:
                            hit("poor before" if stage == 0 else "poor after")
                            gap = (z - x) / z
                            poverty[y, stage, POV_POOR] += persons
                            poverty[y, stage, POV_GAP] += persons * gap
                            poverty[y, stage, POV_SEVERITY] += persons * gap * gap
                        if x / z <= 0.0:
                            hit("bin: at or below zero")
                        b = hist_bin(x / z)
                        histogram[y, stage, b, 0] += persons
                        histogram[y, stage, b, 1] += persons * x
                # combinations of programmes (bit masks), per person
                if n_combos > 1:
                    hit("overlap")
                    for i in present:
                        ce = sum(1 << p for p in range(n_prog) if (i, p) in eligible)
                        cr = sum(1 << p for p in range(n_prog) if (i, p) in receiving)
                        overlap[y, ce, 0] += w[i]
                        overlap[y, cr, 1] += w[i]
                groups[y, g_h] += persons
            # survival to the next year
            for i in present:
                w[i] *= survival[y, sex[i], min(age[i], MAX_AGE)]
    return {"programmes": programmes, "population": population, "poverty": poverty,
            "histogram": histogram, "overlap": overlap, "groups": groups}


def population_chunks(hh_start, chunk_hh, sex, age0, entry_idx, weight0, group, survival,
                      first_active, n_groups):
    """The demography kernel's per-chunk outputs (kernels/demography.py), household by
    household in plain Python: ``population[chunk, year, sex, age]`` and ``groups[chunk,
    year, group]`` (persons), each chunk summed from zero in household and record order,
    so that it equals the kernel's bit for bit."""
    n_chunks, n_years = len(chunk_hh) - 1, len(survival)
    population = np.zeros((n_chunks, n_years, 2, MAX_AGE + 1))
    groups = np.zeros((n_chunks, n_years, n_groups))
    for c in range(n_chunks):
        for h in range(int(chunk_hh[c]), int(chunk_hh[c + 1])):
            members = range(int(hh_start[h]), int(hh_start[h + 1]))
            w = {i: float(weight0[i]) for i in members}
            for y in range(n_years):
                present = [i for i in members if y >= int(entry_idx[i])]
                age = {i: int(age0[i]) + y - int(entry_idx[i]) for i in present}
                persons = 0.0
                for i in present:
                    population[c, y, int(sex[i]), min(age[i], MAX_AGE)] += w[i]
                    persons += w[i]
                if y >= first_active and persons > 0.0:
                    groups[c, y, int(group[hh_start[h]])] += persons
                for i in present:  # survival to the next year
                    w[i] *= float(survival[y, int(sex[i]), min(age[i], MAX_AGE)])
    return population, groups
