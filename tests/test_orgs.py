"""Organisation resolution: synthetic hard cases (the labelled pairs of real names are scored in
test_org_pairs.py)."""
from __future__ import annotations

import pytest

from tenderlens.model import Mention
from tenderlens.orgs import evidence
from tenderlens.orgs.merges import Merges, MergesError, load
from tenderlens.orgs.names import consortium_members, key, kind, parent
from tenderlens.orgs.resolve import resolve


def _org(res, doc, name):
    return res.of[(doc, name)]


def test_names_normalise_width_brackets_and_spaces_but_keep_legal_forms():
    assert key("平安建设管理（湖北）有限公司") == key("平安建设管理(湖北)有限公司") == key("平安建设管理 (湖北) 有限公司")
    assert key("ＡＢＣ科技有限公司") == key("ABC科技有限公司")
    assert key("某某科技有限公司") != key("某某科技股份有限公司")
    assert key("Chicago Police Department") == key("Department of Police - City of Chicago")


def test_kinds_branches_and_consortia():
    assert kind("宜昌市公安局") == "public_body" and kind("宜昌市城市规划设计研究院有限公司") == "company"
    assert kind("Cook County Sheriff's Office") == "public_body" and kind("Example Plate Systems LLC") == "company"
    assert parent("宜昌市公安局西陵区分局") == "宜昌市公安局"
    assert parent("中国移动通信集团湖北有限公司宜昌分公司") == "中国移动通信集团湖北有限公司"
    assert parent("宜昌市公安局") is None
    assert consortium_members("湖北盛荣建设集团有限公司、宜昌三峡广博建筑设计有限公司联合体") == [
        "湖北盛荣建设集团有限公司", "宜昌三峡广博建筑设计有限公司"]


def test_branch_and_consortium_are_their_own_organisations_with_relations():
    ms = [Mention("a", "buyer", "宜昌市公安局"), Mention("b", "buyer", "宜昌市公安局西陵区分局"),
          Mention("c", "supplier", "甲建设集团有限公司、乙设计有限公司联合体"), Mention("d", "supplier", "甲建设集团有限公司")]
    res = resolve(ms)
    city, branch = _org(res, "a", "宜昌市公安局"), _org(res, "b", "宜昌市公安局西陵区分局")
    assert city != branch and res.orgs[branch].part_of == city
    consortium, member = _org(res, "c", "甲建设集团有限公司、乙设计有限公司联合体"), _org(res, "d", "甲建设集团有限公司")
    assert consortium != member and (member, consortium, "member") in res.relations


def test_credit_codes_join_names_and_different_codes_never_join():
    pages = [(1, "供应商：杭州某某科技有限公司\n统一社会信用代码：91330185697073751B")]
    codes = evidence.credit_codes("a", pages, ["杭州某某科技有限公司"])
    assert [c.value for c in codes] == ["91330185697073751B"]
    assert codes[0].quote == pages[0][1][codes[0].start:codes[0].end]
    assert evidence.credit_codes("a", [(1, "统一社会信用代码：91330185697073751C")], ["x"]) == []   # bad check character
    res = resolve([Mention("a", "supplier", "杭州某某科技有限公司"), Mention("b", "supplier", "杭州某某科技有限公司")],
                  codes=codes)
    assert res.orgs[_org(res, "a", "杭州某某科技有限公司")].credit_code == "91330185697073751B"


def test_defined_alias_holds_inside_its_document_only():
    text = "深圳浩宁达仪表股份有限公司（以下简称“浩宁达”）与买方签订合同，浩宁达将供货。"
    defined = evidence.defined_aliases("a", [(1, text)])
    assert [(f.name, f.value) for f in defined] == [("深圳浩宁达仪表股份有限公司", "浩宁达")]
    ms = [Mention("a", "supplier", "深圳浩宁达仪表股份有限公司"), Mention("a", "contract_party", "浩宁达"),
          Mention("b", "supplier", "浩宁达")]
    res = resolve(ms, defined=defined)
    assert _org(res, "a", "浩宁达") == _org(res, "a", "深圳浩宁达仪表股份有限公司")
    assert _org(res, "b", "浩宁达") != _org(res, "a", "浩宁达")


