"""Write tenderlens's bundled demo corpus: short synthetic notices, every one marked as a sample.

All buyers, suppliers, places and numbers below are invented for the demo; no
real document is copied. Run from the repository root:

    python scripts/make_demo_corpus.py

The output under src/tenderlens/demo/corpus is committed, so users need neither
reportlab nor this script; it is kept so the files can be regenerated.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "tenderlens" / "demo" / "corpus"
BANNER_ZH = "【样例文件 SAMPLE】本文件为 tenderlens 演示用虚构公告，所涉单位、金额均为虚构。"
BANNER_EN = "[SAMPLE] A fictional notice written for the tenderlens demo; all names and figures are invented."


def html(title: str, paragraphs: list[str], charset: str = "utf-8", rows: list[tuple[str, ...]] = ()) -> str:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}</title><style>p {{ margin: 0 }}</style><script>var tracker = 1;</script></head>"
            f"<body><h1>{title}</h1>{body}<table>{rows}</table></body></html>")


NOTICES = {
    "zh-xueliang-tender.html": html(
        "示例县公安局雪亮工程视频监控点位建设项目公开招标公告",
        [BANNER_ZH,
         "项目编号：SL-2025-0001",
         "采购人：示例县公安局",
         "采购代理机构：示例招标代理有限公司",
         "预算金额：肆佰叁拾柒万元（人民币4,370,000.00元）",
         "一、采购内容：新建高清视频监控点位120个，接入县级视频专网，建设治安卡口8处，具备车牌识别功能。",
         "二、系统须对重点人员及进京上访人员实现轨迹分析和布控预警。",
         "公告日期：2025年3月18日"]),
    # The shortlist and the award of the tender above: three notices, one purchase.
    "zh-xueliang-shortlist.html": html(
        "示例县公安局雪亮工程视频监控点位建设项目中标候选人公示",
        [BANNER_ZH,
         "项目编号：SL-2025-0001",
         "招标人：示例县公安局",
         "招标代理机构：示例招标代理有限公司",
         "公示期：2025年4月28日至2025年4月30日"],
        rows=[("排名", "投标人", "投标报价（元）"), ("1", "示例安防工程有限公司", "4,298,000.00"),
              ("2", "示例视讯技术有限公司", "4,335,600.00"), ("3", "示例智能科技有限公司", "4,351,000.00")]),
    "zh-xueliang-award.html": html(
        "示例县公安局雪亮工程视频监控点位建设项目中标结果公告",
        [BANNER_ZH,
         "项目编号：SL-2025-0001",
         "采购人：示例县公安局",
         "采购代理机构：示例招标代理有限公司",
         "采购方式：公开招标",
         "中标供应商：示例安防工程有限公司",
         "中标金额：人民币4,298,000.00元",
         "主要标的：高清视频监控点位120个，治安卡口8处（含车牌识别）。",
         "公告日期：2025年5月6日"]),
    "zh-face-award-gbk.html": html(
        "示例市公安局人脸识别系统采购项目中标公告",
        [BANNER_ZH,
         "项目编号：RL-2024-017",
         "采购人：示例市公安局",
         "中标供应商：示例智能科技有限公司",
         "中标金额：￥２，８５０，０００．００元",
         "采购内容：动态人脸识别系统一套，人脸抓拍摄像机60台，人像比对服务器2台；抓拍数据汇入公安大数据平台。",
         "公告日期：2024年11月2日"], charset="gb2312"),
    "zh-wifi-probe-tender.html": html(
        "示例区公安分局电子围栏及WiFi探针采集系统招标公告",
        [BANNER_ZH,
         "采购人：示例区公安分局",
         "预算金额：186.5万元",
         "建设内容：在车站、宾馆周边部署电子围栏与WiFi探针，采集手机MAC、IMSI信息，关联旅馆入住登记数据，用于流动人口和涉稳人员管控。",
         "公告日期：2023年7月5日"]),
    "zh-water-quality-negative.html": html(
        "示例市水务局水质在线监测设备采购中标公告",
        [BANNER_ZH,
         "采购人：示例市水务局",
         "中标供应商：示例环境仪器有限公司",
         "中标金额：96万元",
         "采购内容：河道水质在线监测站5座，服务器运行状态监控软件1套。",
         "公告日期：2022年9月30日"]),
    "en-alpr-contract.html": html(
        "Sampleton Police Department: automated license plate reader contract",
        [BANNER_EN,
         "Agency: Sampleton Police Department",
         "Vendor: Example Plate Systems LLC",
         "The City of Sampleton awards a contract for 25 fixed ALPR cameras (license plate readers) "
         "with a hot-list alert service and 30-day data retention.",
         "Contract amount: $148,500.00",
         "Date: March 4, 2024"]),
}

TEXT_NOTICES = {
    "en-foia-forensics.txt": "\n".join([
        BANNER_EN,
        "SAMPLE FOIA RESPONSE - Sampleton Police Department, Records Unit",
        "Request: all purchase orders for mobile device forensic extraction tools, 2019-2021.",
        "Responsive record: purchase order PO-0099 for two UFED Touch kits (Cellebrite) and one year of",
        "licence renewal, total $31,200.00, approved 2020-06-15.",
        "Personal phone numbers of staff have been withheld.",
    ]),
}


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2025/zh-checkpoint-award.html", html(
            "示例州公安局治安卡口车辆识别系统中标结果公告",
            [BANNER_ZH,
             "采购人：示例州公安局",
             "中标供应商：示例交通科技有限公司",
             "中标金额：1.25亿元",
             "项目内容：治安卡口40处，电子警察抓拍系统，车牌识别数据接入合成作战平台。",
             "公告日期：2025年1月20日"]))
        z.writestr("2025/en-gunshot-renewal.html", html(
            "Sampleville: acoustic gunshot detection service renewal",
            [BANNER_EN,
             "Agency: Sampleville Police Department",
             "Vendor: Example Acoustics Inc.",
             "Renewal of the gunshot detection subscription covering 6 square miles.",
             "Amount: $412,000",
             "Date: 2023-10-01"]))
    return buf.getvalue()


def json_notice() -> str:
    return json.dumps({
        "sample": BANNER_ZH,
        "title": "示例县综治中心网格化社会治理平台成交公告",
        "announce_type": "成交公告",
        "published": "2024-05-12",
        "content": "<p>采购人：示例县委政法委员会</p><p>成交供应商：示例数据服务有限公司</p>"
                   "<p>成交金额：78.4万元</p><p>内容：网格化管理平台，采集出租屋、流动人口及刑满释放人员信息，"
                   "设置重点人员积分预警模块。</p>",
    }, ensure_ascii=False, indent=2)


def pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("示例市公安局情报研判大数据平台建设项目招标文件")
    pages = [
        ["【样例文件 SAMPLE】tenderlens 演示用虚构招标文件",
         "",
         "示例市公安局情报研判大数据平台建设项目招标文件",
         "项目编号：DS-2025-088",
         "采购人：示例市公安局",
         "预算金额：人民币 920 万元"],
        ["第二章 采购需求",
         "1. 建设一人一档数据融合平台，汇聚旅馆、网吧、火车票购票记录。",
         "2. 对严重精神障碍患者、吸毒人员等重点人群开展风险评分与预警。",
         "3. 本项目不含舆情监控功能。"],
    ]
    for lines in pages:
        c.setFont("STSong-Light", 12)
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 24
        c.showPage()
    c.save()
    return buf.getvalue()


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "执法记录仪采购合同（样例）"
    d.add_paragraph(BANNER_ZH)
    d.add_heading("示例县公安局执法记录仪采购合同", level=1)
    d.add_paragraph("甲方：示例县公安局")
    d.add_paragraph("乙方：示例影像设备有限公司")
    d.add_paragraph("合同金额：人民币陆拾万元整（¥600,000.00）")
    t = d.add_table(rows=2, cols=3)
    for i, v in enumerate(("货物名称", "数量", "单价")):
        t.rows[0].cells[i].text = v
    for i, v in enumerate(("执法记录仪", "200台", "3000元")):
        t.rows[1].cells[i].text = v
    d.add_paragraph("签订日期：2024年8月8日")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "中标结果（样例）"
    ws.append(["【样例 SAMPLE】tenderlens 演示用虚构数据"])
    ws.append(["项目名称", "采购人", "中标供应商", "金额（元）", "日期"])
    ws.append(["示例镇平安乡村视频监控项目", "示例镇人民政府", "示例安防工程有限公司", 385000, "2023-04-18"])
    ws.append(["示例县便民警务站人证核验设备", "示例县公安局", "示例智能科技有限公司", 142000, "2023-06-02"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in NOTICES.items():
        encoding = "gb18030" if "gbk" in name else "utf-8"
        (OUT / name).write_bytes(text.encode(encoding))
    for name, text in TEXT_NOTICES.items():
        (OUT / name).write_text(text + "\n", encoding="utf-8")
    (OUT / "zh-grid-platform.json").write_text(json_notice(), encoding="utf-8")
    (OUT / "zh-bigdata-platform.pdf").write_bytes(pdf_bytes())
    (OUT / "zh-bodycam-contract.docx").write_bytes(docx_bytes())
    (OUT / "zh-bid-results.xlsx").write_bytes(xlsx_bytes())
    (OUT / "notices-2025.zip").write_bytes(zip_bytes())


if __name__ == "__main__":
    main()
