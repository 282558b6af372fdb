"""The dominant Unicode script of a text, and whether it agrees with a language label's script."""

from __future__ import annotations

import functools

import regex

from corpus.lang import SCRIPTS as _SCRIPTS
from corpus.lang import UNDETERMINED_SCRIPT, language_code, make_label
from corpus.lang import script as script_of
from corpus.lang import WRITTEN_WITH as _WRITTEN_WITH

_ANY_LETTERS = regex.compile(r"\p{L}+")
_RUNS = regex.compile("|".join(f"(?P<{code}>\\p{{Script={name}}}+)" for code, name in _SCRIPTS.items()))


def dominant_script(text: str, sample: int = 1000) -> str:
    """The ISO 15924 code of the script most letters of the text's head are in ("Zyyy" when none is)."""
    counts: dict[str, int] = {}
    for run in _RUNS.finditer(text[:sample]):
        counts[run.lastgroup] = counts.get(run.lastgroup, 0) + len(run.group())
    return max(counts, key=counts.get) if counts else UNDETERMINED_SCRIPT


@functools.lru_cache(maxsize=None)
def _letters_in(label_script: str) -> regex.Pattern:
    names = [_SCRIPTS[code] for code in written_with(label_script) if code in _SCRIPTS]
    return regex.compile("[" + "".join(f"\\p{{Script={name}}}" for name in names) + "]+") if names else regex.compile("(?!)")


def text_script_for(label_script: str, text: str, sample: int = 1000) -> str:
    """The label's own script when most of the letters of the text's head are in it, else the dominant script.

    The usual case (the label agrees) costs two quick scans instead of the full census of scripts.
    """
    head = text[:sample]
    own = sum(len(run) for run in _letters_in(label_script).findall(head))
    letters = sum(len(run) for run in _ANY_LETTERS.findall(head))
    return label_script if own and 2 * own >= letters else dominant_script(head)


@functools.lru_cache(maxsize=None)
def written_with(label_script: str) -> frozenset[str]:
    """The Unicode scripts a label's script subtag stands for: Jpan -> Han, Hiragana, Katakana."""
    return frozenset(_WRITTEN_WITH.get(label_script, {label_script}))


def script_agrees(label_script: str, text_script: str) -> bool:
    """True when the text's dominant script is one the label's script is written with (or the text has none)."""
    return text_script in (UNDETERMINED_SCRIPT, label_script) or label_script == UNDETERMINED_SCRIPT or text_script in written_with(label_script)


def label_script_for(text_script: str) -> str:
    """The script subtag a label gets for text in `text_script` (Han text -> Hans)."""
    return {"Hani": "Hans", "Hira": "Jpan", "Kana": "Jpan"}.get(text_script, text_script)


# Languages written in more than one script: a label in the wrong one is relabelled, not dropped.
_OTHER_SCRIPTS = {
    "srp": {"Latn", "Cyrl"}, "hbs": {"Latn", "Cyrl"}, "bos": {"Latn", "Cyrl"}, "uzn": {"Latn", "Cyrl"},
    "kaz": {"Cyrl", "Latn"}, "azj": {"Latn", "Cyrl"}, "tat": {"Cyrl", "Latn"}, "tuk": {"Latn", "Cyrl"},
    "kmr": {"Latn", "Cyrl", "Arab"}, "pan": {"Guru", "Arab"}, "snd": {"Arab", "Deva"}, "uig": {"Arab", "Cyrl", "Latn"},
    "mon": {"Cyrl", "Mong"}, "khk": {"Cyrl", "Mong"}, "zho": {"Hans", "Hant"}, "ron": {"Latn", "Cyrl"},
}  # fmt: skip


def relabel_for_script(label: str, text_script: str) -> str | None:
    """`srp_Cyrl` on Latin text -> `srp_Latn`; None when the language is not written in that script."""
    code = language_code(label)
    if label_script_for(text_script) in _OTHER_SCRIPTS.get(code, ()):
        return make_label(code, label_script_for(text_script))
    return None


