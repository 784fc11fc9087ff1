"""Parties of listed-company announcements and notices, on synthetic sentences written for these rules."""
from __future__ import annotations

import pytest

from synthetic import record
from tenderlens.analyze.fields.orgs import name_at

HEAD = "证券代码：000001证券简称：示例科技公告编号：2018-001\n示例科技股份有限公司关于签订重大合同的公告\n本公司及董事会全体成员保证信息披露的内容真实、准确、完整。\n"


def party_a(rec: dict) -> str | None:
    return rec["contract_party"] or rec["buyer"]


def test_company_with_its_subsidiary_won_together():
    rec = record(HEAD + "近日，示例科技股份有限公司（以下简称“公司”）及全资子公司示例软件有限公司收到了南通市城市管理局"
                        "发来的《中标通知书》，确定为该项目中标单位。")
    assert rec["suppliers"] == ["示例科技股份有限公司", "示例软件有限公司"]
    assert rec["buyer"] == "南通市城市管理局"


def test_subsidiary_alone_is_the_winner():
    rec = record(HEAD + "近日，公司全资子公司示例软件有限公司收到南通市城市管理局发来的《中标通知书》。")
    assert rec["suppliers"] == ["示例软件有限公司"]


@pytest.mark.parametrize("sentence, buyer", [
    ("受分宜县城市管理执法局本级的委托，江西某某工程咨询有限公司组织了公开招标，公司为中标供应商。", "分宜县城市管理执法局"),
    ("本次招标由财政部经济建设司、国家发改委资源节约和环境保护司共同委托中国电子进出口总公司进行，公司中标。",
     "国家发改委资源节约和环境保护司"),
])
def test_the_body_that_entrusts_its_tender_is_the_buyer(sentence, buyer):
    assert record(HEAD + sentence)["buyer"] == buyer


def test_short_name_stands_for_the_full_name():
    rec = record(HEAD + "公司与温州市洞头区住房和城乡规划建设局（以下简称“洞头区住建局”）签订了合同。"
                        "洞头区住建局与公司不存在关联关系。")
    assert rec["buyer"] == "温州市洞头区住房和城乡规划建设局"


def test_tendering_office_sends_for_its_company():
    rec = record(HEAD + "近日，公司收到国家电网公司招投标管理中心的中标通知书。")
    assert rec["buyer"] == "国家电网公司"


def test_owner_named_before_the_project_won():
    rec = record(HEAD + "公司于近日取得《中标通知书》，确认公司为河北省昌黎县碣石山片区开发管理委员会昌黎县干红小镇PPP项目的中标供应商。")
    assert rec["buyer"] == "河北省昌黎县碣石山片区开发管理委员会"


def test_party_called_jiafang_counts_without_a_legal_suffix():
    rec = record(HEAD + "公司全资子公司示例电子有限公司（以下简称“乙方”）于2017年12月23日与国内军方某部（以下简称“甲方”）"
                        "签订了《订购合同》。")
    assert party_a(rec) == "国内军方某部"


def test_role_in_brackets_after_a_name():
    rec = record(HEAD + "2018年1月19日，我公司（承包人）与宁波示例聚合材料有限公司（发包人）在浙江省宁波市签订了总承包合同。")
    assert party_a(rec) == "宁波示例聚合材料有限公司"


def test_a_role_in_brackets_before_a_name_labels_what_follows():
    rec = record(HEAD + "1、合同双方：（买方）示例蓝宝石有限公司（卖方）浙江示例机电有限公司\n2、合同标的：长晶炉。")
    assert party_a(rec) == "示例蓝宝石有限公司"


def test_signing_read_past_the_asides():
    rec = record(HEAD + "公司全资子公司示例营销有限公司与山南示例影业有限公司（以下简称“山南影业”）、霍尔果斯示例影业有限公司"
                        "（以下简称“霍尔果斯影业”）分别签署了日常经营合同。")
    assert party_a(rec) == "山南示例影业有限公司"


