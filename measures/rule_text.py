"""The estimate's own words in the reader's language: its inputs' labels and units, and its steps.

The rule engine (measures.rules) writes its steps in Chinese with the figures in them; the words it takes from a
document (an item's name, a clause's wording) stay as the document prints them. Steps and labels made from the
wordings below are shown translated, with the same figures; the rest keep the document's words with their units and
punctuation in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from portal.composed import english_punctuation, in_chinese, translate_composed, units

# Labels and help texts of inputs that the engine names itself (the others are the document's words).
INPUT_LABELS = [
    gettext_noop("人数"),
    gettext_noop("招用人数"),
    gettext_noop("每人天数"),
    gettext_noop("补贴年数"),
    gettext_noop("月租金"),
    gettext_noop("房屋用途"),
    gettext_noop("情形"),
    gettext_noop("申请人"),
    gettext_noop("项目名称"),
    gettext_noop("信贷产品名称"),
    gettext_noop("申请的奖励"),
    gettext_noop("认定等级"),
    gettext_noop("申请减免的费用"),
    gettext_noop("应缴费用金额"),
    gettext_noop("贷款金额"),
    gettext_noop("贷款期限"),
    gettext_noop("贷款发放日期"),
    gettext_noop("实际支付的贷款利息"),
    gettext_noop("按同期贷款基准利率计算的利息"),
    gettext_noop("上年月均参保职工人数"),
    gettext_noop("本期月均参保职工人数"),
    gettext_noop("本次申请补贴的天数"),
    gettext_noop("租用面积"),
    gettext_noop("达到规模当年的营业收入"),
    gettext_noop("笔数"),
    gettext_noop("以贷款银行出具的计算为准"),
    gettext_noop("与文件规定的比较基期一致"),
    gettext_noop("如截至4月底的月均人数"),
    gettext_noop("文件未写明月数，按实际享受的月数填写"),
    gettext_noop("没有请留空"),
    gettext_noop("与本企业此前申请时填写的名称一致：同一项目已获的支持计入该项目的上限"),
]
COMPOSED_INPUTS = [
    gettext_noop("%(months)s个月实际缴纳的社会保险费（单位缴费部分）"),
    gettext_noop("选择“%(item)s”时填写。%(rest)s"),
    gettext_noop("选择“%(item)s”时填写。"),
    gettext_noop("申请“%(item)s”时填写，不申请的留空。"),
    gettext_noop("减免的费用：%(fees)s"),
    gettext_noop("%(item)s：%(label)s"),
]
STEPS = [
    gettext_noop("测算金额"),
    gettext_noop("最高可获"),
    gettext_noop("各项合计"),
    gettext_noop("人数变化"),
    gettext_noop("不重复享受"),
    gettext_noop("每年资金支持上限"),
    gettext_noop("未申请的项目"),
    gettext_noop("测算金额：文件未规定金额"),
    gettext_noop("文件未规定金额或计算方法，由牵头部门核定"),
    gettext_noop("本措施的计算方式无法按已知规则测算，由牵头部门核定"),
    gettext_noop("实际金额由牵头部门核定"),
    gettext_noop("另有部分文件未规定金额，由牵头部门核定"),
    gettext_noop("由主管部门在此额度内核定实际金额"),
    gettext_noop("由主管部门在此额度内核定"),
    gettext_noop("由主管部门视情况核定金额；测算按上限"),
    gettext_noop("由主管部门在此标准内核定；测算按最高标准"),
    gettext_noop("申请人选择的一项"),
    gettext_noop("超出基准利率的部分不予补贴"),
    gettext_noop("成长达到规定规模的奖励"),
    gettext_noop("是否达到规定规模由主管部门认定"),
    gettext_noop("文件未规定补贴比例或上限"),
    gettext_noop("按面积 × 标准 × 天数计算"),
    gettext_noop("按每人%(amount)s计算"),
    gettext_noop("按每人每年%(amount)s计算"),
    gettext_noop("按每人每天%(amount)s计算"),
    gettext_noop("按实际支付的利息的%(rate)s贴息"),
    gettext_noop("按按基准利率计算的利息的%(rate)s贴息"),
    gettext_noop("按%(n)s个月社会保险费的%(rate)s计算"),
    gettext_noop("按%(base)s的%(rate)s计算"),
    gettext_noop("按%(base)s %(ratio)s 配套"),
    gettext_noop("按 %(formula)s 计算"),
    gettext_noop("每个单位上限 %(amount)s"),
    gettext_noop("单个项目上限 %(amount)s"),
    gettext_noop("每家每年上限 %(amount)s"),
    gettext_noop("单一产品年度上限 %(amount)s"),
    gettext_noop("视情况给予，每家最高不超过 %(amount)s"),
    gettext_noop("视情况给予，每项最高不超过 %(amount)s"),
    gettext_noop("视情况给予，每年最高不超过 %(amount)s"),
    gettext_noop("视情况给予，每场最高不超过 %(amount)s"),
    gettext_noop("视情况给予，每个项目最高不超过 %(amount)s"),
    gettext_noop("比例不超过%(rate)s"),
    gettext_noop("比例为%(low)s至%(high)s"),
    gettext_noop("最长不超过 %(limit)s"),
    gettext_noop("标准为每人%(low)s至%(high)s"),
    gettext_noop("标准为每人最高%(amount)s"),
    gettext_noop("标准为最高 %(amount)s"),
    gettext_noop("每人最高 %(amount)s"),
    gettext_noop("面积不超过 %(limit)s"),
    gettext_noop("适用增长 %(growth)s 及以上档，补贴比例 %(rate)s"),
    gettext_noop("%(what)s小计"),
    gettext_noop("%(what)s减免%(rate)s"),
    gettext_noop("%(what)s：符合"),
    gettext_noop("%(what)s：最高%(amount)s"),
    gettext_noop("%(amount)s 未超过上限 %(cap)s，不调整"),
    gettext_noop("%(amount)s 未超过上限，不调整"),
    gettext_noop("%(amount)s 未达到最低档 %(lowest)s，不予补助"),
    gettext_noop("%(amount)s 未达到最低档 %(lowest)s，不予补贴"),
    gettext_noop("第%(n)s项，共%(total)s项"),
    gettext_noop("填写的 %(given)s 超过上限，按 %(limit)s 计"),
    gettext_noop("由主管部门在%(rate)s以内核定；测算按最高比例%(top)s"),
    gettext_noop("由主管部门在%(low)s至%(high)s之间核定；测算按最高比例%(top)s"),
    gettext_noop("由主管部门在此范围内核定；测算按最高标准%(amount)s"),
    gettext_noop("%(given)s，条件为不超过 %(limit)s"),
    gettext_noop("%(given)s，条件为 %(start)s 至 %(end)s 期间发放"),
    gettext_noop("实际利息 %(paid)s 未超过按基准利率计算的 %(base)s，不调整"),
    gettext_noop("最低档为 %(lowest)s以上（含 %(again)s）"),
]


def _figure(_name: str, value: str) -> str:
    return rule_text(value)


def rule_text(text) -> str:
    """Return a label, help text or step of an estimate in the reader's language."""
    text = str(text or "")
    if not text or in_chinese():
        return text
    plain = gettext(text)
    if plain != text:
        return plain
    composed = translate_composed(text, [*STEPS, *COMPOSED_INPUTS], _figure)
    return composed if composed is not None else english_punctuation(units(text))
