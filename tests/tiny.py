"""The smallest useful scenario file, shared by the tests of the output folder
(tests/test_outputs.py) and of interrupted runs (tests/test_interrupts.py): three
years, 200 records, one pension."""

TINY = """\
[scenario]
name = "Tiny"
id = "tiny"
country = "lao"
start_year = 2025
end_year = 2027
seed = 5
[population]
records = 200
[programmes.pension]
eligibility = { age = [65, 200] }
benefit = { amount = 300_000 }
"""
