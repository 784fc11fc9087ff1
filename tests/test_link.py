"""Purchase linking and folding on synthetic documents: each rule, the guards against false links, ids."""
from __future__ import annotations

from tenderlens.model import Fact
from tenderlens.purchases import build, flags
from tenderlens.purchases.link import DocView, groups, links, project_key, title_key

NOTICE = ("宜昌市某某局视频监控系统建设项目中标结果公告。采购人：宜昌市某某局。中标人：某某科技有限公司。"
          "中标金额：人民币壹佰贰拾叁万元整。项目概况：建设视频监控点位二百个，含前端摄像机、传输网络、"
          "存储设备与平台软件的采购、安装、调试和三年维护服务。联系人：办公室。")


def _reasons(found):
    return sorted((link.doc_a, link.doc_b, link.reason) for link in found)


def test_keys():
    assert project_key(" yca010089-202501-03 ") == project_key("YCA010089-202501-03")
    assert project_key("01") is None
    assert title_key("湖北宜昌市养老综合服务PPP示范项目家具采购(三标段)中标候选人公示") == \
        title_key("湖北宜昌市养老综合服务PPP示范项目家具采购(三标段)中标结果公告")
    assert title_key("某某工程(第2次)中标结果公告") == title_key("某某工程中标候选人公示")
    assert title_key("中标候选人公示") is None


def test_project_number_links_unless_buyers_differ():
    docs = [DocView("a", "tender", "2025-01-01", buyer="b1", project_number="YC-2025-001"),
            DocView("b", "award", "2025-02-01", buyer="b1", project_number="yc-2025-001"),
            DocView("c", "award", "2025-02-01", buyer="b2", project_number="YC-2025-001")]
    found = links(docs)
    assert _reasons(found) == [("a", "b", "project_number")]
    assert groups(docs, found) == [["a", "b"], ["c"]]


def test_a_batch_number_does_not_join_awards_to_different_suppliers():
    docs = [DocView("t", "tender", project_number="0711-17OTL03922000"),
            DocView("a", "award", suppliers=["x"], project_number="0711-17OTL03922000"),
            DocView("b", "award", suppliers=["y"], project_number="0711-17OTL03922000"),
            DocView("c", "award", suppliers=["x"], project_number="0711-17OTL03922000"),
            DocView("d", "contract", suppliers=["y"], project_number="0711-17OTL03922000")]
    assert groups(docs, links(docs)) == [["a", "c", "t"], ["b", "d"]]


def test_a_lot_awarded_again_to_another_winner_is_one_purchase():
    title = "宜化碳一化工年产30万吨项目安装工程中标结果公告"
    docs = [DocView("a", "award", "2025-04-01", title, "buyer", ["x"], project_number="YCA010152-202501-01"),
            DocView("b", "award", "2025-05-01", title, "buyer", ["y"], project_number="YCA010152-202501-01"),
            # a generic title that many numbers use names no lot
            DocView("c", "award", "2017-01-01", "关于重大经营合同中标的公告", "grid", ["x"], project_number="0711-17OTL039"),
            DocView("d", "award", "2017-01-02", "关于重大经营合同中标的公告", "grid", ["y"], project_number="0711-17OTL039"),
            DocView("e", "award", "2016-01-02", "关于重大经营合同中标的公告", "grid", ["y"], project_number="0711-16OTL001")]
    found = links(docs)
    assert _reasons(found) == [("a", "b", "reaward")]
    assert groups(docs, found) == [["a", "b"], ["c"], ["d"], ["e"]]


def test_republished_copy_links_but_a_template_twin_with_another_amount_does_not():
    docs = [DocView("a", "award", amount=1230000.0, text=NOTICE),
            DocView("b", "award", amount=1230000.0, text=NOTICE + " "),
            DocView("c", "award", amount=4560000.0, text=NOTICE.replace("壹佰贰拾叁", "肆佰伍拾陆")),
            DocView("d", "tender", text=NOTICE),
            DocView("e", "award", title="宜昌市某某局视频监控系统建设项目", text=NOTICE + "  "),
            DocView("f", "award", title="宜昌市某某局门禁系统建设项目", text=NOTICE + "   "),
            DocView("g", "award", title="宜昌市某某局视频监控系统建设项目", text=NOTICE + "    ")]
    # one buyer's template with another title is another notice, however alike the texts
    assert _reasons(links(docs)) == [("a", "b", "near_duplicate"), ("e", "g", "near_duplicate")]


