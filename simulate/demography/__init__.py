"""Demography: model life tables and the projection of the population over the years."""
