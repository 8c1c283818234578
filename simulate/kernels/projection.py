"""The fused projection kernel: every household and its members through every year.

Hot loop only: plain arrays in, preallocated arrays out; nothing else of the
package is imported. ``simulate.programmes.rules`` builds the rule tables and
``simulate.costing`` turns the totals into labelled results.

Records are sorted by household (``hh_start[h]`` is the first record of
household h). Households are split into fixed chunks (``chunk_hh``, independent
of the thread count); each chunk accumulates into its own slice of the outputs
and :func:`reduce_chunks` adds the chunks in order, so results are bit-identical
whatever the number of threads or batches.

Per household and year y, for each member i alive (entry year reached):

* age = age0 + years since entry; tables read ages above 100 as 100;
* presence ``w_i / W_h`` (``W_h`` the weight of the household's first record):
  the expected share of the household's weight in which the member is present
  (survival for members of the first year, the birth weight ratio for
  newborns); household size and composition are expected values;
* pregnant: the data's flag in the first year if the data carry it, else a draw
  ``u(seed, uid, year, PREGNANCY) < fertility[y, age]`` (women), made only if a
  rule asks;
* disabled: the data's flag for first-year records if the data carry it, else
  ``u(seed, uid, 0, DISABILITY) < disability[age]`` (persistent, rising with age);
* eligibility: any-of groups, each all-of its conditions (``lo <= v < hi``, or
  integer codes as a bit mask).

Programmes are evaluated in declaration order. A person programme's unit is
the member; a household programme's unit is the household, eligible when any
member meets a group. Then:

* targeting: ``target_value[row, i] < target_threshold[p]`` means "truly
  eligible" (poor); the truly eligible are excluded with probability
  ``exclusion``, the others included with probability ``inclusion``;
* a household programme counts and pays ``W_h x min(1, expected size)``
  households (persons: the members' weights);
* amount: flat (``amount[p, y]``); a top-up
  ``min(cap, max(0, G * eq - taper * max(0, income - disregard)))`` with the
  equivalence size ``eq`` from the expected composition; or a utility subsidy
  ``max(0, norm[size] * region_factor - share(band) * income)``. Income is the
  household's counted income (``income[row]`` of members x presence x prices)
  plus the benefits of the programmes in ``income_from[p]`` (a bit mask of
  earlier programmes). A means-tested unit with a zero amount is not eligible;
* beneficiary: selected, reached (``u_rollout < rollout[p, y]``) and taking up
  (``u_take_up < take_up[p, i]``), draws per unit and programme fixed over
  years (a household's draws are its first record's); a once-only benefit pays
  in the first year the unit is a beneficiary;
* weights then shrink by survival to the next year.

Poverty before and after transfers compares each household's welfare per
capita (start-year prices) plus its transfers per expected member (deflated)
with the poverty line; a log-spaced histogram of welfare gives the Gini.
"""

import numpy as np
from numba import njit, prange

from .rng import DISABILITY, EXCLUSION, INCLUSION, PREGNANCY, ROLLOUT, TAKE_UP, uniform

# condition variables (cond_var < 0); >= 0 indexes a row of `static`
VAR_AGE = -1
VAR_AGE_MONTHS = -2
VAR_PREGNANT = -3
VAR_DISABLED = -4
# measures in the programme totals
ELIGIBLE = 0
BENEFICIARIES = 1
TRANSFERS = 2
BENEFICIARIES_AT_BIRTH = 3  # beneficiaries aged 0 (the stunting channel's covered births)
BENEFICIARIES_ELIGIBLE = 4  # beneficiaries who are truly eligible (targeting accuracy)
HOUSEHOLDS_ELIGIBLE = 5
HOUSEHOLDS_BENEFICIARIES = 6
N_MEASURES = 7
# programme units and kinds
UNIT_PERSON = 0
UNIT_HOUSEHOLD = 1
KIND_FLAT = 0
KIND_TOP_UP = 1
KIND_UTILITY = 2
# poverty measures (before/after transfers)
POV_PERSONS = 0
POV_POOR = 1
POV_GAP = 2
POV_SEVERITY = 3
N_POV = 4
# welfare histogram for the Gini: log-spaced bins of welfare / poverty line
HIST_BINS = 2048
HIST_LOG_MIN = -8.0
HIST_LOG_MAX = 8.0
MAX_AGE = 100