def test_buyer_title_in_stage_order_and_shortlist_winner_at_the_same_price():
    docs = [DocView("s", "shortlist", "2025-03-01", "某某市公安局视频监控工程中标候选人公示", bidders=[("w", 3312590.0), ("x", 3307279.0)]),
            DocView("a", "award", "2025-03-09", "某某市公安局视频监控工程中标结果公告", buyer="b", suppliers=["w"], amount=3312590.0),
            DocView("t", "tender", "2025-01-09", "某某市公安局视频监控工程招标公告", buyer="b"),
            DocView("z", "award", "2025-03-09", "某某市公安局另一工程中标结果公告", buyer="b", suppliers=["x"], amount=1.0)]
    assert _reasons(links(docs)) == [("s", "a", "shortlist_winner"), ("t", "a", "buyer_title")]
    docs[0].bidders = [("w", None)]      # a price given as a rate: the title and the winner still tie them
    assert _reasons(links(docs)) == [("s", "a", "shortlist_title"), ("t", "a", "buyer_title")]
    docs[0].bidders = [("x", None)]
    assert _reasons(links(docs)) == [("t", "a", "buyer_title")]


def _fact(doc, key, value, quote="q"):
    return Fact(doc, "field", key, value, 1, 0, len(quote), quote, "v", "test")


def test_fold_amounts_final_amount_flags_and_stable_ids():
    of = {("t", "某局"): "buyer", ("a", "某局"): "buyer", ("a", "甲公司"): "w", ("s", "甲公司"): "w",
          ("s", "乙公司"): "x"}
    facts = {
        "t": [_fact("t", "amount", {"role": "budget", "yuan": 1000000.0, "currency": "CNY"}),
              _fact("t", "method", "open")],
        "s": [_fact("s", "bidder", {"name": "乙公司", "price": 999000.0, "rank": 1}),
              _fact("s", "bidder", {"name": "甲公司", "price": 998000.0, "rank": 2})],
        "a": [_fact("a", "amount", {"role": "award", "yuan": 998000.0, "currency": "CNY"})]}
    records = {"t": {"doc_id": "t", "buyer": "某局", "tags": [{"id": "tech.video_surveillance"}]},
               "s": {"doc_id": "s", "tags": []},
               "a": {"doc_id": "a", "buyer": "某局", "suppliers": ["甲公司"], "tags": [{"id": "tech.face_recognition"}]}}
    views = [DocView("t", "tender", "2025-01-01", "某工程", buyer="buyer", project_number="P-2025-01"),
             DocView("s", "shortlist", "2025-02-01", bidders=[("x", 999000.0), ("w", 998000.0)], project_number="P-2025-01"),
             DocView("a", "award", "2025-03-01", buyer="buyer", suppliers=["w"], amount=998000.0,
                     project_number="P-2025-01")]
    found = links(views)
    p = build.fold(views, records, facts, of, found)
    assert [d.stage for d in p.docs] == ["tender", "shortlist", "award"]
    assert all(d.reasons for d in p.docs)
    assert (p.amount, p.currency, p.method, p.suppliers) == (998000.0, "CNY", "open", ["w"])
    assert p.categories == ["tech.face_recognition", "tech.video_surveillance"]
    assert p.dates == {"tender": "2025-01-01", "shortlist": "2025-02-01", "award": "2025-03-01"}
    flags.flag([p])
    assert {f["id"] for f in p.flags} == {"award_near_estimate", "winner_not_first"}
    near = next(f for f in p.flags if f["id"] == "award_near_estimate")["evidence"]
    assert near["budget"]["doc_id"] == "t" and near["price"]["doc_id"] == "a"
    assert build.fold(list(reversed(views)), records, facts, of, found).id == p.id


