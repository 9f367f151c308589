"""spinelib: the shared package behind the exercise-therapy-for-back-pain workbook.

Nothing here is medical advice. Importing spinelib has no side effects (no plotting
backend or theme is set); call :func:`spinelib.plots.set_theme` explicitly.
"""
__version__ = "0.1.0"

# --- foundation (catalogue, profile, red flags, routine, audit) ---

# --- simulator ---

# --- plots, widgets, self-checks ---

# --- reports ---