@njit(cache=True)
def _holds(v, kind, lo, hi, mask):
    if kind == 0:
        return v >= lo and v < hi
    if v < 0.0 or v >= 63.0 or v != np.floor(v):
        return False
    return (mask >> np.int64(v)) & np.int64(1) == np.int64(1)


@njit(cache=True)
def _bin(x):
    if x <= 0.0:
        return 0
    b = int((np.log(x) - HIST_LOG_MIN) / (HIST_LOG_MAX - HIST_LOG_MIN) * HIST_BINS)
    return min(HIST_BINS - 1, max(0, b))


@njit(cache=True, parallel=True)
def project_households(
    hh_start, chunk_hh,
    age0, months, sex, entry_idx, weight0, uid, group, pregnant_data, disabled_data,
    static, welfare, target_value, income,
    survival, fertility, disability, years, first_active, has_pregnant_data,
    has_disabled_data, price_index, poverty_line,
    prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi, cond_mask,
    unit, kind, take_up, rollout, amount, once, target_row, target_threshold, exclusion,
    inclusion, stream, income_row, income_from, disregard, taper, cap,
    eq_first, eq_other, eq_child, child_age, norm_cost, region_factor, band_upper, band_share,
    region, seed, max_members,
    out, pop_out, pov_out, hist_out, overlap_out, group_out,
):
    """Accumulate, per chunk of households: ``out[chunk, year, programme, group, measure]``,
    ``pop_out[chunk, year, sex, age]``, ``pov_out[chunk, year, before/after, measure]``,
    ``hist_out[chunk, year, before/after, bin, weight/welfare]`` and
    ``overlap_out[chunk, year, combination, eligible/receiving]`` (persons; combinations
    as bit masks of programmes, when there are at most 12) and
    ``group_out[chunk, year, group]`` (persons by welfare group)."""
    n_years = years.shape[0]
    n_prog = unit.shape[0]
    n_groups = group_cond_start.shape[0] - 1
    n_chunks = chunk_hh.shape[0] - 1
    do_overlap = overlap_out.shape[2] > 1
    useed = np.uint64(seed)
    for c in prange(n_chunks):
        m_max = max_members
        w = np.empty(m_max)
        u_take = np.empty((m_max, n_prog))
        u_roll = np.empty((m_max, n_prog))
        u_excl = np.zeros((m_max, n_prog))
        u_incl = np.zeros((m_max, n_prog))
        u_dis = np.empty(m_max)
        paid = np.zeros((m_max, n_prog), dtype=np.bool_)
        static_ok = np.empty((m_max, n_groups), dtype=np.bool_)
        elig = np.zeros((m_max, n_prog), dtype=np.bool_)
        recv = np.zeros((m_max, n_prog), dtype=np.bool_)
        pay = np.zeros((m_max, n_prog))
        hh_benefit = np.zeros(n_prog)
        for h in range(chunk_hh[c], chunk_hh[c + 1]):
            first = hh_start[h]
            n_mem = hh_start[h + 1] - first
            w_h = weight0[first]
            # member state that does not change over the years
            for m in range(n_mem):
                i = first + m
                uu = np.uint64(uid[i])
                w[m] = weight0[i]
                u_dis[m] = uniform(useed, uu, np.uint64(0), np.uint64(DISABILITY))
                for p in range(n_prog):
                    s = stream[p]
                    u_take[m, p] = uniform(useed, uu, s, np.uint64(TAKE_UP))
                    u_roll[m, p] = uniform(useed, uu, s, np.uint64(ROLLOUT))
                    if target_row[p] >= 0:
                        u_excl[m, p] = uniform(useed, uu, s, np.uint64(EXCLUSION))
                        u_incl[m, p] = uniform(useed, uu, s, np.uint64(INCLUSION))
                    paid[m, p] = False
                for g in range(n_groups):
                    ok = True
                    for q in range(group_cond_start[g], group_cond_start[g + 1]):
                        var = cond_var[q]
                        if var >= 0 and not _holds(static[var, i], cond_kind[q], cond_lo[q],
                                                   cond_hi[q], cond_mask[q]):
                            ok = False
                            break
                    static_ok[m, g] = ok
            grp_h = group[first]
            for y in range(n_years):
                # population and the household's expected composition
                size = 0.0
                persons = 0.0
                for m in range(n_mem):
                    i = first + m
                    if y < entry_idx[i]:
                        continue
                    a = min(age0[i] + (y - entry_idx[i]), MAX_AGE)
                    pop_out[c, y, sex[i], a] += w[m]
                    persons += w[m]
                    size += w[m] / w_h
                if y >= first_active and persons > 0.0:
                    _household_year(
                        c, y, first, n_mem, w_h, size, persons, grp_h, w, u_take, u_roll,
                        u_excl, u_incl, u_dis, paid, static_ok, elig, recv, pay, hh_benefit,
                        age0, months, sex, entry_idx, uid, pregnant_data, disabled_data,
                        welfare, target_value, income, fertility, disability, years,
                        first_active, has_pregnant_data, has_disabled_data, price_index,
                        poverty_line, prog_group_start, group_cond_start, cond_var,
                        cond_kind, cond_lo, cond_hi, cond_mask, unit, kind, take_up, rollout,
                        amount, once, target_row, target_threshold, exclusion, inclusion,
                        income_row, income_from, disregard, taper, cap, eq_first, eq_other,
                        eq_child, child_age, norm_cost, region_factor, band_upper, band_share,
                        region, useed, do_overlap, out, pov_out, hist_out, overlap_out,
                    )
                    group_out[c, y, grp_h] += persons
                # survival to the next year
                for m in range(n_mem):
                    i = first + m
                    if y >= entry_idx[i]:
                        a = min(age0[i] + (y - entry_idx[i]), MAX_AGE)
                        w[m] *= survival[y, sex[i], a]


