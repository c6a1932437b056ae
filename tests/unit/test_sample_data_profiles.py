"""The generator's profiles plant what they promise."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sample_data import generate


def _truth(tmp_path: Path, profile: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    generate(300, 3, tmp_path / "landing", tmp_path / "truth", profile=profile)
    truth = tmp_path / "truth"
    return (pd.read_parquet(truth / "companies.parquet"),
            pd.read_parquet(truth / "opportunities.parquet"))


def test_correlated_profile_ties_revenue_to_size(tmp_path: Path) -> None:
    companies, _ = _truth(tmp_path, "correlated")
    spread = np.log(companies["annual_revenue"] / companies["employees"]).std()
    assert spread < 0.25


def test_repeat_business_profile_has_no_account_that_only_lost(tmp_path: Path) -> None:
    _, opportunities = _truth(tmp_path, "repeat_business")
    new_business = opportunities[
        (opportunities["opportunity_type"] == "New Business") & opportunities["is_closed"]
    ]
    per_company = new_business.groupby("company_key")["is_won"].agg(["any", "size", "mean"])
    assert per_company["any"].all()
    assert per_company["size"].mean() > 4  # many deals per account
    assert 0.1 < new_business["is_won"].mean() < 0.9  # and both outcomes among deals


def test_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="profile"):
        generate(300, 3, tmp_path / "landing", tmp_path / "truth", profile="nope")
