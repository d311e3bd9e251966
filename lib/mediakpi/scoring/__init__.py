"""03_score: the assessment plan as configurable data (config/assessment.yaml), scored explainably.

Public API: load_assessment, score_period, rescore, whatif_widget and the scoring functions.
"""
from .aggregate import rescore
from .config import AssessmentConfig, load_assessment
from .functions import bands, bonus, deduction, inverse, linear, rubric
from .pipeline import ScoreResult, load_inputs, score_inputs, score_period


def whatif_widget(indicator_scores, config, adjustments=None):
    """ipywidgets sliders for the dimension weights and a person picker (imported lazily: batch runs never need it)."""
    from .whatif import whatif_widget as _w

    return _w(indicator_scores, config, adjustments)


__all__ = ["AssessmentConfig", "ScoreResult", "bands", "bonus", "deduction", "inverse", "linear", "load_assessment",
           "load_inputs", "rescore", "rubric", "score_inputs", "score_period", "whatif_widget"]
