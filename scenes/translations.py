"""The registry's clips in Traditional Chinese (zh-Hant, Taiwan usage): titles, summaries, captions, descriptions.

Each clip keeps its timings, scene and stem; only its words change. The words use the
glossary's terms (``scenes/glossary.py``). A Chinese caption is read more slowly than an
English one, so it holds at most :data:`~scenes.registry.CAPTION_LIMITS` ``["zh_TW"]``: 9 characters per second
of its cue and 16 characters per line (the common Traditional Chinese subtitle limits),
checked when this module is imported by the registry's :func:`~scenes.registry.check_caption`,
the one rule the English captions are checked by too.

The file is not part of any clip's key (``scenes.cache_key.UNKEYED_MODULES``): a Chinese clip is keyed
by its translated phase, its own words, so an edited caption re-renders that clip alone and an
English clip's key never changes with a translation.

>>> from scenes.registry import get_phase
>>> in_language(get_phase(4), "zh_TW").title, in_language(get_phase(4), "en").title
('縮放與 Softmax', 'Scale & Softmax')
>>> in_language(get_phase(1), "zh_TW").cues[0].caption
'標題：自注意力'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .registry import ALL_CLIPS, Cue, Phase, check_caption


@dataclass(frozen=True)
class ClipWords:
    """One clip's words in one language: title, summary and, for each cue in order, caption and description."""

    title: str
    summary: str
    cues: tuple[tuple[str, str], ...]


