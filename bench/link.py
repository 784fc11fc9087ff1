"""Linking stays near-linear: purchases linked from 10k and 100k synthetic documents, one run.

    .venv/bin/python bench/link.py [--sizes 10000 100000] [--seed 7]

Each synthetic purchase has one to four notices (tender, shortlist, award, contract), some
republished as a copy with a changed footer; buyers, suppliers, titles, project numbers and
notice text are drawn from pools so that blocks (one buyer's titles, one supplier's prices)
grow with the corpus as they do in real data. Times are of purchases.link.links + groups (the
MinHash LSH included), not of resolution or the store. Reports seconds per size, the ratio of
the largest to the smallest, and that ratio against the ratio of sizes (1.0 = linear).
Also checks the linking against the generator's truth (pairwise precision and recall).
"""
from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from itertools import combinations

from tenderlens.purchases.link import DocView, groups, links

PLACES = ["宜昌", "襄阳", "荆州", "黄石", "十堰", "孝感", "武汉", "长沙", "成都", "贵阳", "南宁", "昆明"]
BODIES = ["公安局", "交通运输局", "水务局", "教育局", "卫生健康委员会", "城市管理局", "大数据中心"]
WORKS = ["视频监控", "道路改造", "供水管网", "校园安防", "人脸识别门禁", "智慧城管平台", "数据中心机房", "应急指挥系统"]
FILLER = "本项目采购内容包括设备供货、安装调试、系统集成、人员培训及质保期内的维护服务，投标人须具备相应资质。"


def corpus(n_docs: int, seed: int) -> tuple[list[DocView], dict[str, int]]:
    rng = random.Random(seed)
    n_buyers = max(50, n_docs // 40)
    buyers = [f"buyer-{i}" for i in range(n_buyers)]
    suppliers = [f"supplier-{i}" for i in range(max(100, n_docs // 20))]
    docs, truth = [], {}
    p = 0
    while len(docs) < n_docs:
        p += 1
        buyer = rng.choice(buyers)
        title = f"{rng.choice(PLACES)}市{rng.choice(BODIES)}{rng.choice(WORKS)}项目{p}"
        number = f"YC{rng.randrange(10**6):06d}-{p}" if rng.random() < 0.7 else None
        winner = rng.choice(suppliers)
        price = round(rng.uniform(1e5, 5e7), 2)
        bidders = [(winner, price)] + [(rng.choice(suppliers), round(price * rng.uniform(0.9, 1.1), 2))
                                       for _ in range(2)]
        stages = rng.choice([["award"], ["tender", "award"], ["tender", "shortlist", "award"],
                             ["tender", "shortlist", "award", "contract"]])
        for i, stage in enumerate(stages):
            text = (f"{title}{stage}公告。采购人：{buyer}。" + FILLER * 6 +
                    (f"中标人：{winner}，中标金额{price}元。" if stage in ("award", "contract") else "") +
                    f"公告编号{p}-{i}。")
            v = DocView(f"d{p}-{i}", stage, f"2025-{1 + i:02d}-01", title + {"tender": "招标公告", "shortlist":
                        "中标候选人公示", "award": "中标结果公告", "contract": "合同公告"}[stage],
                        None if stage == "shortlist" else buyer,
                        [winner] if stage in ("award", "contract") else [],
                        bidders if stage == "shortlist" else [], number,
                        price if stage in ("award", "contract") else None, text)
            docs.append(v)
            truth[v.doc_id] = p
            if rng.random() < 0.1:   # republished on a second portal, with that portal's footer
                copy = DocView(v.doc_id + "c", v.stage, v.date, v.title, v.buyer, v.suppliers, v.bidders,
                               v.project_number, v.amount, v.text + "（转载自某公共资源交易平台）")
                docs.append(copy)
                truth[copy.doc_id] = p
    return docs[:n_docs], truth


def pairs(group_of: dict[str, object]) -> set:
    members = defaultdict(list)
    for d, g in group_of.items():
        members[g].append(d)
    return {tuple(sorted(x)) for m in members.values() for x in combinations(m, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    seconds = {}
    for n in args.sizes:
        docs, truth = corpus(n, args.seed)
        truth = {d.doc_id: truth[d.doc_id] for d in docs}
        start = time.perf_counter()
        found = links(docs)
        purchases = groups(docs, found)
        seconds[n] = time.perf_counter() - start
        got = pairs({d: i for i, g in enumerate(purchases) for d in g})
        want = pairs(truth)
        tp = len(got & want)
        print(f"{n:>7} documents: {seconds[n]:6.1f} s, {len(purchases)} purchases ({len(set(truth.values()))} true), "
              f"precision {tp / len(got):.3f} recall {tp / len(want):.3f}")
    small, large = min(seconds), max(seconds)
    ratio = seconds[large] / seconds[small]
    print(f"time ratio {large}/{small}: {ratio:.1f}x for {large / small:.0f}x the documents "
          f"({ratio / (large / small):.2f} of linear)")


if __name__ == "__main__":
    main()
