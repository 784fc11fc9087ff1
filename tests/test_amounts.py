"""Amounts: currencies, garbled units and numbers, labels that carry the unit, and the counter-cues that
say an amount is about the company or a period rather than the purchase. Synthetic sentences."""
from __future__ import annotations

import pytest

from synthetic import fields_of, record
from tenderlens.analyze.fields.amounts import parse_amount, role_of
from tenderlens.evaluate import GoldDoc, score
from tenderlens.summary import summarise


@pytest.mark.parametrize("text, value, currency", [
    ("1,220万欧元", 12_200_000, "EUR"),
    ("535,500,000欧元", 535_500_000, "EUR"),
    ("10.88亿港元", 1_088_000_000, "HKD"),
    ("柒仟捌佰万欧元", 78_000_000, "EUR"),
    ("US$ 30,980,190", 30_980_190, "USD"),
    ("4,300万美元", 43_000_000, "USD"),
])
def test_foreign_amounts_keep_their_currency(text, value, currency):
    amount = parse_amount(text)
    assert amount.currency == currency and amount.value == pytest.approx(value)


def test_a_foreign_amount_is_never_shown_as_yuan():
    rec = record("公司与某某公司签订设备供货合同，合同总价535,500,000欧元。")
    assert rec["amount_cny"] is None
    assert rec["amount"]["currency"] == "EUR" and rec["amount"]["eur"] == 535_500_000
    # A currency name that several countries use is not guessed.
    assert record("合同金额为15,753,161,351.05第纳尔。")["amount"] is None


@pytest.mark.parametrize("text, yuan", [
    ("42.1惩元", 4_210_000_000),          # 惩 for 亿: a PDF font mapped wrongly
    ("人民币488.806.625.00元", 488_806_625),  # thousands written with dots
    ("789,041.480.06元", 789_041_480.06),
])
def test_garbled_units_and_separators(text, yuan):
    amount = parse_amount(text)
    assert amount.currency == "CNY" and amount.value == pytest.approx(yuan)


def test_garbled_dollars_stay_dollars():
    assert parse_amount("2.03惩美元").currency == "USD"
    assert parse_amount("1.25亿元").value == 125_000_000     # an ordinary decimal is untouched
    assert parse_amount("2016.11.08") is None                 # nor is a date read as money


def test_unit_given_in_the_label():
    rec = record("项目采购人：某某市教育局\n中标金额（元）：250,654,002.40\n项目主要建设内容：校园设备。")
    assert rec["amount_cny"] == pytest.approx(250_654_002.40) and rec["amount"]["role"] == "award"
    assert record("中标金额（万元）：589.679\n")["amount_cny"] == pytest.approx(5_896_790)
    # Without a unit in the label or after it, a number is not money.
    assert record("中标序号：250654002\n")["amount"] is None


@pytest.mark.parametrize("before", [
    "交易对手方：某某电视台，机构类型：事业法人，开办资金：",
    "项目公司负责资金筹措，其中项目资本金",
    "城建集团占股20%出资",
    "预计本合同在有效期内可实现销售毛利约",
    "全县社会消费品零售总额达到",
    "每低于合同1MWp支付违约金",
    "截至公告日，公司本年度累计中标金额约",
    "最近三个会计年度公司与该客户发生的购销金额为",
    "公司曾与某某局签署合同，合同金额为",
])
def test_amounts_about_the_company_or_a_period_are_not_the_price(before):
    assert role_of(before) is None


@pytest.mark.parametrize("before, role", [
    ("公司成功中标一批“雪亮工程”项目，累计中标金额", "award"),   # a batch announced together
    ("预计购买项目运营资产暂估金额：", "contract"),              # buying assets is a purchase
    ("该存量资产转让价格为", "contract"),
])
def test_batches_and_asset_purchases_are_prices(before, role):
    assert role_of(before) == role


def test_a_statistic_is_not_a_price():
    rec = record("本项目总投资约251,670万元。2016年，全县社会消费品零售总额3764.8亿元，同比增长12.2%。")
    assert rec["amount_cny"] == 2_516_700_000


def test_evaluation_compares_an_unconverted_amount_only_with_gold_that_records_it_so():
    doc, facts = fields_of("公司与某某公司签订合同，合同总价535,500,000欧元。")
    rec = summarise(doc.id, facts)
    gold = {"amount_cny": [535_500_000.0]}
    fddc = score([GoldDoc("x.html", doc.id, gold, amount_as_written=True)], {doc.id: rec}).as_dict()
    labels = score([GoldDoc("x.html", doc.id, gold, tags=set())], {doc.id: rec}).as_dict()
    assert fddc["fields"]["amount_cny"]["tp"] == 1
    assert labels["fields"]["amount_cny"]["tp"] == 0


