"""OCDS exports of a real ingest, validated against the official OCDS 1.1.5 schemas.

The schemas are read from ../shared/spec/ocds-1.1.5; their published URLs resolve to those files
through a referencing Registry, so nothing is fetched. Formats (date-time, uri) are checked too.
"""
from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from pathlib import Path

import json_merge_patch
import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft4Validator
from ocdsmerge.rules import get_merge_rules
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tenderlens.cli import main
from tenderlens.interchange import ocds
from tenderlens.interchange.notices import Notice, notice, party_id
from tenderlens.interchange.processes import each_notice, records, releases
from tenderlens.model import Document, Fact, Page
from tenderlens.store import Store

from dev_store import id_of, link_by_hand

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "ocds-1.1.5"
EXTENSION = Path(ocds.__file__).parent / "extension"
PREFIX = "ocds-test01-"
FALLBACK = "2026-01-01T00:00:00Z"


def _schema(name: str) -> dict:
    if not SPEC.is_dir():
        pytest.fail(f"the OCDS 1.1.5 schemas are missing: expected them at {SPEC}")
    return json.loads((SPEC / name).read_text(encoding="utf-8"))


def _extended_release_schema() -> dict:
    return json_merge_patch.merge(_schema("release-schema.json"),
                                  json.loads((EXTENSION / "release-schema.json").read_text(encoding="utf-8")))


def _validator(package: str, extended: bool) -> Draft4Validator:
    schemas = [_schema(n) for n in ("release-schema.json", "versioned-release-validation-schema.json")]
    package_schema = _schema(package)
    if extended:
        schemas[0] = _extended_release_schema()
        patch = EXTENSION / package
        if patch.exists():
            package_schema = json_merge_patch.merge(package_schema, json.loads(patch.read_text(encoding="utf-8")))
    registry = Registry().with_resources(
        (s["id"], Resource.from_contents(s, default_specification=DRAFT4)) for s in schemas)
    return Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def _errors(validator: Draft4Validator, package: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)][:10]