@njit(cache=True)
def _household_year(
    c, y, first, n_mem, w_h, size, persons, grp_h, w, u_take, u_roll, u_excl, u_incl, u_dis,
    paid, static_ok, elig, recv, pay, hh_benefit,
    age0, months, sex, entry_idx, uid, pregnant_data, disabled_data, welfare, target_value,
    income, fertility, disability, years, first_active, has_pregnant_data, has_disabled_data,
    price_index, poverty_line, prog_group_start, group_cond_start, cond_var, cond_kind,
    cond_lo, cond_hi, cond_mask, unit, kind, take_up, rollout, amount, once, target_row,
    target_threshold, exclusion, inclusion, income_row, income_from, disregard, taper, cap,
    eq_first, eq_other, eq_child, child_age, norm_cost, region_factor, band_upper, band_share,
    region, useed, do_overlap, out, pov_out, hist_out, overlap_out,
):
    """One household in one year: eligibility, amounts, beneficiaries, poverty."""
    n_prog = unit.shape[0]
    # households represented this year: the first year's weight, shrinking as the expected
    # size falls below one (a one-person household lasts as long as its member survives)
    w_hh = w_h * min(1.0, size)
    for p in range(n_prog):
        hh_benefit[p] = 0.0
    # person-level eligibility for every programme (household programmes use "any member")
    for m in range(n_mem):
        i = first + m
        for p in range(n_prog):
            elig[m, p] = False
            recv[m, p] = False
            pay[m, p] = 0.0
        if y < entry_idx[i]:
            continue
        age = age0[i] + (y - entry_idx[i])
        a = min(age, MAX_AGE)
        mo = months[i] if months[i] >= 0 else 0
        preg_known = False
        preg = False
        dis = (disabled_data[i] == 1 if has_disabled_data and entry_idx[i] == 0
               else u_dis[m] < disability[a])
        for p in range(n_prog):
            for g in range(prog_group_start[p], prog_group_start[p + 1]):
                if not static_ok[m, g]:
                    continue
                ok = True
                for q in range(group_cond_start[g], group_cond_start[g + 1]):
                    var = cond_var[q]
                    if var >= 0:
                        continue
                    if var == VAR_AGE:
                        v = float(age)
                    elif var == VAR_AGE_MONTHS:
                        v = float(12 * age + mo)
                    elif var == VAR_PREGNANT:
                        if not preg_known:
                            preg_known = True
                            if has_pregnant_data and y == first_active:
                                preg = pregnant_data[i] == 1
                            else:
                                preg = sex[i] == 1 and uniform(
                                    useed, np.uint64(uid[i]), np.uint64(years[y]),
                                    np.uint64(PREGNANCY)) < fertility[y, a]
                        v = 1.0 if preg else 0.0
                    else:
                        v = 1.0 if dis else 0.0
                    if not _holds(v, cond_kind[q], cond_lo[q], cond_hi[q], cond_mask[q]):
                        ok = False
                        break
                if ok:
                    elig[m, p] = True
                    break

    welfare_h = welfare[first]
    total_transfer = 0.0
    for p in range(n_prog):
        if unit[p] == UNIT_PERSON:
            for m in range(n_mem):
                if not elig[m, p]:
                    continue
                i = first + m
                age = age0[i] + (y - entry_idx[i])
                truly = True
                selected = True
                if target_row[p] >= 0:
                    truly = target_value[target_row[p], i] < target_threshold[p]
                    selected = (u_excl[m, p] >= exclusion[p]) if truly else (
                        u_incl[m, p] < inclusion[p])
                elig[m, p] = truly  # from here on: truly eligible (overlap counts)
                if truly:
                    out[c, y, p, grp_h, ELIGIBLE] += w[m]
                if not (selected and u_roll[m, p] < rollout[p, y]
                        and u_take[m, p] < take_up[p, i]):
                    continue
                if once[p]:
                    if paid[m, p]:
                        continue
                    paid[m, p] = True
                recv[m, p] = True
                pay[m, p] = amount[p, y]
                hh_benefit[p] += w[m] / w_h * amount[p, y]
                out[c, y, p, grp_h, BENEFICIARIES] += w[m]
                out[c, y, p, grp_h, TRANSFERS] += w[m] * amount[p, y]
                if truly:
                    out[c, y, p, grp_h, BENEFICIARIES_ELIGIBLE] += w[m]
                if age == 0:
                    out[c, y, p, grp_h, BENEFICIARIES_AT_BIRTH] += w[m]
            continue
        # household programme: eligible when any member meets the conditions
        any_member = False
        for m in range(n_mem):
            if elig[m, p]:
                any_member = True
                break
        for m in range(n_mem):  # from here on: the household is (truly) eligible or not
            elig[m, p] = False
        if not any_member:
            continue
        value = amount[p, y]
        if kind[p] != KIND_FLAT:
            counted = 0.0
            if income_row[p] >= 0:
                for m in range(n_mem):
                    i = first + m
                    if y >= entry_idx[i]:
                        x = income[income_row[p], i]
                        if x == x:  # NaN (unknown) counts as zero
                            counted += w[m] / w_h * x
                counted *= price_index[y]
            mask = income_from[p]
            for q in range(p):
                if (mask >> np.int64(q)) & np.int64(1) == np.int64(1):
                    counted += hh_benefit[q]
            if kind[p] == KIND_TOP_UP:
                ad = 0.0
                ch = 0.0
                for m in range(n_mem):
                    i = first + m
                    if y < entry_idx[i]:
                        continue
                    if age0[i] + (y - entry_idx[i]) >= child_age[p]:
                        ad += w[m] / w_h
                    else:
                        ch += w[m] / w_h
                if ad >= 1.0:
                    eq = eq_first[p] + eq_other[p] * (ad - 1.0) + eq_child[p] * ch
                else:
                    eq = eq_first[p] * (ad + min(ch, 1.0 - ad)) + eq_child[p] * max(
                        0.0, ch - (1.0 - ad))
                value = amount[p, y] * eq - taper[p] * max(0.0, counted - disregard[p, y])
                value = min(cap[p, y], max(0.0, value))
            else:
                k = min(max(int(size + 0.5), 1), norm_cost.shape[2]) - 1
                norm = norm_cost[p, y, k] * region_factor[p, region[first]]
                per_capita = counted / max(size, 1e-12)
                share = band_share[p, band_upper.shape[1] - 1]
                for b in range(band_upper.shape[1]):
                    if per_capita < band_upper[p, b] * price_index[y]:
                        share = band_share[p, b]
                        break
                value = max(0.0, norm - share * counted)
            if value <= 0.0:
                continue
        truly = True
        selected = True
        if target_row[p] >= 0:
            truly = target_value[target_row[p], first] < target_threshold[p]
            selected = (u_excl[0, p] >= exclusion[p]) if truly else (u_incl[0, p] < inclusion[p])
        if truly:
            for m in range(n_mem):
                elig[m, p] = y >= entry_idx[first + m]
            out[c, y, p, grp_h, ELIGIBLE] += persons
            out[c, y, p, grp_h, HOUSEHOLDS_ELIGIBLE] += w_hh
        if not (selected and u_roll[0, p] < rollout[p, y] and u_take[0, p] < take_up[p, first]):
            continue
        if once[p]:
            if paid[0, p]:
                continue
            paid[0, p] = True
        hh_benefit[p] = value
        out[c, y, p, grp_h, HOUSEHOLDS_BENEFICIARIES] += w_hh
        out[c, y, p, grp_h, BENEFICIARIES] += persons
        out[c, y, p, grp_h, TRANSFERS] += w_hh * value
        if truly:
            out[c, y, p, grp_h, BENEFICIARIES_ELIGIBLE] += persons
        for m in range(n_mem):
            i = first + m
            if y >= entry_idx[i]:
                recv[m, p] = True
                if age0[i] + (y - entry_idx[i]) == 0:
                    out[c, y, p, grp_h, BENEFICIARIES_AT_BIRTH] += w[m]
    for p in range(n_prog):
        total_transfer += hh_benefit[p]

    # poverty before and after transfers (start-year prices, per expected member)
    if welfare_h == welfare_h and poverty_line[y] > 0.0:
        z = poverty_line[y]
        after = welfare_h + total_transfer / price_index[y] / max(size, 1e-12)
        for k in range(2):
            x = welfare_h if k == 0 else after
            pov_out[c, y, k, POV_PERSONS] += persons
            if x < z:
                gap = (z - x) / z
                pov_out[c, y, k, POV_POOR] += persons
                pov_out[c, y, k, POV_GAP] += persons * gap
                pov_out[c, y, k, POV_SEVERITY] += persons * gap * gap
            b = _bin(x / z)
            hist_out[c, y, k, b, 0] += persons
            hist_out[c, y, k, b, 1] += persons * x
    if do_overlap:
        for m in range(n_mem):
            i = first + m
            if y < entry_idx[i]:
                continue
            ce = 0
            cr = 0
            for p in range(n_prog):
                if elig[m, p]:
                    ce |= 1 << p
                if recv[m, p]:
                    cr |= 1 << p
            overlap_out[c, y, ce, 0] += w[m]
            overlap_out[c, y, cr, 1] += w[m]


@njit(cache=True)
def reduce_chunks(chunks, total):
    """Add ``chunks[c]`` into ``total`` in chunk order (deterministic summation)."""
    flat_total = total.reshape(-1)
    for c in range(chunks.shape[0]):
        flat = chunks[c].reshape(-1)
        for j in range(flat.shape[0]):
            flat_total[j] += flat[j]