def test_subcontractor_sells_to_the_general_contractor():
    rec = record(HEAD + "承包人：中国示例华兴建设有限公司；分包人：示例科技股份有限公司。双方签订了铝模板工程分包合同。")
    assert party_a(rec) == "中国示例华兴建设有限公司"
    assert rec["suppliers"] == ["示例科技股份有限公司"]


@pytest.mark.parametrize("text, name", [
    ("交通银行股份有限公司湖南省分行（以下简称", "交通银行股份有限公司湖南省分行"),
    ("南京公用能源有限公司2017年新建充电站项目", "南京公用能源有限公司"),
    ("广州开发区供水管理中心委托广州公共资源交易中心发来的", "广州开发区供水管理中心"),
    ("HanwhaKalyonGunesTeknolojileriUretimA.Ş.（以下简称", "HanwhaKalyonGunesTeknolojileriUretimA.Ş."),
    ("NextEnergyandResourcesCo.,LTD.（以下简称", "NextEnergyandResourcesCo.,LTD."),
    ("FluorLimited就英国海上风电项目签订", "FluorLimited"),
])
def test_name_boundaries(text, name):
    span = name_at(text, 0)
    assert span is not None and text[span[0]:span[1]] == name


@pytest.mark.parametrize("text", ["ZC-AZB17093项目", "中国移动通信集团公司全资控股子公司，具有良好的信用", "乙方另行签订",
                                  "尚未收到国家电网公司及其代理机构的通知", "HMF为荷兰国家政府提供通信系统",
                                  "候选人重庆示例恒泰建筑工程有限公司"])
def test_not_names(text):
    assert name_at(text, 0) is None


def test_table_written_one_cell_a_line():
    table = "序号\n\n中标人名称\n\n中标项目名称\n\n采购人名称\n\n中标金额（万元）\n\n1\n\n示例软件有限公司\n\n污染源在线监控平台项目\n\n登封市环境保护局\n\n168.000\n\n"
    rec = record(HEAD + "公司近期中标了以下项目：\n\n" + table + "特此公告。")
    assert rec["buyer"] == "登封市环境保护局"
    assert rec["suppliers"] == ["示例软件有限公司"]
    # A second row for another buyer: the announcement has no single buyer; both companies won.
    second = "2\n\n示例电子有限公司\n\n应急平台项目\n\n郓城县应急管理局\n\n589.679\n\n"
    rec = record(HEAD + "公司近期中标了以下项目：\n\n" + table + second + "特此公告。")
    assert rec["buyer"] is None
    assert rec["suppliers"] == ["示例软件有限公司", "示例电子有限公司"]


def test_two_names_before_an_alias():
    rec = record(HEAD + "公司收到招标代理机构深圳市示例建设监理有限公司和贵州示例旅游发展有限责任公司（以下简称“招标人”）"
                        "发来的《中标通知书》。")
    assert rec["buyer"] == "贵州示例旅游发展有限责任公司"
    rec = record(HEAD + "公司中标四川省雅安市公安局及雅安市经济和信息化委员会（以下合并简称“甲方”）的平台项目。")
    assert rec["buyer"] == "四川省雅安市公安局及雅安市经济和信息化委员会"


def test_another_organisations_subsidiary_is_not_the_company():
    rec = record(HEAD + "公司于2013年3月6日与杭州示例橡胶有限公司（以下简称“杭州示例”）属下控股子公司—杭州示例清泉实业有限公司"
                        "（以下简称“示例清泉”）签订了《设备采购合同》。")
    assert rec["suppliers"] == ["示例科技股份有限公司"]


@pytest.mark.parametrize("text, name", [
    ("权证简称：葛洲\nCWB1\n\n中\n国葛洲坝集团股份有限公司\n\n重大合同公告\n\n", "中国葛洲坝集团股份有限公司"),
])
def test_title_name_wrapped_after_its_first_character(text, name):
    rec = record(text + "本公司董事会及全体董事保证本公告内容不存在任何虚假记载。公司于近日收到中标通知书。")
    assert rec["suppliers"] == [name]


