"""One wire report as two outlets carry it, and different stories that only look alike.

Written for the duplicate tests (issue #20) the way rewrites happen: each outlet gives the
report its own headline, rewords the first paragraph, drops or adds a sentence and wraps it in
its own boilerplate ("(AP) —", "Reporting by ..."). The hard negatives are two different
stories on one topic in one outlet's house style, sharing its boilerplate and set phrases.
The stories are invented; the Russian and Chinese texts are real Russian and Chinese.
"""

# Real Russian and Chinese text on purpose.

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Copy:
    """One outlet's copy of a story."""

    outlet: str
    url: str
    title: str
    text: str


@dataclass(frozen=True)
class Pair:
    """Two copies to compare: ``same`` says whether they are one story."""

    name: str
    first: Copy
    second: Copy
    same: bool


_AP_FOOTER = (
    "Copyright 2026 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed without permission."
)
_REUTERS_FOOTER = "Our Standards: The Thomson Reuters Trust Principles."

QUAKE_CHILE_AP = Copy(
    "AP",
    "https://apnews.com/article/chile-earthquake-antofagasta-3f2a",
    "Strong earthquake shakes northern Chile, no tsunami threat",
    "SANTIAGO, Chile (AP) — A strong earthquake shook northern Chile on Tuesday, rattling "
    "buildings in the port city of Antofagasta and sending residents running into the streets, "
    "but authorities said there was no threat of a tsunami.\n\n"
    "The U.S. Geological Survey said the magnitude 6.4 quake struck at 10:42 a.m. local time "
    "at a depth of 38 kilometers, about 60 kilometers north of Antofagasta. Chile's national "
    "disaster agency, Senapred, said it had no immediate reports of serious damage or "
    "injuries, though power was briefly cut in several neighborhoods.\n\n"
    "The navy's hydrographic service ruled out a tsunami along the coast. Copper miner "
    "Escondida said operations at its mine southeast of the city continued normally after "
    "inspections of its facilities.\n\n"
    "Chile sits on the Pacific Ring of Fire and is one of the most seismically active "
    "countries in the world. In 2010, a magnitude 8.8 earthquake and the tsunami it "
    "triggered killed more than 500 people in the south-central part of the country.\n\n"
    + _AP_FOOTER,
)
QUAKE_CHILE_GUARDIAN = Copy(
    "The Guardian",
    "https://www.theguardian.com/world/2026/dec/01/chile-earthquake-antofagasta",
    "Magnitude 6.4 quake rattles Antofagasta as Chile rules out tsunami",
    "A magnitude 6.4 earthquake rattled northern Chile on Tuesday, shaking buildings in "
    "Antofagasta and sending frightened residents into the streets, though officials quickly "
    "ruled out a tsunami.\n\n"
    "The U.S. Geological Survey said the magnitude 6.4 quake struck at 10:42 a.m. local time "
    "at a depth of 38 kilometers, about 60 kilometers north of Antofagasta. Chile's national "
    "disaster agency, Senapred, said it had no immediate reports of serious damage or "
    "injuries, though power was briefly cut in several neighborhoods.\n\n"
    "The navy's hydrographic service ruled out a tsunami along the coast. Copper miner "
    "Escondida said operations at its mine southeast of the city continued normally after "
    "inspections of its facilities. Schools in the region will open as usual on Wednesday, "
    "the regional government said.\n\n"
    "Chile sits on the Pacific Ring of Fire and is one of the most seismically active "
    "countries in the world. In 2010, a magnitude 8.8 earthquake and the tsunami it "
    "triggered killed more than 500 people in the south-central part of the country.\n\n"
    "Associated Press contributed to this report.",
)

