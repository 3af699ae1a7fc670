"""Every demo instrument template is filed under a small class of the national tree (ranking by kind relies
on it), and the kinds once misfiled stay where they belong."""

from yiqi.demo.data.templates import all_templates
from yiqi.registry.categories import iter_category_tree, leaf_codes

FIXED = {
    "电感耦合等离子体发射光谱仪": "010405",  # 光电直读光谱仪, not 原子荧光光谱仪
    "电化学工作站": "010799",  # 电化学仪器 / 其他, not 电位滴定仪
    "多功能微孔板检测仪": "011005",  # 酶标仪
    "大型地震模拟振动台": "020499",  # not a vehicle transport vibration table
    "发动机测功机试验台": "120199",  # not an exhaust gas analyser
}


def test_every_template_code_is_a_small_class_of_the_tree():
    leaves = leaf_codes() | {"990000"}
    names = {code: name for code, name, _ in iter_category_tree()}
    wrong = [(t.code, t.name) for t in all_templates() if t.code not in leaves]
    assert not wrong, [(code, name, names.get(code)) for code, name in wrong]


def test_kinds_once_misfiled_are_under_their_own_class():
    codes = {t.name: t.code for t in all_templates()}
    assert {name: codes[name] for name in FIXED} == FIXED
