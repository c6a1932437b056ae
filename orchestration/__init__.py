"""The ABM warehouse's Dagster definitions (`defs/`) and their library (`lib/`)."""

import warnings

# Importing GX imports PySpark when the spark extra is installed, and PySpark warns on
# import that it "does not yet fully support pandas >= 3": two lines on every run's
# console that say nothing to its user (our Spark path does not use pandas on Spark).
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
