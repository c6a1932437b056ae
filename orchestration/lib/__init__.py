"""Library code used by the Dagster definitions and the command line."""
