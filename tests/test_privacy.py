"""Natural persons (models/privacy.py): who is taken for a person, and what an output shows."""

from __future__ import annotations

import pytest

from models.codelists import Kind
from models.privacy import PLACEHOLDER, Policy, PrivacyPolicy, is_natural_person, load_policy, mask


@pytest.mark.parametrize("name", ["陈建国", "王军", "欧阳娜娜", "买买提·艾力", "摇号号码0012", "竞买号A123", "YH20230012"])
def test_people(name):
    assert is_natural_person(name)


@pytest.mark.parametrize(("name", "uscc"), [
    ("佛山市顺德区自然资源局", None), ("某村委", None), ("某某公司", None), ("顺德区政府", None), ("某中学校", None),
    ("中国建设银行股份有限公司佛山分行", None), ("陈建国", "91440606MA4UJ7XK9G"), ("", None),
])
def test_organisations(name, uscc):
    assert not is_natural_person(name, uscc)


def test_experts_are_people_by_role():
    assert is_natural_person("某某某某某某", role="expert")


def test_mask():
    assert mask("陈建国") == "陈**"
    assert mask("王军") == "王*"
    assert mask("买买提·艾力") == "买**·**"


def test_policy_layers(tmp_path):
    policy = PrivacyPolicy(Policy.mask, {"winner": Policy.omit}, {("winner", "procurement"): Policy.publish})
    assert policy.shown("陈建国", "candidate") == "陈**"
    assert policy.shown("陈建国", "winner", Kind.land) == PLACEHOLDER[0]
    assert policy.shown("陈建国", "winner", Kind.land, lang="en") == PLACEHOLDER[1]
    assert policy.shown("陈建国", "winner", Kind.procurement) == "陈建国"
    bad = tmp_path / "p.toml"
    bad.write_text('default = "shout"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the privacy policy"):
        load_policy(bad)


def test_the_packaged_policy_masks_every_role_by_default():
    policy = load_policy()
    for role in ("expert", "candidate", "winner", "land_user", "transferee", "buyer"):
        assert policy.of(role) is not Policy.publish