#: Every clip's words in zh-Hant, by slug. Tokens stay the example's English words (page 1 says why).
ZH_TW: dict[str, ClipWords] = {
    "intro": ClipWords(
        "簡介",
        "標題與五個輸入 token：The、cat、sat、on、mat。",
        (
            ("標題：自注意力", "標題出現：Transformer 自注意力。"),
            ("五個 token 出現", "五個 token 方塊排成一列出現，各有自己的顏色：The、cat、sat、on、mat。"),
        ),
    ),
    "qkv-projection": ClipWords(
        "Q、K、V 投影",
        "每個 token 的嵌入向量分別乘上 W_Q、W_K 與 W_V，得到它的查詢向量、鍵向量與值向量。",
        (
            (
                "嵌入向量 X：\n每列一個 token",
                "每個 token 旁邊以大字顯示它的嵌入向量：每個 token 一列、各四個數字，合起來就是矩陣 X；"
                "各欄上方標示特徵名稱：名詞、動詞、關係、地點。",
            ),
            (
                "X 乘上 W_Q、W_K、W_V",
                "X 縮小移到左下角並加上外框；同時，畫面上一字排開出現三個還沒填入數字的面板："
                "Q = X W_Q、K = X W_K、V = X W_V，也就是把嵌入向量分別乘上權重矩陣 W_Q、W_K、W_V。",
            ),
            (
                "Q、K、V：每列一個 token",
                "面板逐列填滿：Q 是每個 token 要找的內容，K 是讓別人據以找到它的內容，V 是它傳遞出去的內容。"
                "每個元素都是 0.1 的倍數，顯示到小數點後一位。X 淡出。",
            ),
        ),
    ),
    "attention-scores": ClipWords(
        "注意力分數",
        "每個查詢向量都以內積與每個鍵向量比較，填滿一個 5 × 5 的分數方格。",
        (
            (
                "查詢 sat·鍵 cat＝分數",
                "Q、K、V 縮到左側，出現一個空白的 5 × 5 方格，查詢向量為列、鍵向量為行。"
                "「sat」的查詢向量與「cat」的鍵向量加上外框；它們的四個乘積寫在方格下方，"
                "加總成一個分數，填入對應的格子。",
            ),
            (
                "查詢 on·鍵 mat",
                "第二組，「on」的查詢向量與「mat」的鍵向量，以同樣方式計算；分數填入對應的格子。",
            ),
            ("其餘格子逐列填滿", "其餘格子逐列填滿：第 i 列是查詢 token i，第 j 行是鍵 token j。"),
            (
                "暗色：分數低。亮色：高",
                "方格變成熱度圖：深紫色的格子分數低，亮黃色的格子分數高，下方附有色階。"
                "底部寫出這個方格的名稱：S 等於 Q 乘以 K 的轉置。",
            ),
        ),
    ),
    "scale-softmax": ClipWords(
        "縮放與 Softmax",
        "分數除以 d_k 的平方根，接著 softmax 把每一列轉成總和為 1 的權重。",
        (
            (
                "每個分數都除以 √d_k",
                "底部的公式（S 等於 Q 乘以 K 的轉置）淡出，換成一則註記；每個分數都除以 d_k 的平方根，"
                "這裡是 2。註記說明原因與前提：若查詢向量與鍵向量的元素"
                "彼此獨立、平均值為 0、變異數為 1，它們的內積變異數就是 d_k；除以之後變異數為 1，"
                "讓 softmax 遠離飽和，因為飽和時梯度會變得極小。",
            ),
            (
                "Softmax：每列總和為 1",
                "對每一列套用 softmax，把分數變成注意力矩陣 A；每列的總和顯示為 1.00。",
            ),
            (
                "每列最大的權重加上外框",
                "A 每一列中最大的權重都以外框標示，也就是每個 token 最關注的鍵向量。註記淡出，換成目前為止的"
                "公式：A 等於 Q 乘以 K 的轉置，除以 d_k 的平方根，再套用 softmax。",
            ),
        ),
    ),
    "output": ClipWords(
        "計算輸出",
        "每一列輸出都是各個值向量的加權總和，權重是該 token 的注意力權重。",
        (
            (
                "sat 的輸出：A 的列 × V",
                "底部的公式淡出，開始建構「sat」的輸出列：它在 A 中的那一列與 V 面板都加上外框，"
                "底部寫出以該列為權重的 V 各列加權總和，最後出現它的輸出卡片。",
            ),
            ("其餘輸出也照樣計算", "其餘的輸出列以同樣方式依序算出，每一列都是一張含四個數字的卡片。"),
            (
                "每個 token 都有了上下文",
                "輸出的 token 標上名稱：每個 token 現在都帶有來自它所關注的那些 token 的上下文。",
            ),
        ),
    ),
    "full-formula": ClipWords(
        "完整公式",
        "Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V，公式的每個部分都對應到前面的某個步驟。",
        (
            (
                "寫出完整公式",
                "輸出卡片縮小成每列三張，騰出空間；接著寫出公式：Q、K、V 的注意力，等於 Q 乘以 K 的轉置"
                "並除以 d_k 的平方根，套用 softmax 之後再乘以 V。",
            ),
            (
                "各部分隨其步驟亮起",
                "公式的每個部分隨它所代表的步驟亮起：分數、縮放、softmax，以及與 V 的加權總和。",
            ),
        ),
    ),
    "multi-head": ClipWords(
        "多頭注意力補充",
        "多個注意力頭平行運作，各自從學到的投影中屬於自己的那一段，算出自己的注意力矩陣 A；"
        "它們的輸出串接後再以 W_O 混合。",
        (
            (
                "兩個注意力頭，各有自己的矩陣 A",
                "單一注意力頭連同它的輸出卡片與公式一起淡出，換成並排的兩個注意力頭，"
                "各有一張注意力權重熱度圖（即自己的注意力矩陣 A），"
                "數字和單一注意力頭時一樣大；在注意力頭 2 中，cat 與 sat 把注意力平均分配。",
            ),
            (
                "輸出串接，再以 W_O 混合",
                "兩個注意力頭縮小移到上方，旁邊列出各自的輸出 h_1、h_2。下方每個 token 的卡片先把兩個注意力頭的"
                "輸出串接起來；底部寫出公式 concat(h_1, h_2) W_O，再乘以 W_O 混合，每個 token 又回到四個數字。",
            ),
        ),
    ),
    "outro": ClipWords(
        "結語",
        "步驟總結：投影、計分、縮放與 softmax、加權總和。",
        (
            (
                "投影、計分、softmax、加總",
                "注意力頭與卡片淡出，底部重新出現注意力公式。"
                "列出步驟總結：投影成 Q、K、V；以 Q 乘 K 的轉置計分；縮放並套用 softmax，"
                "得到注意力矩陣 A；取加權總和 A V。",
            ),
        ),
    ),
    "trained-head": ClipWords(
        "訓練出來的注意力頭",
        "一個經過訓練、能接續完成重複片段的兩層模型：它的前一 token 頭往回看一個 token，"
        "歸納頭則看向目前 token 先前出現處的下一個位置。",
        (
            (
                "一段 token，接著重複一次",
                "標題下方出現一個保留的測試序列，共 25 個 token，以字母表示：起始 token、三個填充 token、"
                "由七個 token 組成的連續片段 A M J I C N F、同一片段再出現一次，以及更多填充 token。"
                "連續片段與它的重複都加上底線。",
            ),
            (
                "第 0 層往回看一個 token",
                "第 0 層的注意力頭 0 在前 18 個位置上的熱度圖逐步填滿，查詢向量為列、鍵向量為行，"
                "權重 0 為深色、權重 1 為黃色；對角線以上為空白。每列最大的權重加上外框："
                "幾乎每個外框都落在對角線左邊一格，也就是前一個 token。畫面顯示它的前一 token 分數。",
            ),
            (
                "第 1 層看向先前出現處之後",
                "熱度圖換成第 1 層的注意力頭 1。在重複部分中，每列的外框移到該列 token 先前出現處的"
                "下一個位置，形成一條與對角線平行的斜紋；重複部分以外，外框落在起始 token 上。"
                "畫面顯示它的歸納分數。",
            ),
            (
                "複製在那裡找到的 token",
                "追蹤其中一列：位置 11 的 token 是 A；注意力頭看向位置 5，也就是先前那個 A 後面的 M，"
                "模型預測下一個是 M，預測正確。",
            ),
        ),
    ),
}

