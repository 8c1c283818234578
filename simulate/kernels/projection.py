"""The fused projection kernel: every household and its members through every year.

Hot loop only: plain arrays in, preallocated arrays out; nothing else of the
package is imported. ``simulate.programmes.rules`` builds the rule tables and
``simulate.costing`` turns the totals into labelled results.

Records are sorted by household (``hh_start[h]`` is the first record of
household h). Households are split into fixed chunks (``chunk_hh``, independent
of the thread count); each chunk accumulates into its own slice of the outputs
and :func:`reduce_chunks` adds the chunks in order, so results are bit-identical
whatever the number of threads or batches. The welfare histogram, the one large
output, is written compactly: a chunk's rows hold only the cells its households
reach (:func:`histogram_rows`), added in chunk order by :func:`reduce_histogram`.

Parameter draws: the programme parameters (take-up rates, roll-out, amounts,
thresholds, errors, caps, scales, normative costs, prices, poverty line) carry a
last axis of draws d, and so do the outputs that depend on them. Everything
else (members, composition, conditions, random numbers) is computed once per
household and year and shared by the draws; each draw's arithmetic is the same
as if it ran alone, so its totals are bit-identical to a run with that draw only.

The arithmetic per household, member and year (ages, presence, pregnancy, disability,
eligibility, programmes in declaration order, targeting, amounts, beneficiaries, poverty
and the histogram, the optional outputs) is stated in docs/methods.md, "The kernel's
arithmetic"; a change here changes it there.
"""

import numpy as np
from numba import njit

from .conditions import (  # the eligibility conditions' helpers, and their codes
    ALL_MONTHS,
    LOOK_ELIGIBLE,
    LOOK_SKIP,
    VAR_AGE,
    VAR_AGE_MONTHS,
    VAR_DISABLED,
    VAR_PREGNANT,
    _age_lookup,
    _age_mask,
    _enrolled_from,
    _holds,
    _popcount12,
    _pregnancy_mask,
    _reach_rows,
)
from .reduction import (  # the welfare histogram and the chunks' reductions
    _bin,
    _bin_bounds,
    _new_row,
)
from .rng import (
    BIRTH_IN_YEAR,
    BIRTH_MONTH,
    DISABILITY,
    EXCLUSION,
    INCLUSION,
    PREGNANCY,
    ROLLOUT,
    TAKE_UP,
    uniform,
)

# measures in the programme totals
ELIGIBLE = 0
BENEFICIARIES = 1
TRANSFERS = 2
BENEFICIARIES_AT_BIRTH = 3  # beneficiaries aged 0 (the stunting channel's covered births)
BENEFICIARIES_ELIGIBLE = 4  # beneficiaries who are truly eligible (targeting accuracy)
HOUSEHOLDS_ELIGIBLE = 5
HOUSEHOLDS_BENEFICIARIES = 6
BENEFICIARY_MONTHS = 7  # person-months paid (12 per beneficiary of a whole-year programme)
ELIGIBLE_MONTHS = 8  # person-months eligible (truly eligible, before roll-out and take-up)
TRANSFERS_DUE = 9  # value of the months due in the year (accrual); TRANSFERS is cash paid
N_MEASURES = 10
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
MAX_AGE = 100

# Structure flags of the generic kernel: every structure compiled in. A kernel
# specialised to a scenario (kernels/specialise.py) has each replaced by a literal, so
# that Python drops the blocks its scenario cannot reach before numba sees them.
S_MONTHLY = True  # a programme paid by months within the year ([timing])
S_YEARLY = True  # a programme decided by whole years
S_PERSON_YEARLY = True  # a person programme decided by whole years
S_HOUSEHOLD = True  # a household programme (by whole years)
S_MEANS = True  # a means-tested amount (top-up or utility)
S_TOP_UP = True
S_UTILITY = True
S_TARGETED = True  # targeting (a target value and its errors)
S_ONCE = True  # a once-only benefit
S_STATIC = True  # a condition on a column of the data
S_PREGNANT = True  # a pregnancy condition
S_DISABLED = True  # a disability condition
S_POVERTY = True  # poverty and the Gini's histogram ([outputs] poverty)
S_OVERLAP = True  # persons by combination of programmes ([outputs] overlap)
#: the structure flags, in their order in a specialisation key
FLAGS = ("S_MONTHLY", "S_YEARLY", "S_PERSON_YEARLY", "S_HOUSEHOLD", "S_MEANS", "S_TOP_UP",
         "S_UTILITY", "S_TARGETED", "S_ONCE", "S_STATIC", "S_PREGNANT", "S_DISABLED",
         "S_POVERTY", "S_OVERLAP")