@pytest.fixture(scope="module")
def store(notices_db):
    s = Store(str(notices_db), readonly=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def purchases(eval_dir, store):
    """The Yichang purchases of links.tsv: notices of one purchase form one contracting process."""
    groups = defaultdict(list)
    with open(eval_dir / "yichang" / "links.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            groups[row["purchase_id"]].append(id_of(eval_dir / row["doc"]))
    return sorted(groups.items())


@pytest.fixture(scope="module")
def release_package(store):
    rels = list(releases(store, PREFIX, each_notice(store)))
    return ocds.package("releases", rels, "urn:tenderlens:test", FALLBACK)


def test_every_release_of_a_real_ingest_validates(store, release_package):
    n_docs = store.db.execute("SELECT count(*) FROM documents WHERE status != 'failed'").fetchone()[0]
    assert len(release_package["releases"]) == n_docs >= 318
    for extended in (False, True):
        assert _errors(_validator("release-package-schema.json", extended), release_package) == []
    # Every organisation a section names is a party with that section's role.
    for rel in release_package["releases"]:
        roles = {p["id"]: p["roles"] for p in rel.get("parties", [])}
        named = [("buyer", rel.get("buyer")), ("procuringEntity", rel["tender"].get("procuringEntity"))]
        named += [("supplier", s) for a in rel.get("awards", []) for s in a.get("suppliers", [])]
        named += [("tenderer", t) for t in rel["tender"].get("tenderers", [])]
        for role, ref in named:
            assert ref is None or role in roles[ref["id"]], (rel["id"], role, ref)
        # Evidence or nothing: every supplier and the buyer are cited by a quote.
        cited = {e["path"] for e in rel.get("evidence", [])}
        for a in rel.get("awards", []):
            assert {f"awards/suppliers/{s['id']}" for s in a.get("suppliers", [])} <= cited, rel["id"]
        assert "buyer" not in rel or "buyer" in cited
        values = [("tender/value", rel["tender"].get("value")), ("planning/budget/amount",
                  rel.get("planning", {}).get("budget", {}).get("amount"))]
        values += [("awards/value", a.get("value")) for a in rel.get("awards", [])]
        values += [("contracts/value", c.get("value")) for c in rel.get("contracts", [])]
        assert {path for path, v in values if v} <= cited, rel["id"]


def test_every_record_validates(store, purchases):
    linked = {d for _, docs in purchases for d in docs}
    groups = purchases + [g for g in each_notice(store) if g[1][0] not in linked]
    package = ocds.package("records", list(records(store, PREFIX, groups)), "urn:tenderlens:test", FALLBACK)
    assert len(package["records"]) == len(groups)
    for extended in (False, True):
        assert _errors(_validator("record-package-schema.json", extended), package) == []
    several = [r for r in package["records"] if len(r["releases"]) > 1]
    assert len(several) >= 6   # links.tsv: 7 purchases with more than one notice
    for rec in several:
        dates = [r["date"] for r in rec["releases"]]
        assert dates == sorted(dates)
        assert {r["ocid"] for r in rec["releases"]} == {rec["ocid"]} == {rec["compiledRelease"]["ocid"]}
        # The compiled release keeps each notice's evidence: its ids name their documents.
        cited = {e["documentId"] for e in rec["compiledRelease"].get("evidence", [])}
        assert cited == {r["id"] for r in rec["releases"] if r.get("evidence")}


def test_an_extension_field_that_breaks_its_schema_fails_validation(release_package):
    package = json.loads(json.dumps(release_package))
    rel = next(r for r in package["releases"] if r.get("evidence"))
    del rel["evidence"][0]["quote"]
    rel["region"] = {"code": "湖北"}
    assert _errors(_validator("release-package-schema.json", False), package) == []   # core: extra fields pass
    errors = _errors(_validator("release-package-schema.json", True), package)
    assert any("'quote' is a required property" in e for e in errors)
    assert any(e.startswith("releases/") and "region/code" in e for e in errors)


def test_yichang_awards_name_the_winner_and_price(eval_dir, store):
    """Gold award notices: the winner is the award's supplier, the price its value, in yuan."""
    gold = [json.loads(line) for line in (eval_dir / "yichang" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    awards = [g for g in gold if g["stage"] == "award" and g.get("amount_cny") and g.get("winner")
              and "联合体" not in g["winner"]]
    assert len(awards) > 100
    hits = 0
    for g in awards:
        rel = ocds.release(notice(store, id_of(eval_dir / g["doc"])), PREFIX + "x", FALLBACK)
        award = (rel.get("awards") or [{}])[0]
        names = [s["name"] for s in award.get("suppliers", [])]
        hits += g["winner"] in names and award.get("value") == {"amount": g["amount_cny"], "currency": "CNY"}
    assert hits / len(awards) >= 0.9, f"{hits}/{len(awards)}"
    # One award read by hand: 江铭建设集团有限公司 won 687e8cad at 35,793,641.98 yuan.
    rel = ocds.release(notice(store, id_of(eval_dir / "yichang/html/687e8cad-f215-488e-beab-20ffc8e0e787.html")),
                       PREFIX + "x", FALLBACK)
    assert rel["tag"] == ["award"] and rel["awards"][0]["status"] == "active"
    assert rel["awards"][0]["value"] == {"amount": 35793641.98, "currency": "CNY"}
    assert rel["awards"][0]["suppliers"] == [{"id": party_id("江铭建设集团有限公司"), "name": "江铭建设集团有限公司"}]
    assert rel["buyer"]["name"] == "宜昌文旅投资开发有限公司"
    roles = {p["name"]: p["roles"] for p in rel["parties"]}
    assert roles["宜昌文旅投资开发有限公司"] == ["buyer"] and roles["江铭建设集团有限公司"] == ["supplier"]
    assert set(roles) <= {"宜昌文旅投资开发有限公司", "江铭建设集团有限公司", "湖北兴焱工程咨询有限公司"}
    assert roles.get("湖北兴焱工程咨询有限公司", ["procuringEntity"]) == ["procuringEntity"]   # the agent, where read
    assert {e["path"] for e in rel["evidence"]} >= {"buyer", f"awards/suppliers/{party_id('江铭建设集团有限公司')}",
                                                   "awards/value", "date"}
    assert rel["awards"][0]["documents"][0]["documentType"] == "awardNotice"


def test_fddc_buyers_and_categories(eval_dir, store):
    """labels.jsonl: the labelled buyer is the release's buyer; the labelled categories are there."""
    labels = [json.loads(line) for line in (eval_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    buyers = tags = n_buyers = n_tags = 0
    for lab in labels:
        rel = ocds.release(notice(store, id_of(eval_dir / lab["doc"])), PREFIX + "x", FALLBACK)
        assert rel["isSurveillance"] is bool((notice(store, rel["id"]).record["is_surveillance"]))
        if lab.get("buyer"):
            n_buyers += 1
            buyers += (rel.get("buyer") or {}).get("name") == lab["buyer"]
        got = {c["id"] for c in rel.get("categories", [])}
        for t in {t["id"] for t in lab.get("tags", [])}:
            n_tags += 1
            tags += t in got
    assert buyers / n_buyers >= 0.85 and tags / n_tags >= 0.8, (buyers, n_buyers, tags, n_tags)


def test_every_quote_is_the_text_of_its_span(store, release_package):
    checked = 0
    for rel in release_package["releases"][:120]:
        quotes = list(rel.get("evidence", [])) + [e for c in rel.get("categories", []) for e in c["evidence"]]
        for e in quotes:
            page = store.page(e["documentId"], e["page"])
            assert page["text"][e["start"]:e["end"]] == e["quote"], e
            checked += 1
    assert checked > 300


def test_ids_are_stable(store):
    first = list(releases(store, PREFIX, each_notice(store)[:40]))
    again = list(releases(store, PREFIX, each_notice(store)[:40]))
    assert first == again
    assert all(r["id"] == g[1][0] and r["ocid"] == PREFIX + g[0] for r, g in zip(first, each_notice(store)[:40]))
    for rel in first:
        for p in rel.get("parties", []):
            assert p["id"] == party_id(p["name"]) == party_id(" " + p["name"].replace("(", "（") + " ")


def _notice(notice_type: str, **fields) -> Notice:
    record = {"doc_id": fields.pop("doc_id", "a" * 64), "notice_type": notice_type, "date": fields.pop("date", None),
              "buyer": "宜昌市公安局", "suppliers": [], "tags": [], "evidence": {}, **fields}
    return Notice(record["doc_id"], "html", "text/html", 100, "某项目", "zh", ["x.html"], record,
                  bidders=fields.get("bidders", []))


def test_notice_types_and_methods_follow_the_mapping_file():
    m = ocds.mapping()
    tags = set(_schema("release-schema.json")["properties"]["tag"]["items"]["enum"])
    methods = set(_schema("release-schema.json")["definitions"]["Tender"]["properties"]["procurementMethod"]["enum"])
    with open(SPEC / "codelists" / "documentType.csv", encoding="utf-8") as f:
        doc_types = {row["Code"] for row in csv.DictReader(f)}
    for kind, row in [*m["notices"].items(), ("modification", m["modification_with_supplier"])]:
        assert row["tag"] in tags and row["documentType"] in doc_types | {None}, kind
    for code, row in m["methods"].items():
        assert row["procurementMethod"] in methods, code
    for kind in ("tender", "award", "contract", "cancellation", "modification"):
        rel = ocds.release(_notice(kind), PREFIX + "x", FALLBACK)
        assert rel["tag"] == [m["notices"][kind]["tag"]]
    n = _notice("single_source_award_for_method", suppliers=["海康威视"])
    n.record["notice_type"] = "award"
    n.method = {"code": "single_source", "evidence": {"page": 1, "start": 0, "end": 4, "quote": "单一来源"}}
    tender = ocds.release(n, PREFIX + "x", FALLBACK)["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("direct", "单一来源")
    cancelled = ocds.release(_notice("cancellation"), PREFIX + "x", FALLBACK)
    assert cancelled["tender"]["status"] == "cancelled" and cancelled["date"] == FALLBACK


def test_a_shortlist_then_its_award_compile_to_the_award():
    shortlist = _notice("shortlist", doc_id="b" * 64, date="2025-05-02", bidders=[
        {"name": "甲公司", "price": 1000.0, "price_text": "1000.00", "rank": 1, "evidence": None},
        {"name": "乙公司", "price": None, "price_text": "下浮5%", "rank": 2, "evidence": None}])
    award = _notice("award", doc_id="c" * 64, date="2025-05-10", suppliers=["甲公司"],
                    amount={"amount": 1000.0, "currency": "CNY", "yuan": 1000.0, "role": "award"})
    rels = [ocds.release(n, PREFIX + "p1", FALLBACK) for n in (award, shortlist)]
    rec = ocds.compile_record(PREFIX + "p1", rels)
    assert [r["id"] for r in rec["releases"]] == ["b" * 64, "c" * 64]
    compiled = rec["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["awards"] == [{"id": "1", "status": "active", "suppliers": [{"id": party_id("甲公司"), "name": "甲公司"}],
                                   "value": {"amount": 1000.0, "currency": "CNY"},
                                   "documents": [*award_docs(rels[1]), *award_docs(rels[0])]}]
    cands = {c["tenderer"]["name"]: c for c in compiled["tender"]["candidates"]}
    assert cands["甲公司"]["rank"] == 1 and cands["甲公司"]["value"]["amount"] == 1000.0
    assert "value" not in cands["乙公司"] and cands["乙公司"]["priceText"] == "下浮5%"
    roles = {p["name"]: p["roles"] for p in compiled["parties"]}
    assert roles["甲公司"] == ["supplier"]   # its latest role: OCDS replaces a party's roles whole
    assert _errors(_validator("record-package-schema.json", True),
                   ocds.package("records", [rec], "urn:tenderlens:test", FALLBACK)) == []


def award_docs(rel: dict) -> list[dict]:
    return rel["awards"][0]["documents"]


def test_shipped_merge_rules_are_those_of_the_schema_and_extension():
    shipped = {tuple(p): rule for rule, paths in ocds.mapping()["merge_rules"].items() for p in paths}
    assert shipped == get_merge_rules(_extended_release_schema())


def test_extension_metadata_names_its_schema():
    meta = json.loads((EXTENSION / "extension.json").read_text(encoding="utf-8"))
    assert meta["schemas"] == ["release-schema.json", "record-package-schema.json"]
    assert meta["compatibility"] == ["1.1"] and all((EXTENSION / name).exists() for name in meta["schemas"])
    patch = json.loads((EXTENSION / "release-schema.json").read_text(encoding="utf-8"))
    # Every field the exporter writes outside core OCDS is declared by the patch.
    assert {"isSurveillance", "categories", "region", "evidence"} <= set(patch["properties"])
    assert yaml.safe_load((EXTENSION.parent / "ocds.yaml").read_text(encoding="utf-8"))["roles"]["contract_party"]


def test_the_cli_writes_valid_packages(store):
    for fmt, package_schema, kind in (("ocds", "release-package-schema.json", "releases"),
                                      ("ocds-records", "record-package-schema.json", "records")):
        res = CliRunner().invoke(main, ["export", "--format", fmt, "--ocid-prefix", "ocds-zz9zz9-", "--db", store.path],
                                 catch_exceptions=False)
        assert res.exit_code == 0, res.output
        package = json.loads(res.output)
        assert len(package[kind]) >= 318 and package["version"] == "1.1"
        assert package["extensions"] == [ocds.DEFAULT_EXTENSION_URL]
        assert _errors(_validator(package_schema, True), package) == []
        ocids = [r["ocid"] for r in package[kind]]
        assert all(o.startswith("ocds-zz9zz9-doc-") for o in ocids) and len(set(ocids)) == len(ocids)


def test_the_docs_tables_show_the_mapping_file():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "interchange.md").read_text(encoding="utf-8")
    m = ocds.mapping()
    for code, row in m["methods"].items():
        shown = f"| {code} | {row['procurementMethod'] or '(none)'} | {row['details'] or 'the quote'} |"
        assert shown in doc, shown
    for kind, row in m["notices"].items():
        assert f"| {'other or none' if kind == 'other' else kind} | {row['tag']} |" in doc, kind
    assert f"| modification naming a winner | {m['modification_with_supplier']['tag']} |" in doc
    for role, code in m["roles"].items():
        assert f"`{code}`" in doc, role


def test_the_facts_of_the_field_contract_reach_the_release(tmp_path):
    """Facts in the shapes the shared fact contract gives bidder, method and consortium, stored as
    analysis stores them, come out as candidates, tenderers, the method and the consortium."""
    text = ("中标候选人公示\n采购方式：竞争性磋商\n第一名：甲科技有限公司 报价：1000.00元\n"
            "第二名：乙科技有限公司 报价：下浮5%\n中标人：甲科技有限公司、丙公司联合体")
    doc = Document("e" * 64, "text", "text/plain", len(text), [Page(1, text, [[0, 0]])], language="zh")

    def fact(key, value, quote, after=0):
        start = text.index(quote, after)
        return Fact(doc.id, "field", key, value, 1, start, start + len(quote), quote, "v1", "test")
    facts = [fact("notice_type", "shortlist", "中标候选人公示"), fact("method", "competitive_consultation", "竞争性磋商"),
             fact("bidder", {"name": "甲科技有限公司", "price": 1000.0, "price_text": "1000.00元", "rank": 1}, "甲科技有限公司"),
             fact("bidder", {"name": "乙科技有限公司", "price": None, "price_text": "下浮5%", "rank": 2}, "乙科技有限公司"),
             fact("consortium", "甲科技有限公司、丙公司联合体", "甲科技有限公司、丙公司联合体")]
    store = Store(str(tmp_path / "s.db"))
    store.begin()
    store.write_document(doc, ["s.txt"], facts=facts, codebook_version="v1")
    store.commit()
    rel = ocds.release(notice(store, doc.id), PREFIX + "x", FALLBACK)
    assert rel["tag"] == ["award"] and rel["awards"][0]["status"] == "pending"
    assert rel["awards"][0]["consortium"] == "甲科技有限公司、丙公司联合体"
    assert (rel["tender"]["procurementMethod"], rel["tender"]["procurementMethodDetails"]) == ("limited", "竞争性磋商")
    assert [t["name"] for t in rel["tender"]["tenderers"]] == ["甲科技有限公司", "乙科技有限公司"]
    assert rel["tender"]["candidates"][0]["value"] == {"amount": 1000.0, "currency": "CNY"}
    assert rel["tender"]["candidates"][1] == {"id": party_id("乙科技有限公司"), "rank": 2, "priceText": "下浮5%",
                                              "tenderer": {"id": party_id("乙科技有限公司"), "name": "乙科技有限公司"}}
    for e in rel["evidence"]:
        assert text[e["start"]:e["end"]] == e["quote"]
    assert {e["path"] for e in rel["evidence"]} >= {"tender/procurementMethod", "awards/consortium",
                                                   f"tender/candidates/{party_id('甲科技有限公司')}"}
    assert _errors(_validator("release-package-schema.json", True),
                   ocds.package("releases", [rel], "urn:tenderlens:test", FALLBACK)) == []


def test_purchases_and_organisations_of_a_linked_store(eval_dir, notices_db, tmp_path, purchases):
    """Where notices are linked into purchases and names resolved to organisations, a purchase is one
    contracting process and a party is its organisation: id, canonical name."""
    path = tmp_path / "linked.db"
    shutil.copy(notices_db, path)
    groups = dict(purchases)
    link_by_hand(path, groups, {"宜昌文旅投资开发有限公司": ("org-wenlv", "宜昌文旅投资开发集团", "public_body")})
    linked = Store(str(path), readonly=True)
    res = CliRunner().invoke(main, ["export", "--format", "ocds-records", "--db", str(path)], catch_exceptions=False)
    package = json.loads(res.output)
    assert _errors(_validator("record-package-schema.json", True), package) == []
    by_ocid = {r["ocid"]: r for r in package["records"]}
    n_docs = len(each_notice(linked))
    assert len(by_ocid) == len(groups) + n_docs - sum(len(d) for d in groups.values())
    for key, docs in groups.items():
        assert sorted(r["id"] for r in by_ocid[ocds.DEFAULT_OCID_PREFIX + key]["releases"]) == sorted(docs)
    doc = id_of(eval_dir / "yichang/html/687e8cad-f215-488e-beab-20ffc8e0e787.html")
    rel = ocds.release(notice(linked, doc), PREFIX + "x", FALLBACK)
    assert rel["buyer"] == {"id": "org-wenlv", "name": "宜昌文旅投资开发集团"}
    assert {"id": "org-wenlv", "name": "宜昌文旅投资开发集团", "roles": ["buyer"]} in rel["parties"]


def test_records_of_the_purchases_tenderlens_link_builds(notices_db, tmp_path):
    """With organisations and purchases derived by `tenderlens link`: one record per purchase (each
    notice in none a record of its own), all valid; parties are the resolved organisations."""
    derived = pytest.importorskip("tenderlens.store.purchases", reason="purchases are linked by tenderlens link")
    path = tmp_path / "linked.db"
    shutil.copy(notices_db, path)
    store = Store(str(path))
    derived.rebuild(store, str(path))
    groups = {p: [d for (d,) in store.db.execute("SELECT doc_id FROM purchase_docs WHERE purchase_id=?", (p,))]
              for (p,) in store.db.execute("SELECT id FROM purchases")}
    orgs = {oid: name for oid, name in store.db.execute("SELECT id, name FROM organisations")}
    flagged = defaultdict(list)
    for pid, flag in store.db.execute("SELECT purchase_id, flag FROM purchase_flags"):
        flagged[pid].append(flag)
    store.close()
    res = CliRunner().invoke(main, ["export", "--format", "ocds-records", "--db", str(path)], catch_exceptions=False)
    package = json.loads(res.output)
    assert _errors(_validator("record-package-schema.json", True), package) == []
    by_ocid = {r["ocid"]: r for r in package["records"]}
    for pid, docs in groups.items():
        assert sorted(r["id"] for r in by_ocid[ocds.DEFAULT_OCID_PREFIX + pid]["releases"]) == sorted(docs)
    assert any(len(docs) > 1 for docs in groups.values())
    linked = {d for docs in groups.values() for d in docs}
    alone = [r for r in package["records"] if r["ocid"].startswith(ocds.DEFAULT_OCID_PREFIX + "doc-")]
    assert all(r["releases"][0]["id"] not in linked for r in alone)
    for pid, flag_ids in flagged.items():
        assert [f["id"] for f in by_ocid[ocds.DEFAULT_OCID_PREFIX + pid]["redFlags"]] == sorted(flag_ids)
    assert sum("redFlags" in r for r in package["records"]) == len(flagged)
    broken = json.loads(json.dumps(package))
    broken["records"][0]["redFlags"] = [{"evidence": {}}]
    assert any("'id' is a required property" in e for e in _errors(_validator("record-package-schema.json", True),
                                                                    broken))
    parties = [p for r in package["records"] for p in r["compiledRelease"].get("parties", [])]
    assert parties and all(orgs.get(p["id"]) == p["name"] for p in parties if not p["id"].startswith("tl-org-"))
    assert sum(p["id"] in orgs for p in parties) / len(parties) > 0.9
