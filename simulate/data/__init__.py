"""Country profiles and small reference tables shipped with the package (data files)."""