# Frequent characters whose simplified and traditional forms differ (simplified first in each pair),
# leaving out the pairs whose "simplified" form also stands in traditional text (后, 范, 里, 于, ...).
_HAN_PAIRS = (
    "这這个個们們来來时時为為说說国國会會对對发發经經学學过過见見还還进進动動电電开開关關长長东東车車门門马馬"
    "无無业業产產华華现現种種样樣从從听聽头頭两兩员員网網总總认認让讓给給级級线線话話语語请請设設计計记記论論"
    "传傳边邊题題报報场場质質页頁视視频頻载載钱錢买買卖賣馆館书書实實应應问問间間义義与與专專乐樂习習乡鄉争爭"
    "亚亞亲親仅僅优優众眾价價伤傷体體儿兒农農军軍写寫决決刘劉则則创創别別办辦务務区區医醫协協单單历歷压壓县縣"
    "参參双雙变變叶葉号號吗嗎园園围圍图圖圆圓声聲处處备備复復够夠妈媽宁寧宝寶审審宽寬导導将將层層岁歲岛島师師"
    "带帶帮幫库庫广廣庆慶张張弹彈归歸当當录錄态態恶惡惊驚战戰护護担擔拥擁择擇换換据據数數断斷旧舊显顯术術机機"
    "杀殺杂雜权權条條极極构構标標树樹桥橋检檢楼樓欢歡欧歐毕畢气氣汉漢没沒济濟测測满滿灭滅灯燈灵靈点點热熱爱愛"
    "独獨环環画畫疗療监監盘盤码碼确確礼禮离離积積称稱稳穩笔筆简簡类類紧緊红紅约約纪紀纳納纸紙练練组組织織终終"
    "结結绝絕统統继繼续續维維绿綠编編罗羅职職联聯胜勝脑腦脸臉艺藝节節苏蘇药藥获獲营營蓝藍虽雖补補装裝观觀规規"
    "觉覺订訂讨討议議讲講许許访訪证證评評识識诉訴词詞译譯试試诗詩误誤读讀课課谁誰调調谈談谢謝负負财財责責败敗"
    "货貨购購费費资資赛賽转轉轮輪软軟轻輕较較辆輛输輸达達运運远遠违違连連选選遗遺邮郵释釋针針钟鐘铁鐵银銀错錯"
    "键鍵镇鎮镜鏡闭閉闻聞阅閱队隊阳陽阴陰际際陆陸陈陳险險随隨难難韩韓顶頂项項顺順须須顾顧预預领領颜顏额額风風"
    "飞飛饭飯验驗鱼魚鸟鳥齐齊龙龍"
)
SIMPLIFIED_ONLY, TRADITIONAL_ONLY = frozenset(_HAN_PAIRS[0::2]), frozenset(_HAN_PAIRS[1::2])
HAN_SCRIPTS = ("Hans", "Hant")


def chinese_script(text: str, default: str) -> str:
    """Hans or Hant by the characters only one of them uses (the more of the two); `default` when neither shows."""
    simplified = sum(ch in SIMPLIFIED_ONLY for ch in text)
    traditional = sum(ch in TRADITIONAL_ONLY for ch in text)
    return default if simplified == traditional else "Hans" if simplified > traditional else "Hant"


def script_from_text(label: str, text: str, text_script: str) -> str:
    """The label with the script subtag the text's own characters show: an undetermined script (a language
    CLDR does not list) takes the text's; a Chinese label is Hans or Hant by its characters."""
    label_script = script_of(label)
    if label_script == UNDETERMINED_SCRIPT and text_script != UNDETERMINED_SCRIPT:
        return make_label(language_code(label), label_script_for(text_script))
    if label_script in HAN_SCRIPTS:
        return make_label(language_code(label), chinese_script(text, label_script))
    return label
