"""Commented starting scenarios for ``spsim new COUNTRY [--template NAME]``."""

from __future__ import annotations

HEADER = """\
# A scenario for {name} ({code}), made by `spsim new {code} --template {template}`.
# Every key is documented in docs/scenario-reference.md; amounts are in {currency}
# at {base_year} prices unless a key says otherwise. Check it with `spsim validate`.

[scenario]
name = "{name}: {title}"
id = "{code}_{template}"              # output folder: outputs/{code}_{template}/
country = "{code}"                    # the profile in simulate/data/profiles/{code}.toml
start_year = {base_year}
end_year = {end_year}
seed = 1

[population]
source = "synthetic"                  # or a path to household microdata (.csv, .parquet)
records = 200_000                     # weights scale the records to the national population

# [macro]                             # overrides of the country profile
# real_gdp_growth = 0.04
# inflation = {{ {base_year} = 0.05, {later} = 0.03 }}
"""

TEMPLATES = {
    "child_grant": ("child grant", """
[programmes.child_grant]
label = "Child grant"
# a table of conditions: all must hold; a list of tables: any of them
eligibility = [{{ pregnant = true }}, {{ age_months = [0, 24] }}]
benefit = {{ amount = {amount}, period = "month", indexation = "cpi" }}   # illustrative: a quarter of the monthly poverty line
take_up = 0.85                        # share of reached eligible who claim it (assumption)
rollout = {{ {base_year} = 0.2, {later} = 1.0 }}       # share of eligible reached, linear between
admin = {{ share_of_transfers = 0.08 }}                   # assumption: edit
"""),
    "social_pension": ("social pension", """
[programmes.social_pension]
label = "Social pension"
eligibility = {{ age = [65, 200] }}
benefit = {{ amount = {amount}, period = "month", indexation = "cpi" }}   # assumption: edit
take_up = 0.9                         # assumption
rollout = {{ {base_year} = 0.5, {later} = 1.0 }}
admin = {{ share_of_transfers = 0.05, per_beneficiary_year = 0 }}
"""),
    "school_grant": ("school grant for the poorest 40%", """
[programmes.school_grant]
label = "School grant"
eligibility = {{ age = [6, 18] }}
benefit = {{ amount = {amount}, period = "year", indexation = "cpi" }}    # assumption: edit
take_up = 0.8                         # assumption
targeting = {{ method = "poverty", welfare_percentile_max = 40, exclusion_error = 0.2, inclusion_error = 0.05 }}
admin = {{ share_of_transfers = 0.08 }}
"""),
}


def render(profile, template: str) -> str:
    """A commented scenario for ``profile`` using one of :data:`TEMPLATES`."""
    title, body = TEMPLATES[template]
    # illustrative amounts: a quarter of the monthly poverty line a month, or 5% of the
    # yearly line a year for the school grant
    raw = profile.poverty_line * (0.05 if template == "school_grant" else 0.25 / 12)
    amount = round(raw, -2) if raw >= 1e4 else round(raw, 2)
    fields = dict(name=profile.name, code=profile.code, currency=profile.currency,
                  base_year=profile.base_year, end_year=profile.base_year + 14,
                  later=profile.base_year + 5, template=template, title=title, amount=amount)
    return HEADER.format(**fields) + body.format(**fields)