QUAKE_JAPAN_AP = Copy(
    "AP",
    "https://apnews.com/article/japan-earthquake-noto-9c1b",
    "Strong earthquake shakes central Japan, tsunami advisory lifted",
    "TOKYO (AP) — A strong earthquake shook central Japan on Thursday, rattling buildings "
    "on the Noto peninsula and prompting a brief tsunami advisory, but authorities said there "
    "were no immediate reports of serious damage.\n\n"
    "The Japan Meteorological Agency said the magnitude 6.1 quake struck at 3:15 p.m. local "
    "time at a depth of 12 kilometers beneath the tip of the peninsula. The U.S. Geological "
    "Survey put its magnitude at 6.0. A tsunami advisory for the coast of Ishikawa prefecture "
    "was lifted after about an hour, when waves of only 20 centimeters were observed.\n\n"
    "Nuclear regulators said no abnormalities were found at the Shika nuclear power plant, "
    "which has been offline since 2011. Bullet train services between Kanazawa and Toyama "
    "were halted for safety checks and resumed in the evening.\n\n"
    "Japan sits on the Pacific Ring of Fire and is one of the most seismically active "
    "countries in the world. A magnitude 7.5 earthquake on the Noto peninsula on New Year's "
    "Day in 2024 killed more than 200 people and destroyed thousands of homes.\n\n" + _AP_FOOTER,
)

ECB_REUTERS = Copy(
    "Reuters",
    "https://www.reuters.com/markets/europe/ecb-holds-rates-december-2026-12-10/",
    "ECB holds rates steady, signals patience as inflation cools",
    "FRANKFURT, Dec 10 (Reuters) - The European Central Bank kept interest rates unchanged "
    "on Thursday, as expected, and signalled it was in no hurry to move again with inflation "
    "back near its 2% target and the economy growing only slowly.\n\n"
    "The ECB left its deposit rate at 2.0%, where it has been since June, saying incoming "
    "data broadly confirmed its assessment of the medium-term inflation outlook. "
    "Policymakers said they would continue to follow a data-dependent, meeting-by-meeting "
    "approach and were not pre-committing to a particular rate path.\n\n"
    "New staff projections put inflation at 2.1% next year and 1.9% in 2028, while growth "
    "was seen at 1.0% next year, slightly better than forecast in September. ECB President "
    "Christine Lagarde told a news conference that risks to growth remained tilted to the "
    "downside because of trade tensions.\n\n"
    "Markets priced in only a small chance of another cut by the middle of next year, and "
    "the euro was little changed at $1.16 after the decision.\n\n"
    "Reporting by Francesco Canepa and Balazs Koranyi; Editing by Catherine Evans\n\n"
    + _REUTERS_FOOTER,
)
ECB_INVESTING = Copy(
    "Investing.com",
    "https://uk.investing.com/news/economy/ecb-leaves-deposit-rate-at-2-4410212?utm_source=rss",
    "European Central Bank leaves deposit rate at 2%, sees inflation near target",
    "The European Central Bank left borrowing costs unchanged on Thursday, as markets had "
    "expected, and indicated it was in no rush to act again now that inflation is close to "
    "its 2% goal and growth remains sluggish.\n\n"
    "The ECB left its deposit rate at 2.0%, where it has been since June, saying incoming "
    "data broadly confirmed its assessment of the medium-term inflation outlook. "
    "Policymakers said they would continue to follow a data-dependent, meeting-by-meeting "
    "approach and were not pre-committing to a particular rate path.\n\n"
    "New staff projections put inflation at 2.1% next year and 1.9% in 2028, while growth "
    "was seen at 1.0% next year, slightly better than forecast in September. ECB President "
    "Christine Lagarde told a news conference that risks to growth remained tilted to the "
    "downside because of trade tensions.\n\n"
    "Markets priced in only a small chance of another cut by the middle of next year.\n\n"
    "(Reuters)",
)
ECB_OCTOBER_REUTERS = Copy(
    "Reuters",
    "https://www.reuters.com/markets/europe/ecb-holds-rates-october-2026-10-29/",
    "ECB keeps rates on hold, says policy in a good place",
    "FRANKFURT, Oct 29 (Reuters) - The European Central Bank kept interest rates unchanged "
    "on Wednesday for a third meeting in a row, saying its policy was in a good place even as "
    "a stronger euro and weak factory orders clouded the outlook.\n\n"
    "The ECB left its deposit rate at 2.0%, arguing that inflation was close to target and "
    "that the economy had proved resilient to higher U.S. tariffs. Policymakers repeated "
    "that they would follow a data-dependent, meeting-by-meeting approach and gave no signal "
    "about their next move.\n\n"
    "Lagarde told reporters that the decision was unanimous and that the bank was watching "
    "energy prices, which fell sharply in September, and wage growth, which has slowed to "
    "about 3%. Some policymakers have argued for one more cut to guard against inflation "
    "undershooting the target in 2027.\n\n"
    "Money markets trimmed bets on a December cut after the decision, and German two-year "
    "bond yields rose 3 basis points to 1.98%.\n\n"
    "Reporting by Francesco Canepa and Balazs Koranyi; Editing by Toby Chopra\n\n"
    + _REUTERS_FOOTER,
)

