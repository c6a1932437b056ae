"""The ABM dashboard (Streamlit): `make dashboard`, README "Dashboard and the abm command".

`app.py` is the entry point; `views/` holds one thin script per page, each calling
`orchestration.lib.serving_reader` on the published serving file (read-only).
"""