#: The words of each language other than English, by Sphinx's language code.
WORDS: dict[str, dict[str, ClipWords]] = {"zh_TW": ZH_TW}


def in_language(clip: Phase, language: str | None) -> Phase:
    """``clip`` with its words in ``language`` (None or "en": the registry's own), same timings and scene."""
    if language in (None, "en"):
        return clip
    if language not in WORDS:
        raise ValueError(f"the clips are written in en and {', '.join(WORDS)}, not {language!r}.")
    words = WORDS[language][clip.slug]
    cues = tuple(
        Cue(cue.seconds, caption, description)
        for cue, (caption, description) in zip(clip.cues, words.cues, strict=True)
    )
    return dataclasses.replace(clip, title=words.title, summary=words.summary, cues=cues)


def _check() -> None:
    """Every clip has its words in every language, one pair per cue, each caption within its language's limits."""
    for language, clips in WORDS.items():
        missing = [clip.slug for clip in ALL_CLIPS if clip.slug not in clips]
        unknown = sorted(set(clips) - {clip.slug for clip in ALL_CLIPS})
        if missing or unknown:
            raise ValueError(
                f"scenes/translations.py ({language}): clips without words: {missing}; words for no clip: {unknown}."
            )
        for clip in ALL_CLIPS:
            if len(clips[clip.slug].cues) != len(clip.cues):
                raise ValueError(
                    f"scenes/translations.py ({language}): {clip.name} has {len(clip.cues)} cues in the registry "
                    f"and {len(clips[clip.slug].cues)} here: give each cue one caption and one description."
                )
            for cue, (caption, _) in zip(clip.cues, clips[clip.slug].cues, strict=True):
                check_caption(caption, cue.seconds, language)


_check()
