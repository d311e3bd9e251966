"""config/assessment.yaml: load and validate, with one clear Chinese message (ConfigError) for anything wrong.

The models are the plan's vocabulary (scoring/plan.py); here they are read from the YAML and checked against the
indicator registry and each other (weights add up, known indicators and dimensions)."""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from ..config import ConfigError, load_yaml, validate_model
from ..paths import CONFIG_DIR
from .indicators import REGISTRY
from .plan import DIMENSIONS, AssessmentConfig, Indicator

TOL = 0.05  # percentage points allowed when weights are added up
SHARE_PARAMS = ("review_share", "completion_share", "quality_share", "on_time_share", "timeliness_share", "count_share")

def _target_errors(name: str, ind: Indicator) -> list[str]:
    """Zero or negative targets are rejected, naming the key (a zero target would score any actual as met)."""
    errs = []
    t = ind.target
    values = [("default", t.default)] + [(f"per_person.{k}", v) for k, v in t.per_person.items()] \
        + [(f"per_account.{k}", v) for k, v in t.per_account.items()] \
        + [(f"per_platform.{k}", v) for k, v in t.per_platform.items()]
    for key, v in values:
        if v is not None and v <= 0 and ind.function != "bands":
            errs.append(f"indicators.{name}.target.{key} = {v:g}：目标必须大于 0（目标为 0 时任何结果都算达成）")
        elif v is not None and v < 0:
            errs.append(f"indicators.{name}.target.{key} = {v:g}：目标不能为负数")
    return errs


def _semantic_errors(cfg: AssessmentConfig) -> list[str]:
    errs = []
    for kind, weights in cfg.dimension_weights.items():
        unknown = [d for d in weights if d not in DIMENSIONS]
        if unknown:
            errs.append(f"dimension_weights.{kind} 有未知维度 {unknown}（可用：{'、'.join(DIMENSIONS)}）")
        total = sum(weights.values())
        if abs(total - 100) > TOL:
            errs.append(f"dimension_weights.{kind} 的维度权重合计 {total:g}，应为 100")
    for name, ind in cfg.indicators.items():
        if name not in REGISTRY:
            errs.append(f"indicators 里有未知指标 {name!r}（程序只会计算方案中的 {len(REGISTRY)} 项指标：{'、'.join(REGISTRY)}）")
            continue
        known = REGISTRY[name]
        if ind.dimension != known.dimension:
            errs.append(f"indicators.{name}.dimension 写的是 {ind.dimension!r}，该指标属于 {known.dimension!r}")
        p = ind.params
        unknown = sorted(set(p) - set(known.params))
        if unknown:
            allowed = "、".join(sorted(known.params)) or "无"
            errs.append(f"indicators.{name}.params 有未知参数 {unknown}（可用：{allowed}）")
        errs.extend(_target_errors(name, ind))
        bad_values = [k for k, v in p.items() if not isinstance(v, (int, float)) or isinstance(v, bool)]
        if bad_values:
            errs.append(f"indicators.{name}.params 的 {bad_values} 应为数字")
            continue
        for key in SHARE_PARAMS:
            if key in p and not 0 <= float(p[key]) <= 1:
                errs.append(f"indicators.{name}.params.{key} 应在 0 到 1 之间")
        if ind.function == "bands" and "threshold" in p and ind.target.default is not None:
            if not float(p["threshold"]) <= ind.target.default <= float(p.get("stretch", ind.target.default)):
                errs.append(f"indicators.{name}：分档要求 threshold ≤ 目标 ≤ stretch（现为 {p['threshold']} / "
                            f"{ind.target.default} / {p.get('stretch')}）")
    for dim in DIMENSIONS:
        inds = [v for v in cfg.indicators.values() if v.dimension == dim]
        if not inds:
            continue
        total = sum(v.weight for v in inds)
        if abs(total - 100) > TOL:
            errs.append(f"维度「{dim}」的指标权重合计 {total:g}，应为 100")
        core = sum(v.weight for v in inds if v.role == "core")
        if any(v.role == "aux" for v in inds) and abs(core - cfg.core_share) > TOL:
            errs.append(f"维度「{dim}」的核心指标权重合计 {core:g}，应为 core_share = {cfg.core_share:g}"
                        f"（辅助指标合计应为 {100 - cfg.core_share:g}）")
    for dim in {d for w in cfg.dimension_weights.values() for d in w if w[d] > 0}:
        if dim in DIMENSIONS and not any(v.dimension == dim for v in cfg.indicators.values()):
            errs.append(f"维度「{dim}」有权重但没有任何指标")
    if abs(sum(cfg.rater_mix.values()) - 100) > TOL:
        errs.append(f"rater_mix 评价人权重合计 {sum(cfg.rater_mix.values()):g}，应为 100")
    g = cfg.grades
    if not (g.get("S", 0) >= g.get("A", 0) >= g.get("B", 0) >= g.get("C", 0)):
        errs.append("grades 的分数线应满足 S ≥ A ≥ B ≥ C")
    for kind in ("quarter", "year"):
        r = getattr(cfg.rollup, kind)
        main = r.months_share if kind == "quarter" else r.quarters_share
        if main is None or abs(main + r.review_share - 100) > TOL:
            errs.append(f"rollup.{kind} 的两部分权重合计应为 100")
    bad = [n for n in cfg.rollup.recompute if n not in REGISTRY]
    if bad:
        errs.append(f"rollup.recompute 有未知指标 {bad}")
    if cfg.baseline.min_months > cfg.baseline.months:
        errs.append("baseline.min_months 不能大于 baseline.months")
    return errs


_YAML_CACHE: dict = {}


def _cached_yaml(path: Path):
    """The parsed YAML, re-read when the file changes (parsing is the slow part; validation runs every time)."""
    try:
        stamp = (path.resolve(), path.stat().st_mtime_ns, path.stat().st_size)
    except OSError:
        return load_yaml(path)  # raises the clear "file not found" message
    if stamp not in _YAML_CACHE:
        _YAML_CACHE.clear()
        _YAML_CACHE[stamp] = load_yaml(path)
    return copy.deepcopy(_YAML_CACHE[stamp])


def load_assessment(path: str | Path | None = None, roster=None) -> AssessmentConfig:
    """Read and validate the assessment config (default config/assessment.yaml). Raises ConfigError (Chinese)."""
    path = Path(path) if path is not None else CONFIG_DIR / "assessment.yaml"
    data = _cached_yaml(path)
    cfg = validate_model(data, AssessmentConfig, path)
    errs = _semantic_errors(cfg)
    if errs:
        raise ConfigError(f"配置文件 {path.name} 有 {len(errs)} 处问题：" + "；".join(errs) + "。")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    cfg = cfg.model_copy(update={"source": str(path), "digest": hashlib.sha256(text.encode()).hexdigest()[:16]})
    if roster is not None:
        cfg.check_people(roster)
    return cfg