def test_the_documents_own_yuan_figure_stands_for_a_foreign_amount():
    rec = record("公司签署了电站项目商务合同。一、合同主要内容：合同金额为9.56亿美元，工期30个月。"
                 "三、合同履行对公司的影响：该合同金额为9.56亿美元，约合65亿元人民币，为公司营业总收入的40%。")
    assert rec["amount_cny"] == 6_500_000_000 and rec["amount"]["role"] == "contract"
    # A second conversion in a row: the peso amount itself is not read, its conversions are.
    rec = record("合同金额589.5亿墨西哥比索（约合43.96亿美元，270.16亿元人民币）。")
    assert rec["amount_cny"] == 27_016_000_000
    # A yuan amount that is not a conversion does not take over a foreign contract's place...
    rec = record("合同金额为4,300万美元。公司注册资本为5,000万元。")
    assert rec["amount_cny"] is None and rec["amount"]["usd"] == 43_000_000
    # ...but a yuan contract price beats a foreign one of the same role.
    assert record("合同总价约为1.1亿美元。另一合同总价约为4亿元人民币。")["amount_cny"] == 400_000_000


def test_a_list_shares_the_cue_of_its_first_item():
    rec = record("合同金额约15.2亿美元。最近三个会计年度公司向该客户提供施工服务金额分别为"
                 "16,686.92万元、14,949.07万元和43,826.39万元。")
    assert rec["amount_cny"] is None and rec["amount"]["usd"] == 1_520_000_000


def test_a_period_figure_far_back_in_the_sentence_is_still_a_period_figure():
    rec = record("截至2017年12月31日，本公司及下属公司在全国各省、自治区、直辖市的各地区承接的各类市政、公路、"
                 "桥梁、隧道及房建工程施工项目累计中标金额约474.52亿元。本次中标金额为人民币156,770,711.00元。")
    assert rec["amount_cny"] == 156_770_711


def test_a_revised_amount_replaces_the_old_one_everywhere():
    rec = record("公司与某某公司签订了《设备采购合同》，合同总金额为10.2亿元。本次合同变更的主要内容为"
                 "合同总金额由10.2亿元调整到8.8亿元，其他条款不变。")
    assert rec["amount_cny"] == 880_000_000


def test_a_range_is_shown_by_its_upper_end():
    rec = record("本合同履约完成后，合同总金额约为人民币62,067.20万元至93,100.80万元。")
    assert rec["amount_cny"] == 931_008_000


def test_a_currency_named_before_the_number():
    rec = record("该项目总金额为多米尼加比索322,585,015.00元（折合人民币约44,710,283.08元）。")
    assert rec["amount_cny"] == pytest.approx(44_710_283.08)


@pytest.mark.parametrize("before", [
    "甲方在合同签订之日起5日内向乙方支付第一笔货款：合同货款总额的40%即人民币",
    "买方在20个工作日内支付合同总价款的60%为预付款，即：",
    "转让价格：每平方米",
    "中标金额为：每年综合服务费:",
    "项目在建设期内市政府给予中央车购税补助金额",
    "运营总成本：",
])
def test_parts_of_a_payment_and_unit_prices_are_not_the_price(before):
    assert role_of(before) is None


def test_words_that_only_contain_a_counter_cue():
    # 确定金额 is not 定金; a per-share price followed by the total leaves the total a price.
    assert role_of("公司中标的合同订单的确定金额合计为") == "contract"
    rec = record("3.中标价格：认购股权数量20股，每股价格15,000,000元，总价300,000,000元。")
    assert rec["amount_cny"] == 300_000_000


def test_an_amount_restated_in_brackets_shares_its_cue():
    rec = record("该项目预计总投资678,680,000元。项目中标价：勘察费：每孔壹仟玖佰玖拾贰元（¥1992元）。")
    assert rec["amount_cny"] == 678_680_000


