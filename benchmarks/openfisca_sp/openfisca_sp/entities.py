"""Entities: a person and the household it belongs to (OpenFisca needs a group entity;
the three rules are all individual)."""

from openfisca_core.entities import build_entity

Household = build_entity(
    key="household", plural="households", label="Household",
    roles=[{"key": "member", "plural": "members", "label": "Member"}],
)

Person = build_entity(key="person", plural="persons", label="Person", is_person=True)

entities = [Household, Person]
