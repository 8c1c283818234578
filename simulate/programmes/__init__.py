"""Benefit programmes: rules compiled into the tables the projection kernel reads."""
