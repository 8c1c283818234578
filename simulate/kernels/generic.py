"""The generic projection kernel (every structure compiled in) called by named
arguments: the order of its parameters is the order the engine's rule tables follow
(``programmes.rules._kernel_parameters``), and the tests call it on generated cases.
The engine itself calls the kernel specialised to a scenario's structure
(:mod:`simulate.kernels.specialise`): the same arithmetic.

Hot loop support only: nothing else of the package is imported.
"""

from __future__ import annotations

import numba

from .projection import project_chunks
from .reduction import expand_histogram, histogram_rows
from .threads import run_threads


def project_households(
    hh_start, chunk_hh,
    age0, months, sex, entry_idx, weight0, uid, group, pregnant_data, disabled_data,
    static, welfare, target_value, income,
    survival, fertility, disability, years, first_active, has_pregnant_data,
    has_disabled_data,
    prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi, cond_mask,
    unit, kind, once, target_row, stream, income_row, income_from, take_up_code,
    region, seed, max_members, monthly, pay_every, preg_reg, enrol_lo, enrol_hi,
    price_index, poverty_line, take_up_rate, rollout, amount, target_threshold, exclusion,
    inclusion, disregard, taper, cap, eq_first, eq_other, eq_child, child_age, norm_cost,
    region_factor, band_upper, band_share,
    out, pov_out, hist_out, overlap_out,
):
    """The generic kernel (every structure compiled in) by named arguments: accumulate,
    per chunk of households and per parameter draw d (the last axis):
    ``out[chunk, year, programme, group, measure, d]``,
    ``pov_out[chunk, year, before/after, measure, d]``,
    ``hist_out[chunk, year, before/after, bin, weight/welfare, d]`` (dense here; the
    kernel itself writes each chunk's histogram compactly, :func:`histogram_rows`),
    ``overlap_out[chunk, year, combination, eligible/receiving, d]`` (persons;
    combinations as bit masks of programmes, when there are at most 12). The population
    by sex and age and the persons by welfare group are demography, computed apart
    (:mod:`simulate.kernels.demography`).

    The parameter tables after ``max_members`` carry the draws on their last axis
    (``price_index[year, d]``, ``amount[programme, year, d]``, ...); everything before
    them is shared by all draws: each household's members, composition, eligibility
    conditions and random draws are computed once and every parameter draw is
    evaluated on them (common random numbers). The engine calls the kernel specialised
    to the scenario's structure instead (kernels/specialise.py): same arithmetic.
    """
    n_chunks, n_bins = chunk_hh.shape[0] - 1, hist_out.shape[3]
    compact = histogram_rows(n_chunks, years.shape[0] * 2 * n_bins, hist_out.shape[-1])
    run_threads(
        project_chunks, n_chunks, numba.get_num_threads(), hh_start, chunk_hh,
        (age0, months, sex, entry_idx, weight0, uid, group, pregnant_data, disabled_data,
         static, welfare, target_value, income, region),
        (survival, fertility, disability, years),
        (prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi,
         cond_mask, unit, kind, once, target_row, stream, income_row, income_from,
         take_up_code, monthly, pay_every, preg_reg, enrol_lo, enrol_hi),
        (price_index, poverty_line, take_up_rate, rollout, amount, target_threshold,
         exclusion, inclusion, disregard, taper, cap, eq_first, eq_other, eq_child,
         child_age, norm_cost, region_factor, band_upper, band_share),
        (out, pov_out, compact, overlap_out),
        (first_active, has_pregnant_data, has_disabled_data, seed, max_members, n_bins))
    expand_histogram(*compact, hist_out.reshape(n_chunks, -1, 2, hist_out.shape[-1]))