def test_vendor_share_needs_enough_purchases_and_counts_per_currency():
    from tenderlens.model import Purchase
    ps = [Purchase(f"p{i}", None, "bureau", ["v" if i < 3 else "u"], amount=100.0, currency="CNY",
                   categories=["tech.face_recognition"]) for i in range(4)]
    ps.append(Purchase("usd", None, "bureau", ["u"], amount=10_000.0, currency="USD",
                       categories=["tech.face_recognition"]))
    flags.flag(ps)
    assert [p.id for p in ps if any(f["id"] == "vendor_share" for f in p.flags)] == ["p0", "p1", "p2"]
    flags.flag(ps[:2])
    assert not any(p.flags for p in ps[:2])


def test_a_figure_restated_in_one_announcement_is_no_price_near_its_budget():
    facts = {"a": [_fact("a", "amount", {"role": "budget", "amount": 2.09, "unit": "亿元", "yuan": 209000000.0,
                                         "currency": "CNY"}, "人民币 2.09 亿元"),
                   _fact("a", "amount", {"role": "award", "amount": 208728652.0, "yuan": 208728652.0,
                                         "currency": "CNY"}, "人民币 208,728,652.00 元")]}
    p = build.fold([DocView("a", "award", suppliers=["w"])], {"a": {"doc_id": "a", "tags": []}}, facts, {}, [])
    flags.flag([p])
    assert p.amount == 208728652.0 and p.flags == []
    facts["a"][0] = _fact("a", "amount", {"role": "ceiling", "amount": 209500000.0, "yuan": 209500000.0,
                                          "currency": "CNY"}, "最高限价 209,500,000 元")
    p = build.fold([DocView("a", "award", suppliers=["w"])], {"a": {"doc_id": "a", "tags": []}}, facts, {}, [])
    flags.flag([p])
    assert [f["id"] for f in p.flags] == ["award_near_estimate"]


def test_red_flags_page_is_generated_from_the_yaml():
    from pathlib import Path
    page = Path(__file__).resolve().parents[1] / "docs" / "red-flags.md"
    assert page.read_text(encoding="utf-8") == flags.docs_page() + "\n", \
        "docs/red-flags.md is out of date: run `tenderlens purchases --flags-doc > docs/red-flags.md`"
    assert {d["id"] for d in flags.definitions()} == set(flags.RULES) | {"vendor_share"}


def test_same_winners_at_the_same_precise_price_are_one_purchase():
    docs = [DocView("a", "award", "2017-01-01", buyer="b", suppliers=["w"], amount=204360000.0),
            DocView("c", "contract", "2017-02-01", buyer="b", suppliers=["w"], amount=204360000.0),
            DocView("x", "award", "2015-04-29", suppliers=["w"], amount=400000000.0),       # 约4亿元, twice
            DocView("y", "award", "2015-12-05", suppliers=["w"], amount=400000000.0),
            DocView("z", "contract", "2017-02-01", buyer="other", suppliers=["w"], amount=204360000.0)]
    assert _reasons(links(docs)) == [("a", "c", "parties_price")]


def test_the_award_notice_states_the_award_over_a_shortlist_price():
    facts = {"s": [_fact("s", "amount", {"role": "award", "yuan": 4335600.0, "currency": "CNY"})],
             "a": [_fact("a", "amount", {"role": "award", "yuan": 4298000.0, "currency": "CNY"})]}
    records = {"s": {"doc_id": "s", "tags": []}, "a": {"doc_id": "a", "tags": []}}
    views = [DocView("s", "shortlist", "2025-04-30", project_number="SL-2025-0001"),
             DocView("a", "award", "2025-05-06", project_number="SL-2025-0001")]
    p = build.fold(views, records, facts, {}, links(views))
    assert (p.amount, p.amounts["award"]["doc_id"]) == (4298000.0, "a")
