"""simulate: social-protection costing and financing simulation engine."""

__version__ = "0.1.0"
