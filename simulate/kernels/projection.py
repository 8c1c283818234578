"""The fused projection kernel: every record through every year, one pass.

Hot loop only: plain arrays in, preallocated arrays out; nothing else of the
package is imported. ``simulate.programmes.rules`` builds the rule tables and
``simulate.costing`` turns the totals into labelled results.

Records are split into fixed chunks of ``chunk_size`` (independent of the
thread count); each chunk accumulates into its own slice of the output, and
:func:`reduce_chunks` sums the chunks in order, so the result is bit-identical
whatever the number of threads or batches.

Per record and year (y = year index, k = years since the record entered):

* age = age0 + k; the population tables read ages above 100 as 100;
* pregnant: the data's flag in the first year if the data carry it, otherwise
  a draw ``u(seed, uid, year, PREGNANCY) < fertility[y, age]`` (women only);
* disabled: the data's flag for records of the first population year if the
  data carry it, otherwise ``u(seed, uid, 0, DISABILITY) < disability[age]``:
  one draw per person against a prevalence rising with age, so a person who
  becomes disabled stays so and prevalence by age follows the profile;
* eligibility: any-of groups, each all-of its conditions
  (range ``lo <= v < hi`` or a set of integer codes as a bit mask);
* poverty targeting: poor if the welfare percentile < the threshold; the poor
  are excluded with probability ``exclusion_error``, the non-poor who meet the
  conditions included with probability ``inclusion_error`` (draws per unit and
  programme, fixed over years);
* beneficiary: selected, reached (``u_rollout < rollout[p, y]``) and taking up
  (``u_take_up < take_up[p]``), draws per unit and programme fixed over years;
* transfer: ``amount[p, y]`` (annual, nominal); a once-only benefit pays in
  the first year the record is a beneficiary and counts it as a beneficiary
  only that year;
* the weight then shrinks by survival to the next year.
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
N_MEASURES = 4
MAX_AGE = 100


@njit(cache=True)
def _holds(v, kind, lo, hi, mask):
    if kind == 0:
        return v >= lo and v < hi
    if v < 0.0 or v >= 63.0 or v != np.floor(v):
        return False
    return (mask >> np.int64(v)) & np.int64(1) == np.int64(1)


@njit(cache=True, parallel=True)
def project_records(
    age0, months, sex, entry_idx, weight0, uid, group, percentile, pregnant_data,
    disabled_data, static, survival, fertility, disability, years, first_active,
    has_pregnant_data, has_disabled_data,
    prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi, cond_mask,
    take_up, rollout, amount, once, target_kind, target_pct, exclusion, inclusion, stream,
    seed, chunk_size, out, pop_out,
):
    """Accumulate totals into ``out[chunk, year, programme, group, measure]`` and
    weights alive into ``pop_out[chunk, year, sex, age]`` (see module docstring)."""
    n = age0.shape[0]
    n_years = years.shape[0]
    n_prog = take_up.shape[0]
    n_groups = group_cond_start.shape[0] - 1
    n_chunks = (n + chunk_size - 1) // chunk_size
    useed = np.uint64(seed)
    for c in prange(n_chunks):
        u_take = np.empty(n_prog)
        u_roll = np.empty(n_prog)
        u_excl = np.empty(n_prog)
        u_incl = np.empty(n_prog)
        paid = np.zeros(n_prog, dtype=np.bool_)
        static_ok = np.empty(n_groups, dtype=np.bool_)
        for i in range(c * chunk_size, min(n, (c + 1) * chunk_size)):
            uu = np.uint64(uid[i])
            for p in range(n_prog):
                s = stream[p]
                u_take[p] = uniform(useed, uu, s, np.uint64(TAKE_UP))
                u_roll[p] = uniform(useed, uu, s, np.uint64(ROLLOUT))
                if target_kind[p] == 1:  # targeting-error draws only where they are used
                    u_excl[p] = uniform(useed, uu, s, np.uint64(EXCLUSION))
                    u_incl[p] = uniform(useed, uu, s, np.uint64(INCLUSION))
                paid[p] = False
            # conditions on columns that do not change over time, once per record
            for g in range(n_groups):
                ok = True
                for q in range(group_cond_start[g], group_cond_start[g + 1]):
                    var = cond_var[q]
                    if var >= 0 and not _holds(static[var, i], cond_kind[q], cond_lo[q],
                                               cond_hi[q], cond_mask[q]):
                        ok = False
                        break
                static_ok[g] = ok
            dis_from_data = has_disabled_data and entry_idx[i] == 0
            u_dis = uniform(useed, uu, np.uint64(0), np.uint64(DISABILITY))
            w = weight0[i]
            sx = sex[i]
            grp = group[i]
            mo = months[i] if months[i] >= 0 else 0
            for y in range(entry_idx[i], n_years):
                age = age0[i] + (y - entry_idx[i])
                a = min(age, MAX_AGE)
                pop_out[c, y, sx, a] += w
                if y >= first_active:
                    preg_known = False  # the pregnancy draw is made only if a rule asks
                    preg = False
                    for p in range(n_prog):
                        elig = False
                        for g in range(prog_group_start[p], prog_group_start[p + 1]):
                            if not static_ok[g]:
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
                                            preg = sx == 1 and uniform(
                                                useed, uu, np.uint64(years[y]),
                                                np.uint64(PREGNANCY)) < fertility[y, a]
                                    v = 1.0 if preg else 0.0
                                elif dis_from_data:
                                    v = float(disabled_data[i])
                                else:
                                    v = 1.0 if u_dis < disability[a] else 0.0
                                if not _holds(v, cond_kind[q], cond_lo[q], cond_hi[q],
                                              cond_mask[q]):
                                    ok = False
                                    break
                            if ok:
                                elig = True
                                break
                        if not elig:
                            continue
                        if target_kind[p] == 1:
                            poor = percentile[i] < target_pct[p]
                            if poor:
                                out[c, y, p, grp, ELIGIBLE] += w
                                selected = u_excl[p] >= exclusion[p]
                            else:
                                selected = u_incl[p] < inclusion[p]
                        else:
                            out[c, y, p, grp, ELIGIBLE] += w
                            selected = True
                        if not (selected and u_roll[p] < rollout[p, y] and u_take[p] < take_up[p]):
                            continue
                        if once[p]:
                            if paid[p]:
                                continue
                            paid[p] = True
                        out[c, y, p, grp, BENEFICIARIES] += w
                        out[c, y, p, grp, TRANSFERS] += w * amount[p, y]
                        if age == 0:
                            out[c, y, p, grp, BENEFICIARIES_AT_BIRTH] += w
                w *= survival[y, sx, a]


@njit(cache=True)
def reduce_chunks(chunks, total):
    """Add ``chunks[c]`` into ``total`` in chunk order (deterministic summation)."""
    flat_total = total.reshape(-1)
    for c in range(chunks.shape[0]):
        flat = chunks[c].reshape(-1)
        for j in range(flat.shape[0]):
            flat_total[j] += flat[j]