def test_an_amount_that_sums_its_neighbours_is_their_total():
    rec = record("公司为某某湿地公园项目的中标方，项目总投资额为33,457.27万元。中标价：设计部分：投标报价491.21万元，"
                 "下浮率20.50%；建安部分：投标报价32,966.06万元，下浮率10.50%。")
    assert rec["amount_cny"] == pytest.approx(334_572_700)
    # Two unrelated prices that do not add up leave the first award standing.
    rec = record("项目总投资额为40,000万元。中标价：设计部分：投标报价491.21万元；建安部分：投标报价32,966.06万元。")
    assert rec["amount_cny"] == pytest.approx(4_912_100)


def test_instalments_and_restatements_in_words_are_not_prices_of_their_own():
    rec = record("合同总金额为人民币90,670,000元。结算方式：1）合同签订后三天内支付合同总金额的30%，即¥27,201,000.00元"
                 "（大写：贰仟柒佰贰拾万壹仟元整）。2）设备发货前支付合同总金额的20%，即¥18,134,000.00元"
                 "（大写：壹仟捌佰壹拾叁万肆仟元整）；3）验收合格支付合同总金额的20%，即¥18,134,000.00元"
                 "（大写：壹仟捌佰壹拾叁万肆仟元整）。")
    assert rec["amount_cny"] == 90_670_000
    # A discount is not a share: the price after it is the award.
    rec = record("项目中标价为招标文件中合同预估价392,000,000元下浮4.36%，即人民币374,908,800元。")
    assert rec["amount_cny"] == 374_908_800


def test_a_quantity_in_units_of_a_hundred_million_is_not_money():
    assert record("年产1亿Nm3LNG项目总承包合同，合同价格为人民币：420,460,000.00元。")["amount_cny"] == 420_460_000


def test_a_breakdown_after_the_sentence_of_its_total():
    companies = "、".join(f"某某第{n}公路有限公司合同额为{n},000,000.00元" for n in range(1, 12))
    rec = record(f"公司被确定为养护维修工程项目的中标单位，与业主签订了总计为¥423,983,016.73的《合同协议书》。"
                 f"其中：{companies}。")
    assert rec["amount_cny"] == pytest.approx(423_983_016.73)


@pytest.mark.parametrize("before", [
    "到目前为止公司累计与中建钢构签订此项目的钢结构制作合同，累计暂估价为",
    "截至公告日，公司已中标未开工项目合计总金额约",
    "公司就该项目已签订工程合同和中标累计金额达",
])
def test_backlog_and_running_totals_are_not_the_price(before):
    assert role_of(before) is None


def test_yuan_given_by_its_sign_is_in_yuan():
    assert parse_amount("¥423,983,016.73").unit == "元"


def test_amounts_listed_each_of_its_own_give_way_to_the_whole():
    rec = record("公司被确定为养护维修工程项目的中标单位，项目金额¥597,322,004.05。目前公司就部分标段签订了《合同协议书》，"
                 "金额分别为¥113,514,429.19、¥139,527,068.40。")
    assert rec["amount_cny"] == pytest.approx(597_322_004.05)
    # A stated total of such a list is still believed.
    rec = record("公司收到两份中标通知书，中标金额分别为51,821,961.00元、180,875,475.00元。公司另收到一份中标通知书，"
                 "中标金额为282,570,937.22元。上述项目合计中标金额为515,268,373.22元。")
    assert rec["amount_cny"] == pytest.approx(515_268_373.22)
    # With nothing else stated, the first of the list is shown.
    assert record("合同金额分别为人民币60,384,760.52元、8,580,994.51元。")["amount_cny"] == pytest.approx(60_384_760.52)


def test_award_and_asset_words():
    assert role_of("二标段的工程，中标标价为") == "award"
    assert role_of("拥有固定资产") is None


TABLE = ("公司近期中标了若干项目。现公告如下：\n\n序号\n\n中标人名称\n\n采购人名称\n\n中标金额 （万元）\n\n备注\n\n"
         "1\n\n某某软件\n\n某某县管理委员会\n\n589.679\n\n已收到中标通知书\n\n"
         "2\n\n某某科技\n\n某某市环境保护局\n\n168.000\n\n已收到中标通知书\n\n"
         "合计\n\n757.679\n\n--\n\n二、中标项目对公司的影响\n\n")


def test_a_table_column_with_its_unit_in_the_header():
    doc, facts = fields_of(TABLE)
    cells = [f for f in facts if f.key == "amount"]
    assert [f.quote for f in cells] == ["589.679", "168.000", "757.679"]
    assert all(f.value["role"] == "award" and f.value["unit"] == "万元" for f in cells)
    assert all(f.quote == doc.pages[0].text[f.start:f.end] for f in cells)
    # The row labelled 合计 sums the column: it is the document's amount.
    assert summarise(doc.id, facts)["amount_cny"] == pytest.approx(7_576_790)