def test_codebook_vendor_names_join_and_english_slips_are_fuzzy_matched():
    ms = [Mention("a", "supplier", "杭州海康威视数字技术股份有限公司"), Mention("b", "supplier", "海康威视"),
          Mention("c", "buyer", "Chicago Police Department"), Mention("d", "buyer", "Chicago Police Departmnet"),
          Mention("e", "buyer", "Cook County Sheriff"), Mention("f", "buyer", "Cook County State Attorney")]
    res = resolve(ms, vendors=[("hikvision", ["海康威视", "杭州海康威视数字技术股份有限公司"])])
    assert _org(res, "a", "杭州海康威视数字技术股份有限公司") == _org(res, "b", "海康威视")
    assert _org(res, "c", "Chicago Police Department") == _org(res, "d", "Chicago Police Departmnet")
    assert _org(res, "e", "Cook County Sheriff") != _org(res, "f", "Cook County State Attorney")


def test_merges_file_merges_splits_renames_and_ids_stay(tmp_path):
    ms = [Mention("a", "buyer", "宜昌市交警支队"), Mention("b", "buyer", "宜昌市公安局交通警察支队"),
          Mention("c", "supplier", "海康威视"), Mention("d", "supplier", "杭州海康威视数字技术股份有限公司")]
    before = resolve(ms)
    assert resolve(ms).orgs.keys() == before.orgs.keys()            # the same evidence, the same ids
    path = tmp_path / "m.yaml"
    path.write_text("merge:\n  - [宜昌市交警支队, 宜昌市公安局交通警察支队]\nsplit: [海康威视]\n"
                    "rename:\n  宜昌市交警支队: 宜昌市公安局交通警察支队\n", encoding="utf-8")
    res = resolve(ms, vendors=[("hikvision", ["海康威视", "杭州海康威视数字技术股份有限公司"])], merges=load(path))
    joined = _org(res, "a", "宜昌市交警支队")
    assert joined == _org(res, "b", "宜昌市公安局交通警察支队")
    assert res.orgs[joined].name == "宜昌市公安局交通警察支队"
    assert _org(res, "c", "海康威视") != _org(res, "d", "杭州海康威视数字技术股份有限公司")    # split wins over the codebook
    path.write_text("merge: [[only-one]]\n", encoding="utf-8")
    with pytest.raises(MergesError, match="two or more"):
        load(path)
    assert load(tmp_path / "missing.yaml") == Merges()


def test_renames_a_document_states_join_and_subsidiaries_stay_apart():
    text = ("乙方：东睦新材料集团股份有限公司（原宁波东睦新材料股份有限公司）。佳都新太科技股份有限公司（以下简称“公司”）"
            "的全资子公司广州新科佳都科技有限公司中标。")
    pages = [(1, text)]
    renamed = evidence.renames("a", pages)
    assert [(f.name, f.value) for f in renamed] == [("东睦新材料集团股份有限公司", "宁波东睦新材料股份有限公司")]
    assert all(text[f.start:f.end] == f.quote for f in renamed)
    names = ["佳都新太科技股份有限公司", "广州新科佳都科技有限公司"]
    owned = evidence.subsidiaries("a", pages, names, evidence.defined_aliases("a", pages))
    assert [(f.name, f.value) for f in owned] == [("广州新科佳都科技有限公司", "佳都新太科技股份有限公司")]
    ms = [Mention("a", "supplier", n) for n in names] + [
        Mention("b", "supplier", "东睦新材料集团股份有限公司"), Mention("c", "supplier", "宁波东睦新材料股份有限公司")]
    # The codebook lists the subsidiary among the vendor's names; the document's own word keeps them apart.
    res = resolve(ms, vendors=[("pci", names)], subsidiaries=owned, renames=renamed)
    parent, child = _org(res, "a", names[0]), _org(res, "a", names[1])
    assert parent != child and res.orgs[child].part_of == parent
    assert _org(res, "b", "东睦新材料集团股份有限公司") == _org(res, "c", "宁波东睦新材料股份有限公司")


def test_purchase_and_organisation_rows_are_masked_but_ids_kept():
    from tenderlens.cli.export import KEEP
    from tenderlens.privacy import mask_tree
    row = {"id": "pur-13812345678a", "title": "联系人 13812345678", "buyer": "org-13812345678b",
           "documents": [{"doc_id": "13812345678" * 5, "reasons": ["project_number: 13812345678"]}],
           "aliases": [{"name": "张三 110101199003071234"}]}
    out = mask_tree(row, KEEP)
    assert out["id"] == row["id"] and out["buyer"] == row["buyer"] and out["documents"] == row["documents"]
    assert "13812345678" not in out["title"] and "110101199003071234" not in out["aliases"][0]["name"]