@njit(cache=True)
def household_chunk(c, hh_start, chunk_hh, records, demography, rules, params, outs,
                    settings, slot):
    """Accumulate the households of chunk ``c`` (``chunk_hh[c]`` to ``chunk_hh[c + 1]``)
    into ``outs[k][c]``; the named bundles are those of :func:`project_households`.
    ``slot`` (``n_years * 2 * n_bins``, all -1 on entry and on return) is the calling
    thread's map from a histogram cell to its row in the chunk's compact histogram.

    Blocks under a structure flag (``S_...``, True here) are removed from the source of
    a kernel specialised to a scenario without that structure (kernels/specialise.py);
    each flag only guards work whose run-time test is always false without it."""
    (age0, months, sex, entry_idx, weight0, uid, group, pregnant_data, disabled_data,
     static, welfare, target_value, income, region) = records
    survival, fertility, disability, years = demography
    (prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi, cond_mask,
     unit, kind, once, target_row, stream, income_row, income_from, take_up_code, monthly,
     pay_every, preg_reg, enrol_lo, enrol_hi) = rules
    (price_index, poverty_line, take_up_rate, rollout, amount, target_threshold, exclusion,
     inclusion, disregard, taper, cap, eq_first, eq_other, eq_child, child_age, norm_cost,
     region_factor, band_upper, band_share) = params
    out, pov_out, hist_out, overlap_out = outs
    hist_key, hist_value, hist_count = hist_out
    first_active, has_pregnant_data, has_disabled_data, seed, max_members, n_bins = settings
    n_years = years.shape[0]
    n_prog = unit.shape[0]
    n_groups = group_cond_start.shape[0] - 1
    n_draws = price_index.shape[1]
    n_cells = 0  # rows of the chunk's compact histogram in use
    line_shared = True  # one poverty line for every draw (not a drawn parameter)
    if S_POVERTY:
        for y in range(n_years):
            for d in range(1, n_draws):
                if poverty_line[y, d] != poverty_line[y, 0]:
                    line_shared = False
    # per year, every draw's price index positive (so that no transfers divided by it
    # are +-0 in every draw: a household-year that no draw pays)
    price_ok = np.ones(n_years, dtype=np.bool_)
    if S_POVERTY:
        for y in range(n_years):
            for d in range(n_draws):
                if not price_index[y, d] > 0.0:
                    price_ok[y] = False
    do_overlap = S_OVERLAP and overlap_out.shape[2] > 1
    # a monthly programme's amount a month (the same division as per paid member and draw)
    month_amount = amount / 12.0 if S_MONTHLY else amount
    useed = np.uint64(seed)
    # draws nobody needs are not made: a unit always passes a rate >= 1 (u < 1)
    need_dis = False
    for q in range(cond_var.shape[0]):
        if cond_var[q] == VAR_DISABLED:
            need_dis = True
    need_roll = np.zeros(n_prog, dtype=np.bool_)
    need_take = np.zeros(n_prog, dtype=np.bool_)
    need_excl = np.zeros(n_prog, dtype=np.bool_)  # u >= 0 always passes an error of 0
    need_incl = np.zeros(n_prog, dtype=np.bool_)  # u < 0 never does
    need_month = False
    for p in range(n_prog):
        need_month = need_month or monthly[p]
        need_roll[p] = rollout[p].min() < 1.0
        need_take[p] = take_up_rate[p].min() < 1.0
        need_excl[p] = target_row[p] >= 0 and exclusion[p].max() > 0.0
        need_incl[p] = target_row[p] >= 0 and inclusion[p].max() > 0.0
    # what to do with each programme per age in years (the chunk's ages only): skip it
    # (outside its age window), eligible (decided by the age alone) or evaluate it
    look, age_first = _age_lookup(age0, entry_idx, hh_start[chunk_hh[c]],
                                  hh_start[chunk_hh[c + 1]], n_years, prog_group_start,
                                  group_cond_start, cond_var, cond_kind, cond_lo, cond_hi,
                                  monthly)
    n_rows = look.shape[0] // 2
    reach = _reach_rows(look, n_rows)  # the first row from each row looking at each p
    m_max = max_members
    w = np.empty(m_max)
    ages = np.empty(m_max, dtype=np.int64)  # -1: not present this year
    u_take = np.empty((m_max, n_prog))
    u_roll = np.empty((m_max, n_prog))
    u_excl = np.empty((m_max, n_prog))
    u_incl = np.empty((m_max, n_prog))
    u_dis = np.empty(m_max)
    paid = np.zeros((m_max, n_prog, n_draws), dtype=np.bool_)
    static_ok = np.empty((m_max, n_groups), dtype=np.bool_)
    # per programme, its eligible members this year: elig_m[p, :n_elig[p]], filled by
    # the eligibility pass, which goes through the members in order, so each list is in
    # member order. The programme loop visits these lists where it scanned every member
    # and skipped the ineligible: the same members in the same order, so each output
    # cell receives the same additions in the same order (results bit-identical)
    n_elig = np.zeros(n_prog, dtype=np.int64)
    elig_m = np.zeros((n_prog, m_max), dtype=np.int64)
    might = np.zeros(m_max, dtype=np.bool_)
    combo_e = np.zeros((m_max, n_draws), dtype=np.int64)
    combo_r = np.zeros((m_max, n_draws), dtype=np.int64)
    hh_benefit = np.zeros((n_prog, n_draws))
    total = np.zeros(n_draws)
    b_month = np.zeros(m_max, dtype=np.int64)
    m_preg = np.zeros((m_max, n_prog), dtype=np.int64)  # months of pregnancy groups
    m_other = np.zeros((m_max, n_prog), dtype=np.int64)  # months of the other groups
    carry = np.zeros((n_prog, n_draws))  # cash of last year's last cycle, paid in January
    for h in range(chunk_hh[c], chunk_hh[c + 1]):
        for p in range(n_prog):
            for d in range(n_draws):
                carry[p, d] = 0.0
        first = hh_start[h]
        n_mem = hh_start[h + 1] - first
        w_h = weight0[first]
        # member state that does not change over the years
        for m in range(n_mem):
            i = first + m
            uu = np.uint64(uid[i])
            w[m] = weight0[i]
            u_dis[m] = uniform(useed, uu, np.uint64(0), np.uint64(DISABILITY)) \
                if S_DISABLED and need_dis else 1.0
            b_month[m] = int(12.0 * uniform(useed, uu, np.uint64(0), np.uint64(BIRTH_MONTH))) \
                if S_MONTHLY and need_month else 0
            # draws (and `paid`) only for the programmes that look at one of the age
            # table's rows its years read (r_lo to r_hi; no other lists it as eligible),
            # and member 0's for every household programme (read whatever its age)
            e0 = max(entry_idx[i], 0)
            r_lo = age0[i] + e0 - entry_idx[i] - age_first + (0 if months[i] <= 11 else n_rows)
            r_hi = r_lo + n_years - 1 - e0
            for p in range(n_prog):
                if not ((e0 < n_years and reach[r_lo, p] <= r_hi) or (
                        S_HOUSEHOLD and m == 0 and not monthly[p] and unit[p] == UNIT_HOUSEHOLD)):
                    continue
                s = stream[p]
                u_take[m, p] = uniform(useed, uu, s, np.uint64(TAKE_UP)) \
                    if need_take[p] else 0.0
                u_roll[m, p] = uniform(useed, uu, s, np.uint64(ROLLOUT)) \
                    if need_roll[p] else 0.0
                u_excl[m, p] = uniform(useed, uu, s, np.uint64(EXCLUSION)) \
                    if S_TARGETED and need_excl[p] else 1.0
                u_incl[m, p] = uniform(useed, uu, s, np.uint64(INCLUSION)) \
                    if S_TARGETED and need_incl[p] else 1.0
                for d in range(n_draws):
                    paid[m, p, d] = False
            for g in range(n_groups):
                ok = True
                for q in range(group_cond_start[g], group_cond_start[g + 1]):
                    var = cond_var[q]
                    if S_STATIC and var >= 0 and not _holds(static[var, i], cond_kind[q], cond_lo[q],
                                               cond_hi[q], cond_mask[q]):
                        ok = False
                        break
                static_ok[m, g] = ok
        grp_h = group[first]
        welfare_h = welfare[first]
        # the bin and gap of welfare before transfers, for the line they were computed at,
        # and the welfare (x_lo, x_hi) surely in that bin at that line
        z_binned = np.nan
        b0 = 0
        gap0 = 0.0
        x_lo = x_hi = 0.0
        for y in range(n_years):
            # population and the household's expected composition
            size = 0.0
            persons = 0.0
            for m in range(n_mem):
                i = first + m
                if y < entry_idx[i]:
                    ages[m] = -1
                    continue
                age = age0[i] + (y - entry_idx[i])
                ages[m] = age
                persons += w[m]
                size += w[m] / w_h
            if y >= first_active and persons > 0.0:
                # households represented this year: the first year's weight,
                # shrinking as the expected size falls below one
                w_hh = w_h * min(1.0, size)
                # conditions (shared by the draws): person-level eligibility
                any_elig = False  # a member eligible for some programme this year
                hh_any = False  # a member eligible for a household programme
                for p in range(n_prog):
                    n_elig[p] = 0
                for m in range(n_mem):
                    if S_OVERLAP:
                        might[m] = False  # eligible for some programme (completed below)
                    if ages[m] < 0:
                        continue
                    i = first + m
                    age = ages[m]
                    a = min(age, MAX_AGE)
                    mo = months[i] if months[i] >= 0 else 0
                    windowed = mo <= 11  # the age windows assume months 0..11
                    preg_known = False
                    preg = False
                    dis = False
                    if S_DISABLED:
                        dis = (disabled_data[i] == 1 if has_disabled_data and entry_idx[i] == 0
                               else u_dis[m] < disability[a])
                    preg_m_known = False
                    birth_this = False
                    birth_next = False
                    month_this = 0
                    month_next = 0
                    # the programmes whose age window holds the member (all of them
                    # when the windows do not apply) are evaluated, those decided by
                    # the age alone are looked up
                    age_row = age - age_first + (0 if windowed else n_rows)
                    for p in range(n_prog):
                        lk = look[age_row, p]
                        if lk == LOOK_SKIP:
                            continue
                        eligible = False
                        if S_YEARLY and lk == LOOK_ELIGIBLE:
                            eligible = True
                        elif S_MONTHLY and monthly[p]:
                            # months within the year: a 12-bit mask per group
                            mp = 0
                            mo_ = 0
                            for g in range(prog_group_start[p], prog_group_start[p + 1]):
                                if not static_ok[m, g]:
                                    continue
                                gm = _age_mask(age, b_month[m], 0, 0.0, 1e300, 0, True)
                                is_preg = False
                                for q in range(group_cond_start[g],
                                               group_cond_start[g + 1]):
                                    var = cond_var[q]
                                    if var >= 0:
                                        continue
                                    if var == VAR_AGE or var == VAR_AGE_MONTHS:
                                        gm &= _age_mask(age, b_month[m], cond_kind[q],
                                                        cond_lo[q], cond_hi[q],
                                                        cond_mask[q], var == VAR_AGE_MONTHS)
                                    elif S_PREGNANT and var == VAR_PREGNANT:
                                        if not preg_m_known:
                                            preg_m_known = True
                                            uu = np.uint64(uid[i])
                                            if has_pregnant_data and y == first_active:
                                                birth_this = pregnant_data[i] == 1
                                            else:
                                                birth_this = sex[i] == 1 and uniform(
                                                    useed, uu, np.uint64(years[y]),
                                                    np.uint64(PREGNANCY)) < fertility[y, a]
                                            yn = min(y + 1, n_years - 1)
                                            birth_next = sex[i] == 1 and uniform(
                                                useed, uu, np.uint64(years[y] + 1),
                                                np.uint64(PREGNANCY)) < fertility[
                                                    yn, min(age + 1, MAX_AGE)]
                                            month_this = int(12.0 * uniform(
                                                useed, uu, np.uint64(years[y]),
                                                np.uint64(BIRTH_IN_YEAR)))
                                            month_next = int(12.0 * uniform(
                                                useed, uu, np.uint64(years[y] + 1),
                                                np.uint64(BIRTH_IN_YEAR)))
                                        pm = _pregnancy_mask(birth_this, month_this,
                                                             birth_next, month_next,
                                                             preg_reg[p])
                                        if _holds(1.0, cond_kind[q], cond_lo[q],
                                                  cond_hi[q], cond_mask[q]):
                                            gm &= pm
                                            is_preg = True
                                        else:
                                            gm &= ALL_MONTHS & ~pm
                                    elif S_DISABLED:
                                        if not _holds(1.0 if dis else 0.0, cond_kind[q],
                                                      cond_lo[q], cond_hi[q],
                                                      cond_mask[q]):
                                            gm = 0
                                if is_preg:
                                    mp |= gm
                                else:
                                    mo_ |= gm
                            m_preg[m, p] = mp
                            m_other[m, p] = mo_
                            eligible = (mp | mo_) != 0
                        elif S_YEARLY:
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
                                    elif S_PREGNANT and var == VAR_PREGNANT:
                                        if not preg_known:
                                            preg_known = True
                                            if has_pregnant_data and y == first_active:
                                                preg = pregnant_data[i] == 1
                                            else:
                                                preg = sex[i] == 1 and uniform(
                                                    useed, np.uint64(uid[i]),
                                                    np.uint64(years[y]),
                                                    np.uint64(PREGNANCY)) < fertility[y, a]
                                        v = 1.0 if preg else 0.0
                                    elif S_DISABLED:
                                        v = 1.0 if dis else 0.0
                                    else:
                                        v = 0.0
                                    if not _holds(v, cond_kind[q], cond_lo[q], cond_hi[q],
                                                  cond_mask[q]):
                                        ok = False
                                        break
                                if ok:
                                    eligible = True
                                    break
                        if eligible:
                            elig_m[p, n_elig[p]] = m
                            n_elig[p] += 1
                            any_elig = True
                            if S_OVERLAP:
                                might[m] = True
                            if S_HOUSEHOLD and unit[p] == UNIT_HOUSEHOLD:
                                hh_any = True
                # members who may be in a programme in some draw (eligible for one, or
                # any member when one is eligible for a household programme: both
                # found by the eligibility pass): their combinations of programmes are
                # kept per draw; the others' are none in every draw
                w_none = 0.0
                if S_OVERLAP:
                    for m in range(n_mem):
                        if ages[m] < 0:
                            continue
                        if hh_any:
                            might[m] = True
                        if might[m]:
                            for d in range(n_draws):
                                combo_e[m, d] = 0
                                combo_r[m, d] = 0
                        else:
                            w_none += w[m]
                if S_POVERTY:  # the transfers per draw, for poverty after them
                    for d in range(n_draws):
                        total[d] = 0.0
                # programmes in declaration order, every draw (none to evaluate when no
                # member is eligible and no monthly programme carries last year's cash)
                for p in range(n_prog if any_elig or need_month else 0):
                    bit = np.int64(1) << np.int64(p)
                    for d in range(n_draws):
                        hh_benefit[p, d] = 0.0
                    row = target_row[p]
                    if S_MONTHLY and monthly[p]:
                        # last year's last payment cycle, paid in January of this year
                        for d in range(n_draws):
                            out[c, y, p, grp_h, TRANSFERS, d] += carry[p, d]
                            carry[p, d] = 0.0
                        early = (1 << (12 - pay_every[p])) - 1  # months paid this year
                        for k in range(n_elig[p]):  # the eligible members, in order
                            m = elig_m[p, k]
                            i = first + m
                            tv = target_value[row, i] if S_TARGETED and row >= 0 else 0.0
                            rate_k = take_up_code[p, i]
                            # the member's values, read once (each store into `out` below
                            # would make every later read of them a load again)
                            wm = w[m]
                            ue = u_excl[m, p]
                            ui = u_incl[m, p]
                            ut = u_take[m, p]
                            ur = u_roll[m, p]
                            mp_ = m_preg[m, p]
                            mo_ = m_other[m, p]
                            age_m = ages[m]
                            bm = b_month[m]
                            months_e = wm * _popcount12(mp_ | mo_)
                            for d in range(n_draws):
                                truly = True
                                selected = True
                                if S_TARGETED and row >= 0:
                                    truly = tv < target_threshold[p, d]
                                    selected = (ue >= exclusion[p, d]) if truly \
                                        else (ui < inclusion[p, d])
                                if truly:
                                    out[c, y, p, grp_h, ELIGIBLE, d] += wm
                                    out[c, y, p, grp_h, ELIGIBLE_MONTHS, d] += months_e
                                    if S_OVERLAP:
                                        combo_e[m, d] |= bit
                                if not (selected and ut < take_up_rate[p, rate_k, d]):
                                    continue
                                mask = 0
                                if ur < rollout[p, y, d]:
                                    mask = mp_
                                if mo_ != 0:
                                    if enrol_hi[p] > enrol_lo[p]:
                                        e = _enrolled_from(age_m, bm, enrol_lo[p], enrol_hi[p],
                                                           ur, rollout[p], y, d)
                                        if e < 12:
                                            mask |= mo_ & (ALL_MONTHS & ~((1 << max(e, 0)) - 1))
                                    elif ur < rollout[p, y, d]:
                                        mask |= mo_
                                n_paid = _popcount12(mask)
                                if n_paid == 0:
                                    continue
                                if S_OVERLAP:
                                    combo_r[m, d] |= bit
                                per_month = month_amount[p, y, d]
                                n_early = _popcount12(mask & early)
                                hh_benefit[p, d] += wm / w_h * per_month * n_paid
                                out[c, y, p, grp_h, BENEFICIARIES, d] += wm
                                out[c, y, p, grp_h, BENEFICIARY_MONTHS, d] += wm * n_paid
                                out[c, y, p, grp_h, TRANSFERS_DUE, d] += wm * per_month * n_paid
                                out[c, y, p, grp_h, TRANSFERS, d] += wm * per_month * n_early
                                carry[p, d] += wm * per_month * (n_paid - n_early)
                                if truly:
                                    out[c, y, p, grp_h, BENEFICIARIES_ELIGIBLE, d] += wm
                                if age_m == 0:
                                    out[c, y, p, grp_h, BENEFICIARIES_AT_BIRTH, d] += wm
                        if S_POVERTY:
                            for d in range(n_draws):
                                total[d] += hh_benefit[p, d]
                        continue
                    if not S_YEARLY:
                        continue
                    if S_PERSON_YEARLY and unit[p] == UNIT_PERSON:
                        targeted = S_TARGETED and row >= 0
                        for k in range(n_elig[p]):  # the eligible members, in order
                            m = elig_m[p, k]
                            i = first + m
                            # the member's values, read once (the stores into `out`
                            # below would make every later read of them a load again)
                            wm = w[m]
                            tv = target_value[row, i] if targeted else 0.0
                            rate_k = take_up_code[p, i]
                            ue = u_excl[m, p]
                            ui = u_incl[m, p]
                            ur = u_roll[m, p]
                            ut = u_take[m, p]
                            newborn = ages[m] == 0
                            for d in range(n_draws):
                                truly = True
                                selected = True
                                if targeted:
                                    truly = tv < target_threshold[p, d]
                                    selected = (ue >= exclusion[p, d]) if truly \
                                        else (ui < inclusion[p, d])
                                if truly:
                                    out[c, y, p, grp_h, ELIGIBLE, d] += wm
                                    out[c, y, p, grp_h, ELIGIBLE_MONTHS, d] += 12.0 * wm
                                    if S_OVERLAP:
                                        combo_e[m, d] |= bit
                                if not (selected and ur < rollout[p, y, d]
                                        and ut < take_up_rate[p, rate_k, d]):
                                    continue
                                if S_ONCE and once[p]:
                                    if paid[m, p, d]:
                                        continue
                                    paid[m, p, d] = True
                                if S_OVERLAP:
                                    combo_r[m, d] |= bit
                                value = amount[p, y, d]
                                hh_benefit[p, d] += wm / w_h * value
                                out[c, y, p, grp_h, BENEFICIARIES, d] += wm
                                out[c, y, p, grp_h, TRANSFERS, d] += wm * value
                                out[c, y, p, grp_h, TRANSFERS_DUE, d] += wm * value
                                out[c, y, p, grp_h, BENEFICIARY_MONTHS, d] += 12.0 * wm
                                if truly:
                                    out[c, y, p, grp_h, BENEFICIARIES_ELIGIBLE, d] += wm
                                if newborn:
                                    out[c, y, p, grp_h, BENEFICIARIES_AT_BIRTH, d] += wm
                        if S_POVERTY:
                            for d in range(n_draws):
                                total[d] += hh_benefit[p, d]
                        continue
                    if not S_HOUSEHOLD:
                        continue
                    # household programme: eligible when any member meets the conditions
                    if n_elig[p] == 0:
                        continue
                    counted0 = 0.0  # counted income from the data, start_year prices
                    if S_MEANS and kind[p] != KIND_FLAT and income_row[p] >= 0:
                        for m in range(n_mem):
                            if ages[m] >= 0:
                                x = income[income_row[p], first + m]
                                if x == x:  # NaN (unknown) counts as zero
                                    counted0 += w[m] / w_h * x
                    tv = target_value[row, first] if S_TARGETED and row >= 0 else 0.0
                    rate_k = take_up_code[p, first]
                    mask = income_from[p]
                    ad = 0.0
                    ch = 0.0
                    composition_age = np.int64(-1)
                    for d in range(n_draws):
                        value = amount[p, y, d]
                        if S_MEANS and kind[p] != KIND_FLAT:
                            counted = counted0 * price_index[y, d]
                            for q in range(p):
                                if (mask >> np.int64(q)) & np.int64(1) == np.int64(1):
                                    counted += hh_benefit[q, d]
                            if S_TOP_UP and kind[p] == KIND_TOP_UP:
                                if child_age[p, d] != composition_age:
                                    composition_age = child_age[p, d]
                                    ad = 0.0
                                    ch = 0.0
                                    for m in range(n_mem):
                                        if ages[m] < 0:
                                            continue
                                        if ages[m] >= composition_age:
                                            ad += w[m] / w_h
                                        else:
                                            ch += w[m] / w_h
                                if ad >= 1.0:
                                    eq = eq_first[p, d] + eq_other[p, d] * (ad - 1.0) + \
                                        eq_child[p, d] * ch
                                else:
                                    eq = eq_first[p, d] * (ad + min(ch, 1.0 - ad)) + \
                                        eq_child[p, d] * max(0.0, ch - (1.0 - ad))
                                value = amount[p, y, d] * eq - taper[p, d] * max(
                                    0.0, counted - disregard[p, y, d])
                                value = min(cap[p, y, d], max(0.0, value))
                            elif S_UTILITY:
                                k = min(max(int(size + 0.5), 1), norm_cost.shape[2]) - 1
                                norm = norm_cost[p, y, k, d] * region_factor[
                                    p, region[first], d]
                                per_capita = counted / max(size, 1e-12)
                                share = band_share[p, band_upper.shape[1] - 1, d]
                                for b in range(band_upper.shape[1]):
                                    if per_capita < band_upper[p, b, d] * price_index[y, d]:
                                        share = band_share[p, b, d]
                                        break
                                value = max(0.0, norm - share * counted)
                            if value <= 0.0:
                                continue
                        truly = True
                        selected = True
                        if S_TARGETED and row >= 0:
                            truly = tv < target_threshold[p, d]
                            selected = (u_excl[0, p] >= exclusion[p, d]) if truly else (
                                u_incl[0, p] < inclusion[p, d])
                        if truly:
                            if S_OVERLAP:
                                for m in range(n_mem):
                                    if ages[m] >= 0:
                                        combo_e[m, d] |= bit
                            out[c, y, p, grp_h, ELIGIBLE, d] += persons
                            out[c, y, p, grp_h, ELIGIBLE_MONTHS, d] += 12.0 * persons
                            out[c, y, p, grp_h, HOUSEHOLDS_ELIGIBLE, d] += w_hh
                        if not (selected and u_roll[0, p] < rollout[p, y, d]
                                and u_take[0, p] < take_up_rate[p, rate_k, d]):
                            continue
                        if S_ONCE and once[p]:
                            if paid[0, p, d]:
                                continue
                            paid[0, p, d] = True
                        hh_benefit[p, d] = value
                        out[c, y, p, grp_h, HOUSEHOLDS_BENEFICIARIES, d] += w_hh
                        out[c, y, p, grp_h, BENEFICIARIES, d] += persons
                        out[c, y, p, grp_h, TRANSFERS, d] += w_hh * value
                        out[c, y, p, grp_h, TRANSFERS_DUE, d] += w_hh * value
                        out[c, y, p, grp_h, BENEFICIARY_MONTHS, d] += 12.0 * persons
                        if truly:
                            out[c, y, p, grp_h, BENEFICIARIES_ELIGIBLE, d] += persons
                        for m in range(n_mem):
                            if ages[m] >= 0:
                                if S_OVERLAP:
                                    combo_r[m, d] |= bit
                                if ages[m] == 0:
                                    out[c, y, p, grp_h, BENEFICIARIES_AT_BIRTH, d] += w[m]
                    if S_POVERTY:
                        for d in range(n_draws):
                            total[d] += hh_benefit[p, d]
                # poverty before and after transfers (start-year prices, per member)
                if S_POVERTY and welfare_h == welfare_h:
                    # welfare before transfers: its bin and gap are the same in every
                    # draw with the same line (computed once)
                    z0 = poverty_line[y, 0]
                    if z0 != z_binned:  # the same line as last year: the same bin
                        z_binned = z0
                        b0 = _bin(welfare_h / z0, n_bins) if z0 > 0.0 else 0
                        gap0 = (z0 - welfare_h) / z0 if z0 > 0.0 else 0.0
                        x_lo, x_hi = _bin_bounds(b0, z0, n_bins)
                    # with one line for every draw, a household-year that no draw pays
                    # has the same welfare after transfers in every draw: its bin and
                    # gap are draw 0's, and each draw's sums receive the same additions
                    # (added draw after draw, contiguous in memory: draws last)
                    unpaid = line_shared and n_draws > 1 and price_ok[y] and size == size
                    if unpaid:
                        for d in range(n_draws):
                            if total[d] != 0.0:
                                unpaid = False
                                break
                    if unpaid and z0 > 0.0:
                        # welfare_h + (+-0) / price / size: welfare_h in every draw (up to
                        # the sign of a zero, which leaves sums from +0.0 unchanged)
                        after = welfare_h + total[0] / price_index[y, 0] / max(size, 1e-12)
                        for k in range(2):
                            # (the before-transfers stage is draw 0's, copied to the
                            # others when the chunk ends)
                            nd = 1 if k == 0 else n_draws
                            x = welfare_h if k == 0 else after
                            for d in range(nd):
                                pov_out[c, y, k, POV_PERSONS, d] += persons
                            if x < z0:
                                for d in range(nd):
                                    pov_out[c, y, k, POV_POOR, d] += persons
                                for d in range(nd):
                                    pov_out[c, y, k, POV_GAP, d] += persons * gap0
                                for d in range(nd):
                                    pov_out[c, y, k, POV_SEVERITY, d] += persons * gap0 * gap0
                            cell = (y * 2 + k) * n_bins + b0
                            r = slot[cell]
                            if r < 0:  # a new row, as below
                                r, n_cells = _new_row(c, cell, slot, hist_out, n_cells)
                            for d in range(nd):
                                hist_value[c, r, 0, d] += persons
                            for d in range(nd):
                                hist_value[c, r, 1, d] += persons * x
                    for d in range(n_draws if not unpaid else 0):
                        z = poverty_line[y, d]
                        if z <= 0.0:
                            continue
                        after = welfare_h + total[d] / price_index[y, d] / max(size, 1e-12)
                        for k in range(0 if d == 0 or not line_shared else 1, 2):
                            # (with one line for every draw, the before-transfers stage
                            # is draw 0's, copied to the others when the chunk ends)
                            x = welfare_h if k == 0 else after
                            pov_out[c, y, k, POV_PERSONS, d] += persons
                            same = z == z0 and x == welfare_h
                            if x < z:
                                gap = gap0 if same else (z - x) / z
                                pov_out[c, y, k, POV_POOR, d] += persons
                                pov_out[c, y, k, POV_GAP, d] += persons * gap
                                pov_out[c, y, k, POV_SEVERITY, d] += persons * gap * gap
                            # (no logarithm where x is surely in the bin of welfare_h)
                            b = b0 if same or (z == z0 and x_lo < x < x_hi) else _bin(
                                x / z, n_bins)
                            # the cell's row in the chunk's compact histogram (made,
                            # zero, at its first use: each row is the chunk's sum
                            # from zero, in household order, as a dense one would be;
                            # the lookup inline, a new row, rare, by a call)
                            cell = (y * 2 + k) * n_bins + b
                            r = slot[cell]
                            if r < 0:
                                r, n_cells = _new_row(c, cell, slot, hist_out, n_cells)
                            hist_value[c, r, 0, d] += persons
                            hist_value[c, r, 1, d] += persons * x
                if S_OVERLAP and do_overlap:
                    for m in range(n_mem):
                        if ages[m] < 0 or not might[m]:
                            continue
                        for d in range(n_draws):
                            overlap_out[c, y, combo_e[m, d], 0, d] += w[m]
                            overlap_out[c, y, combo_r[m, d], 1, d] += w[m]
                    if w_none > 0.0:
                        for d in range(n_draws):
                            overlap_out[c, y, 0, 0, d] += w_none
                            overlap_out[c, y, 0, 1, d] += w_none
            # survival to the next year
            for m in range(n_mem):
                if ages[m] >= 0:
                    w[m] *= survival[y, sex[first + m], min(ages[m], MAX_AGE)]
    if S_POVERTY and line_shared and n_draws > 1:
        # the before-transfers stage does not depend on the draw when the line does
        # not: each draw's sums are draw 0's (the same additions in the same order)
        for y in range(n_years):
            for j in range(N_POV):
                for d in range(1, n_draws):
                    pov_out[c, y, 0, j, d] = pov_out[c, y, 0, j, 0]
        for r in range(n_cells):
            if (hist_key[c, r] // n_bins) % 2 == 0:  # a before-transfers cell
                for hj in range(2):
                    for d in range(1, n_draws):
                        hist_value[c, r, hj, d] = hist_value[c, r, hj, 0]
    hist_count[c] = n_cells
    for r in range(n_cells):  # the thread's map back to all -1 for its next chunk
        slot[hist_key[c, r]] = -1


@njit(cache=True, nogil=True, error_model="numpy")
def project_chunks(first, step, hh_start, chunk_hh, records, demography, rules, params, outs,
                   settings):
    """Chunks ``first, first + step, ...`` of ``chunk_hh`` through
    :func:`household_chunk` (each writes only its own slice ``outs[k][c]``), without
    the GIL: :func:`run_threads` runs one call per thread. The bundles (tuples of arrays,
    in the order :func:`household_chunk` unpacks them): ``records`` per record,
    ``demography`` (survival, fertility, disability, years), ``rules`` (the programmes'
    structure tables), ``params`` (parameter tables, draws on the last axis), ``outs``
    (the four outputs, the histogram as its compact (keys, values, counts): see
    :func:`project_households`) and ``settings`` (first_active, has_pregnant_data,
    has_disabled_data, seed, max_members, n_bins).

    ``error_model="numpy"``: no zero test before each division (the default model's
    test and exception path kept the poverty stage's divisions from running fast: 17 %
    of a warm run with every output, docs/performance.md "Round 8 (opts)"). Every
    divisor is a constant, at least 1e-12, a poverty line or first-record weight
    tested or known > 0, or a price index, > 0 because inflation > -1 is checked
    (``fiscal.macro_path``), so the divisions are those the default model ran."""
    slot = np.full(demography[3].shape[0] * 2 * settings[5], -1, dtype=np.int32)
    for c in range(first, chunk_hh.shape[0] - 1, step):
        household_chunk(c, hh_start, chunk_hh, records, demography, rules, params, outs,
                        settings, slot)