STRIKE_DW = Copy(
    "DW",
    "https://www.dw.com/en/germany-rail-strike-gdl/a-70111222",
    "German train drivers walk out, halting most long-distance services",
    "BERLIN (dpa) — German train drivers began a 48-hour strike early on Monday, bringing most "
    "long-distance rail services to a standstill and causing disruption for millions of "
    "commuters in the country's biggest cities.\n\n"
    "The GDL union called the walkout after talks with Deutsche Bahn over pay and working "
    "hours broke down last week. The union is demanding a 35-hour week for shift workers "
    "without a cut in pay, while the railway has offered a 4.8% wage increase spread over two "
    "years.\n\n"
    "Deutsche Bahn said it was running an emergency timetable with about one in five "
    "long-distance trains and urged passengers to postpone journeys that were not necessary. "
    "Regional and suburban services were also heavily affected, particularly in the east of "
    "the country.\n\n"
    "Transport Minister Patrick Schnieder called on both sides to return to the negotiating "
    "table, saying the strike was hurting passengers and the economy at a difficult time. "
    "Freight services were also disrupted, and industry groups warned of delays to supplies "
    "for factories.",
)
STRIKE_LOCAL = Copy(
    "The Local",
    "https://www.thelocal.de/20261207/train-strike-what-you-need-to-know",
    "Rail strike: Most long-distance trains cancelled as GDL drivers strike for 48 hours",
    "Train drivers across Germany walked off the job early on Monday for a 48-hour strike, "
    "leaving most long-distance routes without service and disrupting the commute for "
    "millions in the biggest cities.\n\n"
    "The GDL union called the walkout after talks with Deutsche Bahn over pay and working "
    "hours broke down last week. The union is demanding a 35-hour week for shift workers "
    "without a cut in pay, while the railway has offered a 4.8% wage increase spread over two "
    "years.\n\n"
    "Deutsche Bahn said it was running an emergency timetable with about one in five "
    "long-distance trains and urged passengers to postpone journeys that were not necessary. "
    "Regional and suburban services were also heavily affected, particularly in the east of "
    "the country. Passengers with tickets for the strike days can use them later or ask for a "
    "refund.\n\n"
    "Transport Minister Patrick Schnieder called on both sides to return to the negotiating "
    "table, saying the strike was hurting passengers and the economy at a difficult time.\n\n"
    "With reporting by dpa",
)