def test_heading_words_before_a_name():
    rec = record(HEAD + "二、交易对手方介绍及履约能力分析莱阳市住房和规划建设管理局是本项目的采购单位。")
    assert rec["buyer"] == "莱阳市住房和规划建设管理局"


def test_every_party_of_a_three_way_agreement():
    rec = record(HEAD + "本协议由武汉新洲区人民政府、公司下属全资子公司南宁市示例信息技术有限公司（以下简称“示例信息”）、"
                        "上海示例通信技术有限公司（以下简称“示例通信”）三方签署。")
    assert rec["buyer"] == "武汉新洲区人民政府"


@pytest.mark.parametrize("sentence", [
    "项目中标人：本公司及本公司100%控股子公司示例路桥工程有限公司组成的联合体。",
    "示例科技股份有限公司（以下简称“公司”）近期与全资子公司示例景观设计有限公司（以下简称“示例景观”）组成联合体参与了投标。",
])
def test_company_bidding_with_its_subsidiary(sentence):
    assert "示例科技股份有限公司" in record(HEAD + sentence)["suppliers"]


@pytest.mark.parametrize("title", ["中国示例股份有限公司海外项目中标公告", "中国示例股份有限公司\n\n示例温泉主题酒店室外景观绿化工程中标公告"])
def test_announcing_company_from_the_title(title):
    rec = record("证券代码：601000 证券简称：中国示例\n\n" + title + "\n\n本公司董事会及全体董事保证本公告内容不存在任何虚假记载。"
                 "近日，公司收到中标通知书。")
    assert rec["suppliers"] == ["中国示例股份有限公司"]


def test_subsidiary_named_with_an_aside_then_acting():
    rec = record(HEAD + "本公司下属示例能源运输有限公司（China VLCC）近期分别与英国石油公司签署了期租合同。")
    assert rec["suppliers"] == ["示例能源运输有限公司"]


def test_controlling_shareholder_that_wins():
    rec = record(HEAD + "近日，示例科技股份有限公司（以下简称“公司”）控股股东示例集团有限公司（以下简称“示例集团”）"
                        "为第一中标候选人，中标金额1,349.70万元。")
    assert rec["suppliers"] == ["示例集团有限公司"]


def test_label_naming_the_company_by_its_short_name_and_its_partners():
    rec = record(HEAD + "深圳示例智能股份有限公司（以下简称“示例智能”或“公司”）近期参与了投标。第一名预中标人：示例智能与"
                        "中国江苏示例合作集团有限公司、浙江省示例设计研究院组成的联合体。")
    assert rec["suppliers"] == ["深圳示例智能股份有限公司", "中国江苏示例合作集团有限公司", "浙江省示例设计研究院"]


def test_every_consortium_partner():
    rec = record(HEAD + "本公司子公司上海示例路桥建设工程有限公司与中国示例勘察设计研究院有限公司、上海市示例设计研究总院（集团）"
                        "有限公司组成的投标联合体成为该项目的第一中标候选人。")
    assert rec["suppliers"] == ["上海示例路桥建设工程有限公司", "中国示例勘察设计研究院有限公司", "上海市示例设计研究总院（集团）有限公司"]


@pytest.mark.parametrize("sentence", [
    "公司于近日收到示例进出口有限公司发出的中标通知书，公司参加示例储蓄银行终端入围招标项目，招标代理机构为示例进出口有限公司。",
    "公司于近日收到示例器材集团有限公司发出的《中标通知书》，公司中标示例通信集团有限公司（以下简称“示例通信”）2018年集中采购项目。"
    "此次招标活动由示例通信委托示例器材集团有限公司作为招标代理机构。",
])
def test_the_named_agency_is_not_the_buyer(sentence):
    rec = record(HEAD + sentence)
    assert rec["buyer"] != rec["agent"] and rec["agent"] in ("示例进出口有限公司", "示例器材集团有限公司")


