"""Every word the clips draw, in each language they are rendered in: the scenes read them from here.

A render runs in one language, chosen once per process with :func:`use` (the render worker
does it before the scene is imported); a scene asks :func:`words` for the current one. Chinese
follows the glossary (``scenes/glossary.py``); the example's tokens, the maths and every number
stay as they are in both languages. Text with Chinese in it is set in :data:`scenes.layout.CJK_FONT`
(see :func:`scenes.builders.make_text`), so an English clip's glyphs cannot change.

>>> use("zh_TW"); words()["title"], feature_name("verb")
('Transformer 自注意力', '動詞')
>>> use("en"); words()["title"], feature_name("verb")
('Transformer Self-Attention', 'verb')
"""

from __future__ import annotations

#: The words each language's clips draw. ``{name}`` marks a value the scene fills in.
WORDS: dict[str, dict] = {
    "en": {
        "title": "Transformer Self-Attention",
        "features": {"noun": "noun", "verb": "verb", "relation": "relation", "place": "place"},
        "score_scale": "score: low to high",
        "scaled_scale": "scaled score",
        "weight_scale": "attention weight (A)",
        "scaling_lead": "dₖ = {d_k}: every score is divided by",
        "scaling_why": (
            "Why: if q and k have independent entries of mean 0, variance 1,",
            "q · k has variance dₖ; divided, its variance is 1, keeping softmax",
            "away from saturation, where its gradients become extremely small.",
        ),
        "head": "head {number}",
        "concat_note": "mixes the {heads} heads' outputs back into {width} numbers per token",
        "summary": (
            ("1  Project", "each token's embedding X into Q, K, V"),
            ("2  Score", "every query against every key: Q Kᵀ"),
            ("3  Scale and softmax", "divide by √dₖ; each row of A sums to 1"),
            ("4  Weighted sum", "A V: each token gathers context"),
        ),
        "th_title": "A trained model: two heads that find a repeat",
        "th_run": "run",
        "th_repeat": "repeat",
        "th_scale": "attention weight",
        "th_role": "{name}: {role}",
        "th_where": "layer {layer}, head {head}",
        "th_previous_role": "previous-token head",
        "th_previous_score": "previous-token score (held-out)",
        "th_previous_notes": (
            "Almost every row's largest weight sits just",
            "left of the diagonal: the token before.",
        ),
        "th_induction_role": "induction head",
        "th_induction_score": "induction score (held-out)",
        "th_induction_notes": (
            "In the repeat, each row looks just after",
            "the earlier copy of its own token.",
        ),
        "th_at": "At position {position} the token is {token}.",
        "th_looks": "It looks at position {position}: {key}, after the earlier {token}.",
        "th_predicts": "The model predicts {predicted} next: {verdict}.",
        "th_correct": "correct",
        "th_wrong": "wrong, it is {actual}",
    },
    "zh_TW": {
        "title": "Transformer 自注意力",
        "features": {"noun": "名詞", "verb": "動詞", "relation": "關係", "place": "地點"},
        "score_scale": "分數：由低到高",
        "scaled_scale": "縮放後的分數",
        "weight_scale": "注意力權重（A）",
        "scaling_lead": "dₖ = {d_k}：每個分數都除以",
        "scaling_why": (
            "原因：若 q 與 k 的元素彼此獨立、平均值為 0、變異數為 1，",
            "q · k 的變異數就是 dₖ；除以之後變異數為 1，讓 softmax",
            "遠離飽和；飽和時，它的梯度會變得極小。",
        ),
        "head": "注意力頭 {number}",
        "concat_note": "把 {heads} 個注意力頭的輸出混合，變回每個 token {width} 個數字",
        "summary": (
            ("1  投影", "把每個 token 的嵌入向量 X 投影成 Q、K、V"),
            ("2  計分", "每個查詢向量對每個鍵向量：Q Kᵀ"),
            ("3  縮放與 softmax", "除以 √dₖ；A 的每一列總和為 1"),
            ("4  加權總和", "A V：每個 token 收集上下文"),
        ),
        "th_title": "訓練出來的模型：兩個找出重複的注意力頭",
        "th_run": "連續片段",
        "th_repeat": "重複",
        "th_scale": "注意力權重",
        "th_role": "{name}：{role}",
        "th_where": "第 {layer} 層，注意力頭 {head}",
        "th_previous_role": "前一 token 頭",
        "th_previous_score": "前一 token 分數（保留的測試序列）",
        "th_previous_notes": ("幾乎每一列最大的權重，都落在", "對角線左邊一格：前一個 token。"),
        "th_induction_role": "歸納頭",
        "th_induction_score": "歸納分數（保留的測試序列）",
        "th_induction_notes": ("在重複部分中，每一列都看向", "自身 token 前次出現處的下一格。"),
        "th_at": "位置 {position} 的 token 是 {token}。",
        "th_looks": "它看向位置 {position}：{key}，就在先前的 {token} 之後。",
        "th_predicts": "模型預測下一個是 {predicted}：{verdict}。",
        "th_correct": "正確",
        "th_wrong": "錯誤，實際是 {actual}",
    },
}

#: The languages the clips are drawn in (Sphinx's codes).
LANGUAGES = tuple(WORDS)

_current = ["en"]


def use(language: str | None) -> None:
    """Render in ``language`` (Sphinx's code: ``en`` or ``zh_TW``) from now on, in this process."""
    code = language or "en"
    if code not in WORDS:
        raise ValueError(f"the clips are drawn in {' and '.join(WORDS)}, not {language!r}.")
    _current[0] = code


def language() -> str:
    """The language this process renders in."""
    return _current[0]


def words() -> dict:
    """The current language's words."""
    return WORDS[_current[0]]


def feature_name(feature: str, language: str | None = None) -> str:
    """One of the example's features (``attention.example().features``) named in ``language`` (default: current)."""
    return WORDS[language or _current[0]]["features"][feature]


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a CJK character (it then needs the CJK font).

    >>> has_chinese("注意力頭 1"), has_chinese("head 1"), has_chinese("（A）")
    (True, False, True)
    """
    return any(
        "\u3000" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text
    )