WILDFIRE_AP = Copy(
    "AP",
    "https://apnews.com/article/greece-wildfire-evacuations-attica-71d0",
    "Wildfire near Athens forces evacuations as strong winds fan flames",
    "ATHENS, Greece (AP) — A wildfire fanned by strong winds raced through pine forests "
    "northeast of Athens on Sunday, forcing the evacuation of several villages and a "
    "children's summer camp as hundreds of firefighters battled the flames.\n\n"
    "The fire broke out in the early afternoon near the town of Varnavas, about 35 kilometers "
    "from the capital, and spread quickly through dry scrubland. The fire service said 410 "
    "firefighters, 120 fire engines, 12 water-dropping planes and 9 helicopters were "
    "deployed.\n\n"
    "Authorities sent text messages to residents of four villages telling them to leave, and "
    "police closed sections of the road to Marathon. Thick smoke drifted over the northern "
    "suburbs of Athens, and the health ministry advised people with breathing problems to "
    "stay indoors.\n\n"
    "Greece has been sweltering in a heat wave, with temperatures above 40 degrees Celsius "
    "in parts of the country. Scientists say climate change is making summers hotter and "
    "drier in the Mediterranean, increasing the risk of wildfires.\n\n" + _AP_FOOTER,
)
WILDFIRE_EURONEWS = Copy(
    "Euronews",
    "https://www.euronews.com/2026/07/19/greece-wildfire-varnavas",
    "Greece: villages evacuated as wildfire rages north-east of Athens",
    "Several villages and a children's summer camp north-east of Athens were evacuated on "
    "Sunday as a wind-driven wildfire tore through pine forests, with hundreds of "
    "firefighters struggling to contain it.\n\n"
    "The fire broke out in the early afternoon near the town of Varnavas, about 35 kilometers "
    "from the capital, and spread quickly through dry scrubland. The fire service said 410 "
    "firefighters, 120 fire engines, 12 water-dropping planes and 9 helicopters were "
    "deployed.\n\n"
    "Authorities sent text messages to residents of four villages telling them to leave, and "
    "police closed sections of the road to Marathon. Thick smoke drifted over the northern "
    "suburbs of Athens, and the health ministry advised people with breathing problems to "
    "stay indoors.\n\n"
    "Greece has been sweltering in a heat wave, with temperatures above 40 degrees Celsius "
    "in parts of the country.\n\n"
    "Euronews with AP",
)

BUDGET_FIRST_REUTERS = Copy(
    "Reuters",
    "https://www.reuters.com/world/europe/hungary-parliament-budget-committee-2026-11-24/",
    "Hungary's budget bill clears committee, final vote next week",
    "BUDAPEST, Nov 24 (Reuters) - Hungary's parliamentary budget committee approved the "
    "government's 2027 budget bill on Tuesday, clearing the way for a final vote next week, "
    "after rejecting dozens of opposition amendments on healthcare and education spending.\n\n"
    "The bill targets a deficit of 3.7% of gross domestic product next year, down from an "
    "expected 4.5% this year, and assumes economic growth of 3.1%. Economy Minister Marton "
    "Nagy told the committee that the targets were realistic, but analysts at several banks "
    "said they expected a wider shortfall.\n\n"
    "The committee also backed a proposal to raise the tax on bank profits for another year. "
    "The Hungarian Banking Association said it would ask the government to phase the tax "
    "out, arguing it held back lending to small businesses.\n\n"
    "Reporting by Anita Komuves and Krisztina Than; Editing by Alex Richardson\n\n"
    + _REUTERS_FOOTER,
)
BUDGET_FINAL_REUTERS = Copy(
    "Reuters",
    "https://www.reuters.com/world/europe/hungary-parliament-approves-budget-2026-12-01/",
    "Hungary's parliament approves 2027 budget",
    "BUDAPEST, Dec 1 (Reuters) - Hungary's parliament approved the government's 2027 budget "
    "on Tuesday with the votes of the ruling coalition, a week after the bill cleared the "
    "budget committee, despite warnings from the central bank that its deficit target was "
    "hard to reach.\n\n"
    "Lawmakers voted 133 to 62 in favour of the budget, which raises pensions by 3.6% and "
    "doubles a tax credit for mothers of two children. The central bank said in its latest "
    "inflation report that the deficit was likely to come in above the government's goal "
    "unless spending was cut in the second half of the year.\n\n"
    "The forint weakened 0.3% against the euro after the vote, trading at 392.5. Rating "
    "agency S&P Global is due to review Hungary's credit rating on Friday.\n\n"
    "Reporting by Anita Komuves and Krisztina Than; Editing by Alex Richardson\n\n"
    + _REUTERS_FOOTER,
)

