"""FollowTheMoney entities of a real ingest, as `tenderlens export --format ftm` writes them,
read back and checked with the followthemoney library's own model."""
from __future__ import annotations

import csv
import json
import shutil
from collections import Counter, defaultdict

import pytest
from click.testing import CliRunner
from followthemoney import model
from followthemoney.cli.cli import cli as ftm_cli
from followthemoney.exc import InvalidData

from tenderlens.cli import main
from tenderlens.interchange import ftm
from tenderlens.interchange.notices import notice, party_id
from tenderlens.interchange.processes import each_notice
from tenderlens.store import Store

from dev_store import id_of, link_by_hand


def _export(*args) -> str:
    res = CliRunner().invoke(main, ["export", *map(str, args)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def dev_db(notices_db):
    return notices_db


@pytest.fixture(scope="module")
def lines(dev_db) -> list[dict]:
    return [json.loads(line) for line in _export("--format", "ftm", "--db", dev_db).splitlines()]


def test_every_line_is_a_valid_entity(dev_db, lines):
    ids = Counter(d["id"] for d in lines)
    assert [i for i, c in ids.items() if c > 1] == []          # each entity once, fragments merged
    for d in lines:
        schema = model.get(d["schema"])
        assert schema is not None and not schema.abstract, d["schema"]
        assert set(d["properties"]) <= set(schema.properties), d
        assert set(schema.required) <= set(d["properties"]), d
        try:
            schema.validate(d)
        except InvalidData as e:
            pytest.fail(f"{d['id']}: {e}")
        proxy = model.get_proxy(d, cleaned=False)
        for prop, value in proxy.itervalues():
            assert prop.type.clean(value) is not None, (d["id"], prop.name, value)
            if prop.type.name == "entity":   # every edge points at an entity of the export
                assert value in ids, (d["id"], prop.name, value)
    n_docs = len(list(each_notice(_store(dev_db))))
    by_schema = Counter(d["schema"] for d in lines)
    assert by_schema["Contract"] == by_schema["Documentation"] == n_docs >= 318
    assert by_schema["HyperText"] + by_schema["Pages"] + by_schema["Document"] == n_docs
    assert by_schema["Pages"] == 4 and by_schema["Page"] > 100        # the four government PDFs, page by page
    assert by_schema["ContractAward"] > 250 and by_schema["Company"] > 300 and by_schema["PublicBody"] > 20


def _store(path):
    return Store(str(path), readonly=True)


def test_a_known_award(eval_dir, lines):
    """Yichang 687e8cad: 宜昌文旅投资开发有限公司 awarded 江铭建设集团有限公司 35,793,641.98 yuan."""
    doc = id_of(eval_dir / "yichang/html/687e8cad-f215-488e-beab-20ffc8e0e787.html")
    by_id = {d["id"]: d for d in lines}
    contract = by_id[f"tl-contract-doc-{doc[:16]}"]
    assert contract["properties"]["authority"] == [party_id("宜昌文旅投资开发有限公司")]
    assert float(contract["properties"]["amount"][0]) == 35793641.98 and contract["properties"]["currency"] == ["CNY"]
    award = next(d for d in lines if d["schema"] == "ContractAward" and d["properties"]["contract"] == [contract["id"]])
    assert award["properties"]["supplier"] == [party_id("江铭建设集团有限公司")]
    assert float(award["properties"]["amount"][0]) == 35793641.98 and award["properties"]["status"] == ["active"]
    supplier = by_id[party_id("江铭建设集团有限公司")]
    assert supplier["schema"] == "Company" and f"tl-doc-{doc}" in supplier["properties"]["proof"]
    document = by_id[f"tl-doc-{doc}"]
    assert document["schema"] == "HyperText" and document["properties"]["fileName"][0].endswith("687e8cad-f215-488e-beab-20ffc8e0e787.html")
    assert "江铭建设集团有限公司" in document["properties"]["bodyText"][0]
    link = next(d for d in lines if d["schema"] == "Documentation" and d["properties"]["entity"] == [contract["id"]])
    assert link["properties"]["document"] == [document["id"]] and "江铭建设集团有限公司" in link["properties"]["summary"][0]


def test_a_purchase_of_several_notices_is_one_contract(eval_dir, dev_db):
    groups = defaultdict(list)
    with open(eval_dir / "yichang" / "links.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            groups[row["purchase_id"]].append(id_of(eval_dir / row["doc"]))
    store = _store(dev_db)
    key, docs = next((k, d) for k, d in sorted(groups.items()) if len(d) > 1)
    entities = [e.to_dict() for e in ftm.dataset([(key, [notice(store, d) for d in docs])])]
    contracts = [e for e in entities if e["schema"] == "Contract"]
    assert [c["id"] for c in contracts] == [f"tl-contract-{key}"]
    links = [e for e in entities if e["schema"] == "Documentation"]
    assert sorted(e["properties"]["document"][0] for e in links) == sorted(f"tl-doc-{d}" for d in docs)
    assert len({e["id"] for e in entities}) == len(entities)


def test_ids_are_stable_across_exports(dev_db, lines):
    again = [json.loads(line) for line in _export("--format", "ftm", "--db", dev_db).splitlines()]
    assert again == lines


@pytest.mark.parametrize("name, role, schema", [
    ("宜昌市公安局", "buyer", "PublicBody"),
    ("宜昌市公安局", "supplier", "PublicBody"),
    ("Chicago Police Department", "buyer", "PublicBody"),
    ("杭州海康威视数字技术股份有限公司", "supplier", "Company"),
    ("Cellebrite USA, Corporation", "supplier", "Company"),
    ("宜昌文旅投资开发有限公司", "buyer", "Company"),
    ("某某联合体", "supplier", "Organization"),
])
def test_organisation_schema(name, role, schema):
    assert ftm.org_schema(name, role) == schema


def test_personal_numbers_are_masked(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "n.txt").write_text("中标公告\n采购人：宜昌市公安局\n联系人手机 13912345678\n中标人：宜昌城大建设有限公司",
                                  encoding="utf-8")
    db = tmp_path / "m.db"
    assert CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--engine", "serial"]).exit_code == 0
    for fmt in ("ftm", "ocds", "ocds-records"):
        assert "13912345678" not in _export("--format", fmt, "--db", db), fmt
    assert "139********" in _export("--format", "ftm", "--db", db)   # the page text, masked
    assert "13912345678" in _export("--format", "ftm", "--no-mask", "--db", db)


def test_ftm_validate_reads_the_export_unchanged(tmp_path, lines):
    """followthemoney's own `ftm validate` re-parses and cleans every entity: nothing may change."""
    src, out = tmp_path / "in.ftm.json", tmp_path / "out.ftm.json"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in lines), encoding="utf-8")
    res = CliRunner().invoke(ftm_cli, ["validate", "-i", str(src), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    cleaned = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(cleaned) == len(lines)
    for a, b in zip(lines, cleaned):
        assert (a["id"], a["schema"]) == (b["id"], b["schema"])
        assert {k: sorted(v) for k, v in a["properties"].items()} == {k: sorted(v) for k, v in b["properties"].items()}


def test_resolved_organisations_and_purchases(eval_dir, dev_db, tmp_path):
    """In a linked store an organisation is its resolved entity (id, canonical name, kind's schema, the
    name as written an alias) and a purchase of several notices is one Contract."""
    path = tmp_path / "linked.db"
    shutil.copy(dev_db, path)
    award = id_of(eval_dir / "yichang/html/687e8cad-f215-488e-beab-20ffc8e0e787.html")
    other = id_of(eval_dir / "yichang/html/071a79ce-e42c-4a38-bf72-7205b36e142a.html")
    link_by_hand(path, {"pur-test": [award, other]},
                 {"宜昌文旅投资开发有限公司": ("org-wenlv", "宜昌文旅投资开发集团", "public_body")})
    lines = [json.loads(line) for line in _export("--format", "ftm", "--db", path).splitlines()]
    by_id = {d["id"]: d for d in lines}
    buyer = by_id["org-wenlv"]
    assert buyer["schema"] == "PublicBody" and buyer["properties"]["name"] == ["宜昌文旅投资开发集团"]
    assert buyer["properties"]["alias"] == ["宜昌文旅投资开发有限公司"]
    contract = by_id["tl-contract-pur-test"]
    assert "org-wenlv" in contract["properties"]["authority"]
    links = [d for d in lines if d["schema"] == "Documentation" and d["properties"]["entity"] == [contract["id"]]]
    assert sorted(d["properties"]["document"][0] for d in links) == sorted([f"tl-doc-{award}", f"tl-doc-{other}"])
    assert f"tl-contract-doc-{award[:16]}" not in by_id
