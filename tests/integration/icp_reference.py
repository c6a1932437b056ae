"""A data scientist's reference for the ICP fit: scikit-learn's L2 logistic regression
trained on exactly the warehouse's training examples and supported buckets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class ReferenceFit:
    coefficients: pd.Series  # by "attribute:bucket"
    intercept: float
    penalty: float
    model: LogisticRegression
    columns: list[str]


def _read(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


def design(warehouse: Path, cutoff: str, accounts: pd.Series | None = None,
           columns: list[str] | None = None) -> tuple[pd.Index, sparse.csr_matrix, list[str]]:
    """One-hot rows of the fitted buckets per account (unknown = no 1), in the model's terms."""
    terms = _read(
        warehouse,
        "select attribute_name || ':' || bucket as feature"
        " from intermediate.int_icp_attribute_coefficients"
        f" where cutoff_name = '{cutoff}' and not is_intercept",
    )["feature"].tolist()
    columns = columns or sorted(terms)
    rows = _read(
        warehouse,
        "select account_id, attribute_name || ':' || bucket as feature"
        f" from intermediate.int_icp_account_attributes where cutoff_name = '{cutoff}'",
    )
    index = pd.Index(sorted(rows["account_id"].unique()) if accounts is None else accounts)
    position = {c: j for j, c in enumerate(columns)}
    rows = rows[rows["feature"].isin(position) & rows["account_id"].isin(index)]
    row_index = index.get_indexer(rows["account_id"])
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (row_index, rows["feature"].map(position))),
        shape=(len(index), len(columns)),
    )
    return index, matrix, columns


def reference_fit(warehouse: Path, cutoff: str = "scoring") -> ReferenceFit:
    examples = _read(
        warehouse,
        "select account_id, won_weight, lost_weight from intermediate.int_icp_training_examples"
        f" where cutoff_name = '{cutoff}' order by account_id",
    )
    p0 = examples["won_weight"].sum() / (examples["won_weight"] + examples["lost_weight"]).sum()
    penalty = PRIOR_STRENGTH * p0 * (1 - p0)
    index, matrix, columns = design(warehouse, cutoff, examples["account_id"])
    x = sparse.vstack([matrix, matrix]).tocsr()
    y = np.r_[np.ones(len(index)), np.zeros(len(index))]
    weight = np.r_[examples["won_weight"].to_numpy(), examples["lost_weight"].to_numpy()]
    keep = weight > 0
    model = LogisticRegression(C=1.0 / penalty, max_iter=10_000, tol=1e-10)
    model.fit(x[keep], y[keep], sample_weight=weight[keep])
    return ReferenceFit(
        coefficients=pd.Series(model.coef_[0], index=columns),
        intercept=float(model.intercept_[0]),
        penalty=penalty,
        model=model,
        columns=columns,
    )


def rank_auc(score: pd.Series | np.ndarray, positive: pd.Series | np.ndarray) -> float:
    """Mann-Whitney AUC, ties half."""
    positive = np.asarray(positive).astype(bool)
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def scores_against_truth(warehouse: Path, truth_dir: Path) -> pd.DataFrame:
    """Every scored universe account with its planted truth and three scores: the
    project's fit_score, the reference regression's and the independent
    weight-of-evidence sum the ICP used before the joint fit (from the same buckets)."""
    ref = reference_fit(warehouse, "scoring")
    index, matrix, _ = design(warehouse, "scoring", columns=ref.columns)
    reference = pd.Series(matrix @ ref.coefficients.to_numpy(), index=index, name="reference_score")
    woe = _read(
        warehouse,
        "select attributes.account_id,"
        " sum(ln(weights.smoothed_win_rate / (1 - weights.smoothed_win_rate))"
        " - ln(weights.base_win_rate / (1 - weights.base_win_rate))) as woe_score"
        " from intermediate.int_icp_account_attributes as attributes"
        " inner join intermediate.int_icp_attribute_weights_learned as weights"
        "  on attributes.cutoff_name = weights.cutoff_name"
        "  and attributes.attribute_name = weights.attribute_name"
        "  and attributes.bucket = weights.bucket"
        " inner join reference.icp_attributes as config"
        "  on weights.attribute_name = config.attribute_name"
        " where attributes.cutoff_name = 'scoring' and weights.is_supported and config.is_scored"
        " group by attributes.account_id",
    ).set_index("account_id")["woe_score"]
    scores = _read(
        warehouse,
        "select scores.account_id, scores.fit_score, accounts.domain"
        " from marts.account_fit_scores as scores"
        " inner join intermediate.int_accounts as accounts using (account_id)",
    ).set_index("account_id")
    scores = scores.join(reference).join(woe)
    scores[["reference_score", "woe_score"]] = scores[["reference_score", "woe_score"]].fillna(0.0)
    companies = pd.read_parquet(Path(truth_dir) / "companies.parquet")[
        ["domain", "true_win_probability", "fit_segment"]
    ]
    return scores.reset_index().merge(companies, on="domain", how="inner")


def auc_table(scores: pd.DataFrame) -> dict[str, float]:
    """AUC of each score against the planted good fit (fit_segment high)."""
    good = scores["fit_segment"] == "high"
    return {
        name: rank_auc(scores[column], good)
        for name, column in (
            ("project", "fit_score"), ("reference", "reference_score"), ("before", "woe_score"),
            ("truth", "true_win_probability"),
        )
    }


PRIOR_STRENGTH = 20.0