FLOOD_TASS = Copy(
    "ТАСС",
    "https://tass.ru/proisshestviya/21876543",
    "Уровень воды в Урале у Оренбурга превысил опасную отметку",
    "ОРЕНБУРГ, 8 апреля. /ТАСС/. Уровень воды в реке Урал у Оренбурга в понедельник "
    "превысил опасную отметку в 930 сантиметров, в нескольких районах города объявлена "
    "эвакуация, сообщили в городской администрации.\n\n"
    "По данным администрации, к утру подтоплены более 2,5 тысячи жилых домов и около 6 "
    "тысяч приусадебных участков. Из зоны подтопления эвакуированы более 4 тысяч человек, в "
    "том числе 900 детей. В пунктах временного размещения находятся около 500 человек.\n\n"
    "Глава МЧС России прибыл в регион и провел совещание по ликвидации последствий паводка. "
    "Он поручил усилить группировку спасателей и организовать круглосуточное дежурство на "
    "дамбах. Синоптики прогнозируют, что вода продолжит прибывать еще как минимум двое "
    "суток.\n\n"
    "В Оренбургской области с 5 апреля действует режим чрезвычайной ситуации федерального "
    "характера.",
)
FLOOD_INTERFAX = Copy(
    "Интерфакс",
    "https://www.interfax.ru/russia/954321",
    "В Оренбурге объявили эвакуацию из-за подъема воды в Урале",
    "Москва. 8 апреля. INTERFAX.RU - Власти Оренбурга объявили эвакуацию жителей нескольких "
    "районов города после того, как уровень воды в Урале в понедельник поднялся выше опасной "
    "отметки в 930 сантиметров.\n\n"
    "По данным администрации, к утру подтоплены более 2,5 тысячи жилых домов и около 6 "
    "тысяч приусадебных участков. Из зоны подтопления эвакуированы более 4 тысяч человек, в "
    "том числе 900 детей. В пунктах временного размещения находятся около 500 человек.\n\n"
    "Глава МЧС России прибыл в регион и провел совещание по ликвидации последствий паводка. "
    "Он поручил усилить группировку спасателей и организовать круглосуточное дежурство на "
    "дамбах. Синоптики прогнозируют, что вода продолжит прибывать еще как минимум двое "
    "суток, пик паводка ожидается в среду.\n\n"
    "Как сообщалось, в Оренбургской области с 5 апреля действует режим чрезвычайной ситуации "
    "федерального характера.",
)
FLOOD_KURGAN_TASS = Copy(
    "ТАСС",
    "https://tass.ru/proisshestviya/21899001",
    "Уровень воды в Тоболе у Кургана превысил опасную отметку",
    "КУРГАН, 12 апреля. /ТАСС/. Уровень воды в реке Тобол у Кургана в пятницу превысил "
    "опасную отметку в 800 сантиметров, жителей прибрежных сел призвали покинуть дома, "
    "сообщили в правительстве Курганской области.\n\n"
    "По данным областного правительства, подтоплены около 700 жилых домов в 25 населенных "
    "пунктах. Губернатор поручил ускорить строительство временной дамбы в пригороде и "
    "перевести школы в зоне риска на дистанционное обучение. Эвакуированы более 1,2 тысячи "
    "человек.\n\n"
    "Спасатели МЧС России доставляют в отрезанные водой села питьевую воду и продукты. "
    "Гидрологи ожидают, что пик паводка на Тоболе придется на следующую неделю, когда к "
    "городу подойдет вода из Казахстана.\n\n"
    "В Курганской области с 4 апреля действует режим чрезвычайной ситуации регионального "
    "характера.",
)

