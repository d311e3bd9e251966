"""YAML is the only source of settings: every key the models declare must be in the file; leaving one out is an error
whose Chinese message names the key (never a silently different built-in value)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from mediakpi import catalog
from mediakpi.clean.config import QualityConfig, load_quality_config
from mediakpi.config import ConfigError
from mediakpi.content.settings import ContentConfig, load_content_config
from mediakpi.paths import CONFIG_DIR
from mediakpi.scoring import AssessmentConfig, load_assessment


def model_keys(model: type[BaseModel], data: dict, prefix: tuple = ()) -> list[tuple]:
    """Every key path of `data` that is a field of `model` (nested models followed; free-form mappings not)."""
    out = []
    for name, field in model.model_fields.items():
        if name not in data:
            continue
        out.append((*prefix, name))
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel) and isinstance(data[name], dict):
            out += model_keys(sub, data[name], (*prefix, name))
    return out


def without(data: dict, path: tuple) -> dict:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return data


QUALITY = yaml.safe_load((CONFIG_DIR / "quality.yaml").read_text(encoding="utf-8"))
CONTENT = yaml.safe_load((CONFIG_DIR / "content.yaml").read_text(encoding="utf-8"))


def test_the_models_hold_no_defaults():
    """A default in a model is a second copy of the YAML (they drifted: video_keywords, count_columns)."""
    def defaults(model: type[BaseModel], seen: set) -> list[str]:
        found = []
        for name, field in model.model_fields.items():
            if not field.is_required():
                found.append(f"{model.__name__}.{name}")
            sub = field.annotation
            if isinstance(sub, type) and issubclass(sub, BaseModel) and sub not in seen:
                seen.add(sub)
                found += defaults(sub, seen)
        return found

    assert defaults(QualityConfig, set()) == []
    assert defaults(ContentConfig, set()) == []


ASSESSMENT = yaml.safe_load((CONFIG_DIR / "assessment.yaml").read_text(encoding="utf-8"))
# the plan-level keys of assessment.yaml (an indicator's optional target overrides mean "nothing configured")
PLAN_KEYS = [p for p in model_keys(AssessmentConfig, ASSESSMENT) if p[0] != "indicators"
             and not (p[0] == "bonus" and p[1:2] == ("items",))
             and p[-1] not in ("months_share", "quarters_share")]   # one of the two is absent by design per level
CASES = [("quality.yaml", load_quality_config, path) for path in model_keys(QualityConfig, QUALITY)] + \
        [("content.yaml", load_content_config, path) for path in model_keys(ContentConfig, CONTENT)] + \
        [("assessment.yaml", load_assessment, path) for path in PLAN_KEYS]


@pytest.mark.parametrize("file,loader,path", CASES, ids=[f"{f}:{'.'.join(p)}" for f, _, p in CASES])
def test_a_key_missing_from_the_yaml_is_an_error_naming_it(tmp_path, file, loader, path):
    data = {"quality.yaml": QUALITY, "content.yaml": CONTENT, "assessment.yaml": ASSESSMENT}[file]
    target = tmp_path / file
    target.write_text(yaml.safe_dump(without(data, path), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        loader(target)
    assert ".".join(path) in str(err.value) and "缺少" in str(err.value) and file in str(err.value)


def test_team_tables_yaml_is_validated_once(tmp_path):
    data = yaml.safe_load((CONFIG_DIR / "team_tables.yaml").read_text(encoding="utf-8"))
    del data["tables"]["roster"]["columns"]["name"]["type"]
    (tmp_path / "team_tables.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"tables\.roster\.columns\.name\.type.*缺少"):
        catalog.team_tables_config(Path(tmp_path))


def test_the_drifted_values_come_from_the_yaml():
    cfg = load_quality_config()
    assert cfg.media_type.video_keywords == QUALITY["media_type"]["video_keywords"]
    assert cfg.plausibility.count_columns == QUALITY["plausibility"]["count_columns"]
    assert cfg.snapshot_fallback == QUALITY["snapshot_fallback"]
