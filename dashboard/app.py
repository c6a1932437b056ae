"""Entry point: `streamlit run dashboard/app.py` (or `make dashboard`).

Reads only the published serving file (ABM_SERVING_PATH), read-only.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts this folder, not the project, on sys.path.
_PROJECT = str(Path(__file__).resolve().parents[1])
if _PROJECT not in sys.path:
    sys.path.insert(0, _PROJECT)

import streamlit as st  # noqa: E402

PAGES = {
    "targets": "Targets",
    "account": "Account",
    "icp": "ICP",
    "market": "Market",
    "results": "Results",
    "data_health": "Data health",
}

st.set_page_config(page_title="ABM warehouse", layout="wide")
navigation = st.navigation(
    [
        st.Page(f"views/{name}.py", title=title, url_path=name, default=name == "targets")
        for name, title in PAGES.items()
    ]
)
navigation.run()