RAIL_XINHUA = Copy(
    "新华社",
    "https://www.news.cn/fortune/20261226/a1b2c3d4e5/c.html",
    "沪渝蓉高铁武汉至宜昌段开通运营",
    "新华社武汉12月26日电（记者 王晓东）12月26日上午，沪渝蓉高铁武汉至宜昌段正式开通运营，"
    "武汉至宜昌最快旅行时间由原来的2小时缩短至1小时30分钟。\n\n"
    "武宜段线路全长约315公里，设计时速350公里，共设汉川、天门、潜江、荆州、枝江、宜昌北等站。"
    "该段建成后，江汉平原地区将形成更加便捷的高速铁路网，对促进长江经济带高质量发展具有重要意义。\n\n"
    "据中国国家铁路集团有限公司介绍，开通初期，铁路部门每日安排开行动车组列车48对，"
    "后续将根据客流情况适时增加列车开行数量。\n\n"
    "沪渝蓉高铁是国家“八纵八横”高速铁路网中沿江通道的重要组成部分，全线建成后，"
    "上海至成都的旅行时间将大幅缩短。",
)
RAIL_CHINANEWS = Copy(
    "中国新闻网",
    "https://www.chinanews.com.cn/cj/2026/12-26/10345678.shtml",
    "武宜高铁今日开通 武汉至宜昌最快1.5小时",
    "中新网12月26日电 沪渝蓉高铁武汉至宜昌段26日上午开通运营，两地之间的最快旅行时间"
    "从过去的2小时压缩到1小时30分钟。\n\n"
    "武宜段线路全长约315公里，设计时速350公里，共设汉川、天门、潜江、荆州、枝江、宜昌北等站。"
    "该段建成后，江汉平原地区将形成更加便捷的高速铁路网，对促进长江经济带高质量发展具有重要意义。\n\n"
    "据中国国家铁路集团有限公司介绍，开通初期，铁路部门每日安排开行动车组列车48对，"
    "后续将根据客流情况适时增加列车开行数量。首趟列车G9801次于上午9时从武汉站发出。\n\n"
    "沪渝蓉高铁是国家“八纵八横”高速铁路网中沿江通道的重要组成部分。\n\n"
    "（中新财经）",
)
RAIL_OTHER_XINHUA = Copy(
    "新华社",
    "https://www.news.cn/fortune/20261228/f6e5d4c3b2/c.html",
    "西渝高铁安康至重庆段开通运营",
    "新华社重庆12月28日电（记者 李明）12月28日上午，西渝高铁安康至重庆段正式开通运营，"
    "重庆至安康最快旅行时间由原来的5小时缩短至2小时10分钟。\n\n"
    "安渝段线路全长约478公里，设计时速350公里，沿线设有万源、达州、开江、梁平等站。"
    "该段开通后，川渝地区与陕南地区之间的联系将更加紧密，对推动成渝地区双城经济圈建设具有重要意义。\n\n"
    "据中国国家铁路集团有限公司介绍，开通初期，铁路部门每日安排开行动车组列车26对，"
    "周末及节假日将实行高峰运行图。\n\n"
    "西渝高铁是国家“八纵八横”高速铁路网中包（银）海通道的重要组成部分，全线建成后，"
    "西安至重庆的旅行时间将缩短至3小时以内。",
)

#: One story as two outlets carried it: each must merge.
SAME_STORY = (
    Pair("quake-chile", QUAKE_CHILE_AP, QUAKE_CHILE_GUARDIAN, True),
    Pair("ecb-december", ECB_REUTERS, ECB_INVESTING, True),
    Pair("rail-strike", STRIKE_DW, STRIKE_LOCAL, True),
    Pair("wildfire", WILDFIRE_AP, WILDFIRE_EURONEWS, True),
    Pair("flood-orenburg-ru", FLOOD_TASS, FLOOD_INTERFAX, True),
    Pair("rail-wuhan-zh", RAIL_XINHUA, RAIL_CHINANEWS, True),
)
#: Different stories on one topic in one outlet's style: none may merge.
DIFFERENT_STORIES = (
    Pair("two-earthquakes", QUAKE_CHILE_AP, QUAKE_JAPAN_AP, False),
    Pair("two-ecb-meetings", ECB_REUTERS, ECB_OCTOBER_REUTERS, False),
    Pair("two-budget-votes", BUDGET_FIRST_REUTERS, BUDGET_FINAL_REUTERS, False),
    Pair("two-floods-ru", FLOOD_TASS, FLOOD_KURGAN_TASS, False),
    Pair("two-rail-lines-zh", RAIL_XINHUA, RAIL_OTHER_XINHUA, False),
)