def test_a_company_that_runs_its_own_tender_stays_the_buyer():
    rec = record(HEAD + "1、招标人：示例工程有限公司\n\n2、招标代理机构：示例工程有限公司\n\n公司为中标候选人。")
    assert rec["buyer"] == "示例工程有限公司"


@pytest.mark.parametrize("sentence", [
    "公司与示例资源公司及其下属的示例水泥厂签署了水泥生产线项目商务合同。",
    "公司和示例国际集团在刚果民主共和国的子公司示例水泥公司签署了工程总承包合同。",
])
def test_subsidiary_of_the_other_party_is_not_the_winner(sentence):
    assert record(HEAD + sentence)["suppliers"] == ["示例科技股份有限公司"]


def test_partners_chosen_together_by_their_full_names():
    rec = record(HEAD + "公司全资子公司示例钢构科技有限公司（以下简称“示例钢构”）收到招标单位发来的《中标通知书》，"
                        "确认示例钢构与沪宁示例钢机股份有限公司为该项目的中标单位。")
    assert rec["suppliers"] == ["示例钢构科技有限公司", "沪宁示例钢机股份有限公司"]


def test_a_labelled_party_that_is_anothers_subsidiary_is_not_that_other():
    rec = record(HEAD + "公司收到示例产权交易所有限责任公司的《中标通知书》，公司以贰亿元中标了示例重型机械有限公司股权。"
                        "由于交易对方为示例实业投资集团有限公司（以下简称“示例实业”）的全资子公司，本次交易构成关联交易。")
    assert rec["buyer"] != "示例实业投资集团有限公司"


def test_notice_sent_by_a_named_body_through_a_subsidiary():
    rec = record(HEAD + "公司收到全资子公司示例园林有限责任公司（以下简称“示例园林”）发来的由贵州示例旅游文化投资有限公司"
                        "发出的《中标通知书》，具体内容如下：1、中标人：示例园林有限责任公司。")
    assert party_a(rec) == "贵州示例旅游文化投资有限公司"


def test_party_named_under_its_heading():
    rec = record(HEAD + "1、合同标的情况\n\n示例园区道路工程，共15.96公里。\n\n2、合同对方当事人情况\n\n"
                        "双流县人民政府（双流县人民政府特别授权双流县交通局行使相关权利）。\n\n三、主要合同条款\n")
    assert rec["buyer"] == "双流县人民政府"


def test_notice_sender_with_the_date_it_signed():
    rec = record(HEAD + "公司近日收到崇明县示例业管理署于2013年12月3日签发的《中标通知书》。根据《中标通知书》，公司中标示例置业有限公司投资的商品房工程。")
    assert rec["buyer"] == "崇明县示例业管理署"


def test_a_guarantee_obtained_is_not_a_tender():
    rec = record(HEAD + "合同的生效条件：公司向业主示例甲烷公司提交预付款保函；示例甲烷公司获得伊朗财政部的主权担保。")
    assert rec["buyer"] != "伊朗财政部"


@pytest.mark.parametrize("text, name", [
    ("招标人：中国示例水电京沪高速铁路土建工程三标段项目经理部。", "中国示例水电京沪高速铁路土建工程三标段项目经理部"),
])
def test_project_management_units_are_names(text, name):
    assert record(HEAD + text)["buyer"] == name


def test_two_senders_of_the_award_notice():
    rec = record(HEAD + "公司及全资子公司示例幕墙美洲有限公司近日分别收到中技示例招标公司和JDS Development Group发来的幕墙工程中标通知书。")
    assert rec["buyer"] == "JDS Development Group" and rec["agent"] == "中技示例招标公司"


@pytest.mark.parametrize("title, sentence, winner", [
    ("关于公司联营企业中标的公告", "近日，公司联营企业北京示例先锋科技有限公司（以下简称“示例先锋”）收到中标通知书。", "北京示例先锋科技有限公司"),
    ("关于重大工程中标的公告", "公司控股子公司示例集团有限公司的附属公司示例木材制品有限公司近日收到WIDE GLOBAL发来的中标通知书。",
     "示例木材制品有限公司"),
    ("关于子公司进入国土资源部页岩气探矿权招标项目中标候选企业的公告",
     "本公司全资子公司示例能源投资有限公司分别获得贵州页岩气二区块中标候选企业第一名。", "示例能源投资有限公司"),
])
def test_the_related_company_that_won(title, sentence, winner):
    head = HEAD.replace("关于签订重大合同的公告", title)
    assert record(head + sentence)["suppliers"] == [winner]


