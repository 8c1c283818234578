"""The benchmark's three rules (benchmarks/bench_projection.py), as OpenFisca formulas.

Inputs per person and year (set by the benchmark from the same prepared arrays the
engine reads): ``age``, ``present`` (the record has entered the population),
``welfare_percentile`` and the uniform draws ``u_*`` (simulate.kernels.rng's
counter-based numbers, the same for every year). Outputs per person and year:
eligibility, receipt and the annual transfer of each programme, in LAK.
"""

from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from .entities import Person

YEAR = DateUnit.YEAR


class age(Variable):
    entity = Person
    definition_period = YEAR
    value_type = int
    label = "Age in completed years on 1 January"


class present(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "The record is in the population this year (born or entered)"


class welfare_percentile(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Percentile of the record's household welfare per capita (0-100)"


class u_child_take_up(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Uniform draw: take-up of the child grant"


class u_child_rollout(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Uniform draw: roll-out of the child grant"


class u_pension_take_up(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Uniform draw: take-up of the social pension"


class u_school_take_up(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Uniform draw: take-up of the school grant"


class child_grant_eligible(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "Child grant: under the age limit"

    def formula(person, period, parameters):
        p = parameters(period).child_grant
        return person("present", period) * (person("age", period) < p.age_max)


class child_grant_receives(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "Child grant: eligible, takes it up and reached by the roll-out"

    def formula(person, period, parameters):
        p = parameters(period).child_grant
        return (person("child_grant_eligible", period)
                * (person("u_child_take_up", period) < p.take_up)
                * (person("u_child_rollout", period) < p.rollout))


class child_grant(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Child grant paid in the year (LAK)"

    def formula(person, period, parameters):
        p = parameters(period)
        amount = p.child_grant.monthly_amount * 12 * p.price_index
        return person("child_grant_receives", period) * amount


class social_pension_eligible(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "Social pension: at or over the pension age"

    def formula(person, period, parameters):
        p = parameters(period).social_pension
        a = person("age", period)
        return person("present", period) * (a >= p.age_min) * (a < p.age_max)


class social_pension_receives(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "Social pension: eligible and takes it up"

    def formula(person, period, parameters):
        p = parameters(period).social_pension
        return (person("social_pension_eligible", period)
                * (person("u_pension_take_up", period) < p.take_up))


class social_pension(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "Social pension paid in the year (LAK)"

    def formula(person, period, parameters):
        p = parameters(period)
        amount = p.social_pension.monthly_amount * 12 * p.price_index
        return person("social_pension_receives", period) * amount


class school_grant_eligible(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "School grant: school age and in the poorest share"

    def formula(person, period, parameters):
        p = parameters(period).school_grant
        a = person("age", period)
        return (person("present", period) * (a >= p.age_min) * (a < p.age_max)
                * (person("welfare_percentile", period) < p.welfare_percentile_max))


class school_grant_receives(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "School grant: eligible and takes it up"

    def formula(person, period, parameters):
        p = parameters(period).school_grant
        return (person("school_grant_eligible", period)
                * (person("u_school_take_up", period) < p.take_up))


class school_grant(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "School grant paid in the year (LAK)"

    def formula(person, period, parameters):
        p = parameters(period)
        return person("school_grant_receives", period) * p.school_grant.annual_amount \
            * p.price_index


#: every variable of the package, in the order above
ALL = [v for v in list(globals().values())
       if isinstance(v, type) and issubclass(v, Variable) and v is not Variable]
