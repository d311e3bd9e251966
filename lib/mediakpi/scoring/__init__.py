"""03_score: the assessment plan as configurable data (config/assessment.yaml), scored explainably.

Public API: load_assessment, score_period, rescore and the scoring functions (the what-if sliders: lab/widgets.py).
"""
from .aggregate import rescore
from .config import load_assessment
from .plan import AssessmentConfig
from .functions import bands, bonus, deduction, inverse, linear, rubric
from .pipeline import ScoreResult, load_inputs, score_inputs, score_period


__all__ = ["AssessmentConfig", "ScoreResult", "bands", "bonus", "deduction", "inverse", "linear", "load_assessment",
           "load_inputs", "rescore", "rubric", "score_inputs", "score_period"]