def test_company_and_subsidiary_each_won_lots():
    rec = record(HEAD + "近日，公司及公司全资子公司收到若干标段的中标通知书：公司成为示例高速公路土建工程施工招标第A1（中标金额162,002,821元）、"
                        "A2（中标金额223,289,312元）标段中标人；公司全资子公司示例路桥第二工程有限公司成为上述工程A6标段中标人。")
    assert rec["suppliers"] == ["示例科技股份有限公司", "示例路桥第二工程有限公司"]


@pytest.mark.parametrize("sentence, winner", [
    ("公司收到正式合同，合同由国华下属的国华（江苏）示例风电有限公司（下称：国华江苏）与公司签署。", "示例科技股份有限公司"),
    ("近日，我司与下属公司示例港口机械（香港）有限公司组成的联合体成功中标示例港区PPP项目。", "示例港口机械（香港）有限公司"),
    ("项目交易对方为委内瑞拉农业土地部下属的委内瑞拉示例农业公司，与公司不存在关联关系。", "示例科技股份有限公司"),
])
def test_whose_subsidiary_by_the_word_before_it(sentence, winner):
    assert winner in record(HEAD + sentence)["suppliers"]


def test_every_lettered_member_of_the_selling_consortium():
    rec = record(HEAD + "1、合同交易方：\n\n买方（甲方）：示例制药集团股份有限公司卖方（乙丙丁组成的联合体）：\n\n"
                        "乙方：辽宁省示例规划设计院有限公司丙方：广州示例工程咨询有限公司\n\n丁方：中国示例系统工程第二建设有限公司\n")
    assert rec["suppliers"] == ["辽宁省示例规划设计院有限公司", "广州示例工程咨询有限公司", "中国示例系统工程第二建设有限公司"]


def test_wins_for_several_buyers_name_no_single_buyer():
    rec = record(HEAD + "近日，公司在示例市智能安防项目中获得多个项目成功中标，具体情况如下：\n\n"
                        "1、中标示例市公安局花都区分局视频监控采购项目，中标金额：86,006,520元。\n\n"
                        "2、中标示例市公安局交通指挥中心信号控制设备采购项目，中标金额：8,117,800元。\n\n"
                        "3、中标示例市海珠区社会治安视频监控中心运维项目，中标金额：5,000,000元。\n")
    assert rec["buyer"] is None and rec["suppliers"] == ["示例科技股份有限公司"]


def test_consortium_partners_named_in_an_aside():
    rec = record(HEAD + "公司全资子公司北京示例兴发科技有限公司收到中标通知书。中标价格为人民币308,702,744.00元"
                        "（北京示例兴发科技有限公司、大连示例测绘信息有限公司、辽宁示例城市建设发展有限公司联合体）。")
    assert rec["suppliers"] == ["北京示例兴发科技有限公司", "大连示例测绘信息有限公司", "辽宁示例城市建设发展有限公司"]


def test_numbered_parties_of_one_side():
    rec = record(HEAD + "二、协议各方基本情况介绍\n\n甲方：长治市示例建设管理局；\n\n乙方1：示例科技股份有限公司；法定代表人：某某；\n\n"
                        "乙方2：长治市示例晋清科技有限公司；\n")
    assert rec["suppliers"] == ["示例科技股份有限公司", "长治市示例晋清科技有限公司"]


def test_latin_name_with_a_bracketed_word():
    assert name_at("OXLEY-GEM(CAMBODIA)CO.,LTD.（豪利珍宝（柬埔寨）有限公司）", 0) == (0, 27)


