"""The population: records as arrays, synthetic or from microdata, and country profiles."""