def test_table_cells_that_are_not_amounts():
    # A unit price column, serial numbers, and a number wrapped onto its own line in prose.
    doc, facts = fields_of("序号\n\n单价（元）\n\n1\n\n12,500.00\n\n2\n\n13,000.00\n\n")
    assert [f for f in facts if f.key == "amount"] == []
    text = "拨付金额（万元）\n\n2015年4月\n\n700\n\n合计\n\n2,000\n\n本项目总投资为\n113,683.37\n万元。"
    rec = record(text)
    assert rec["amount_cny"] == pytest.approx(1_136_833_700) and rec["amount"]["role"] == "budget"


def test_the_text_sums_up_what_its_table_lists():
    text = TABLE.replace("合计\n\n757.679\n\n", "") + "本次中标金额共计1,000.00万元。"
    assert record(text)["amount_cny"] == 10_000_000


def test_the_amount_in_words_binds_when_the_figure_disagrees():
    rec = record("中标价：本次中标项目金额暂定为99,850,000万元（大写人民币：玖仟玖佰捌拾伍万元整）。")
    assert rec["amount_cny"] == 99_850_000
    # Only a slip of the unit (a power of ten): other differences are more likely a misread of the words.
    rec = record("协议约定，回购金额为42,400万元（大写：肆亿壹仟贰佰万元），回购期限6个月。")
    assert rec["amount_cny"] == 424_000_000


def test_a_range_written_with_a_dash():
    assert record("公司为该项目的中标单位，项目金额预计为3.3亿元—3.6亿元。")["amount_cny"] == 360_000_000


def test_payments_of_a_schedule_are_not_the_price():
    rec = record("合同金额：暂定为人民币贰亿元。付款方式：（1）本合同签订生效后，买方支付2000万元人民币（预付款）；"
                 "（2）设备招标采购时，买方支付3000万元人民币；（3）点火时，买方支付5000万元人民币。项目投资1亿元。")
    assert rec["amount_cny"] == 200_000_000


def test_a_total_of_totals_is_the_largest():
    rec = record("南湖总投资89,799万元，中湖总投资173,420万元，北湖总投资150,010万元。三湖建设总投资共计413,229万元。"
                 "连通水系总投资55,513万元，项目整体总投资468,742万元。")
    assert rec["amount_cny"] == 4_687_420_000


def test_a_rounded_total_matches_at_the_precision_it_is_written_in():
    rec = record("中标报价：设计：3,645,100.00元；施工：319,405,900.00元。公司为投标联合体牵头人，中标公示项目涉及金额约为"
                 "人民币3.2亿元。")
    assert rec["amount_cny"] == 320_000_000
    # Written to the yuan, a figure is not the sum of amounts a million away from it.
    rec = record("中标报价：设计：3,645,100.00元；施工：319,405,900.00元。项目涉及金额为人民币320,000,000元。")
    assert rec["amount_cny"] == 3_645_100


def test_a_header_cell_and_its_value_cell():
    rec = record("中标（选）人\n\n某某市政工程有限公司\n\n中标（选）价（万元）\n\n666.987967\n\n中标工期（日历天）\n\n45\n\n")
    assert rec["amount_cny"] == pytest.approx(6_669_879.67) and rec["amount"]["role"] == "award"
    doc, facts = fields_of("第一名单位名称：某某监理公司\n投标报价（万元）：\n23.48\n投标工期：152\n")
    assert [f.quote for f in facts if f.key == "amount"] == ["（万元）：\n23.48"]   # read once, not twice
    # Certificate and telephone numbers in the rows below are not amounts.
    rec = record("投标报价（万元）：\n23.48\n注册证号：\n65002146\n联系电话：\n13508309966\n")
    assert rec["amount_cny"] == pytest.approx(234_800)


@pytest.mark.parametrize("text, quote", [
    ("预算金额：肆佰叁拾柒万元，采购视频监控点位。", "肆佰叁拾柒万元"),
    ("中标金额: 2,850,000.00元。", "2,850,000.00元"),
    ("中标金额：人民币4,298,000.00元。", "人民币4,298,000.00元"),
])
def test_the_quote_is_the_amount_without_the_label_s_colon(text, quote):
    assert [f.quote for f in fields_of(text)[1] if f.key == "amount"] == [quote]