def test_general_contractor_in_brackets_is_the_winner():
    rec = record(HEAD + "近日公司（业主）与化学工业第二示例设计院（总承包商）签订了《甲醇项目EPC总承包合同》。")
    assert rec["suppliers"] == ["化学工业第二示例设计院"]


def test_the_partner_named_before_with_leads_the_consortium():
    rec = record(HEAD + "本公司二级子公司示例公路桥梁建设有限公司与本公司二级子公司示例路桥养护有限公司组成联合体投标本项目第七、八标段。")
    assert rec["suppliers"] == ["示例公路桥梁建设有限公司", "示例路桥养护有限公司"]


def test_each_subsidiary_that_won_a_contract():
    rec = record(HEAD + "（1）全资子公司示例曲轴有限公司收到玉柴示例动力有限公司曲轴产品的样品订单；（2）全资子公司示例重工锻造有限公司"
                        "与中国重汽示例动力有限公司签订了前轴产品的采购合同，总金额约为人民币5,000万元。")
    assert rec["suppliers"] == ["示例曲轴有限公司", "示例重工锻造有限公司"]


def test_subsidiary_of_a_foreign_group_named_without_a_suffix():
    rec = record(HEAD + "公司与示例能源系统公司和日本神户钢铁的子公司米德示例技术公司签署了《联合开发协议》。")
    assert "米德示例技术公司" not in rec["suppliers"]


def test_a_government_notice_has_no_issuing_company():
    text = ("重庆示例建设投资有限公司\n\n示例中学土石方工程施工中标公示\n\n项目名称\n\n示例中学土石方工程\n\n招 标 人\n\n重庆示例建设投资有限公司\n\n"
            "第一中标候选人\n\n重庆示例永柱建筑工程有限公司\n\n第二中标候选人\n\n重庆示例恒泰建筑工程有限公司\n")
    rec = record(text)
    assert rec["buyer"] == "重庆示例建设投资有限公司" and rec["suppliers"] == ["重庆示例永柱建筑工程有限公司"]


def test_ranked_table_gives_the_first_row_only():
    text = ("示例大学终端采购项目中标公告\n\n采购单位名称：示例大学\n\n排序\n\n中标供应商名称\n\n中标供应商联系地址\n\n中标金额(万元)\n\n第一名\n\n"
            "湖南示例云网科技有限公司\n\n长沙市雨花区人民东路46号\n\n113.2\n\n第二名\n\n湖南示例尊亿电子科技有限公司\n\n长沙市芙蓉区人民东路458号\n\n120.5\n")
    assert record(text)["suppliers"] == ["湖南示例云网科技有限公司"]


@pytest.mark.parametrize("text, name", [
    ("A1653197700重庆示例网安信息技术有限公司", "重庆示例网安信息技术有限公司"),
])
def test_codes_before_a_name(text, name):
    span = name_at(text, 0)
    assert span and text[span[0]:span[1]] == name


def test_project_owner_and_bid_comparison_winner_in_a_flattened_table():
    text = ("示例区工程建设项目\n\n中标（比选）结果公示表\n\n项目名称\n\n示例片区主排污管网工程\n\n项目法人\n\n重庆市示例地产集团\n\n"
            "联系人\n\n汤老师\n\n招标代理机构\n\n重庆示例工程项目管理有限公司\n\n中标（选）候选人\n\n第一中标（选）候选人\n\n"
            "重庆示例市政交通工程有限责任公司\n\n第二中标（选）候选人\n\n重庆示例建设有限公司\n")
    rec = record(text)
    assert rec["buyer"] == "重庆市示例地产集团" and rec["suppliers"] == ["重庆示例市政交通工程有限责任公司"]


def test_a_name_that_starts_a_project_title_does_not_act():
    rec = record("示例造价咨询有限公司受上海示例客运场站管理有限公司的委托，就嘉定示例汽车站保安服务项目（项目编号：16184）组织采购，"
                 "评标工作已经结束。\n\n成交供应商：上海示例保安服务有限公司\n")
    assert rec["buyer"] == "上海示例客运场站管理有限公司"
