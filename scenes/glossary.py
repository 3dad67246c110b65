"""The site's terms in English and in Traditional Chinese as used in Taiwan (繁體中文，臺灣用語).

One mapping for every place a term appears: the glossary page, the translated pages
(the tests check that each translated message renders an English term only as its
entry here), and the clips. This module does not import manim.

Taiwan usage differs from mainland usage in places a reader notices at once: a
matrix's *row* is 列 and its *column* 行 (the other way round on the mainland), a
*dot product* is 內積, a *mask* is 遮罩, *software* 軟體 and a *video* 影片; and Taiwan's ML
writing keeps *token* in English.

>>> zh("row"), zh("column"), zh("attention weight")
('列', '行', '注意力權重')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One term: its English name, its one zh-Hant rendering, and what it means in each language."""

    english: str
    zh_hant: str
    meaning: str
    meaning_zh: str
    #: Shorter renderings accepted inside compounds (查詢 in 查詢 token, 頭 in 多頭注意力); a sentence
    #: about the thing itself uses the full term.
    forms: tuple[str, ...] = ()


TERMS: tuple[Term, ...] = (
    # Taiwan's ML writing and courses keep "token" in English (詞元 reads as mainland usage).
    Term(
        "token",
        "token",
        "One unit of the input, such as a word; the example has five.",
        "輸入的一個單位，例如一個詞；範例共有五個。",
    ),
    Term(
        "embedding",
        "嵌入向量",
        "The vector that stands for a token; the rows of X.",
        "代表一個 token 的向量，也就是 X 的各列。",
    ),
    Term(
        "query",
        "查詢向量",
        "What a token looks for: its row of Q = X W_Q.",
        "token 要找的內容：它在 Q = X W_Q 中的那一列。",
        ("查詢",),
    ),
    Term(
        "key",
        "鍵向量",
        "What a token offers to be found by: its row of K = X W_K.",
        "token 讓別人據以找到它的內容：它在 K = X W_K 中的那一列。",
        ("鍵",),
    ),
    Term(
        "value",
        "值向量",
        "What a token passes on when attended to: its row of V = X W_V.",
        "token 被關注時傳遞出去的內容：它在 V = X W_V 中的那一列。",
        ("值",),
    ),
    Term(
        "attention score",
        "注意力分數",
        "The dot product of one query with one key: one entry of Q Kᵀ.",
        "一個查詢向量與一個鍵向量的內積，也就是 Q Kᵀ 的一個元素。",
    ),
    Term(
        "attention weight",
        "注意力權重",
        "One entry of A: how much a query takes from a key's value; each row of A sums to 1.",
        "A 的一個元素：一個查詢向量從某個鍵對應的值向量取用多少；A 的每一列總和為 1。",
    ),
    Term(
        "softmax",
        "softmax",
        "Turns a row of scores into positive weights that sum to 1.",
        "把一列分數轉成總和為 1 的正權重。",
    ),
    Term(
        "scaling",
        "縮放",
        "Dividing the scores by √d_k before the softmax.",
        "在 softmax 之前，將分數除以 √d_k。",
    ),
    Term(
        "dot product",
        "內積",
        "The sum of the products of two vectors' matching entries.",
        "兩個向量對應元素相乘後的總和。",
    ),
    Term("matrix", "矩陣", "A table of numbers in rows and columns.", "由列與行排成的數字表。"),
    Term("vector", "向量", "A list of numbers; here, one row of a matrix.", "一串數字；在這裡指矩陣的一列。"),
    Term(
        "row",
        "列",
        "A horizontal line of a matrix; in A, one query token's weights.",
        "矩陣中橫向的一排；在 A 中是一個查詢 token 的權重。",
    ),
    # A table's or database's column is 欄 (欄位) in Taiwan; a matrix's is 行.
    Term(
        "column",
        "行",
        "A vertical line of a matrix; in A, one key token's weights.",
        "矩陣中直向的一排；在 A 中是作為鍵的那個 token 所得到的權重。",
        ("欄",),
    ),
    Term(
        "dimension",
        "維度",
        "How many numbers a vector holds, such as d_k.",
        "一個向量含有幾個數字，例如 d_k。",
    ),
    Term(
        "head",
        "注意力頭",
        "One attention computed side by side with others, on its own slice of the projections.",
        "與其他注意力平行計算的一組注意力，使用投影中屬於自己的那一段。",
        ("頭",),
    ),
    Term(
        "multi-head attention",
        "多頭注意力",
        "Several heads at once, their outputs joined and mixed by W_O.",
        "同時計算多個注意力頭，將它們的輸出串接後再以 W_O 混合。",
    ),
    Term(
        "grouped-query attention",
        "分組查詢注意力",
        "Heads that share keys and values in groups, which shrinks the KV cache.",
        "多個注意力頭分組共用鍵向量與值向量，以縮小 KV 快取。",
    ),
    Term(
        "projection",
        "投影",
        "Multiplying by a weight matrix, as X W_Q does.",
        "乘上一個權重矩陣，例如 X W_Q。",
    ),
    Term(
        "mask",
        "遮罩",
        "A true/false matrix that hides some keys from some queries.",
        "一個真假值矩陣，讓某些查詢向量看不到某些鍵向量。",
    ),
    Term(
        "causal mask",
        "因果遮罩",
        "A mask that lets each token see only itself and the tokens before it.",
        "只讓每個 token 看到自己與它之前 token 的遮罩。",
    ),
    Term(
        "padding mask",
        "填補遮罩",
        "A mask that hides the filler tokens added to even out a batch.",
        "遮住為了補齊批次長度而加入之填補 token 的遮罩。",
    ),
    Term(
        "heatmap",
        "熱度圖",
        "A grid whose colours show values: dark low, bright high.",
        "以顏色表示數值的方格圖：暗色代表低，亮色代表高。",
    ),
    Term(
        "gradient",
        "梯度",
        "How much a result changes when an input changes a little.",
        "輸入稍微改變時，結果會改變多少。",
    ),
    Term(
        "saturation",
        "飽和",
        "When softmax puts almost all weight on one key, so its gradients almost vanish.",
        "softmax 幾乎把所有權重放在單一鍵向量上，使梯度幾乎消失的情形。",
    ),
    Term(
        "positional encoding",
        "位置編碼",
        "Numbers added to the embeddings that tell the model word order.",
        "加到嵌入向量上、讓模型得知詞序的數值。",
    ),
    Term(
        "rotary embedding",
        "旋轉位置編碼",
        "RoPE: position given by rotating each query and key by an angle that grows with its position.",
        "RoPE：把每個查詢向量與鍵向量旋轉一個隨位置增加的角度，藉此提供位置資訊。",
    ),
    Term(
        "residual stream",
        "殘差流",
        "The running sum each layer adds its output to.",
        "每一層都把輸出加上去的累計和。",
    ),
    Term(
        "layer",
        "層",
        "One step of the model that reads the stream and adds to it.",
        "模型中讀取殘差流並加上輸出的一個步驟。",
    ),
    Term(
        "previous-token head",
        "前一 token 頭",
        "A head that attends to the position just before each query.",
        "把注意力放在每個查詢向量前一個位置的注意力頭。",
    ),
    Term(
        "induction head",
        "歸納頭",
        "A head that attends to the token after the earlier occurrence of the current token.",
        "把注意力放在目前 token 先前出現處之後那個 token 的注意力頭。",
    ),
    Term("clip", "影片", "One phase's video on its page.", "頁面上某個階段的影片。"),
    Term("caption", "字幕", "Short text shown with a clip while it plays.", "影片播放時顯示的簡短文字。"),
    Term(
        "transcript",
        "逐字稿",
        "The full text of a clip, written under it.",
        "影片的完整文字，顯示在影片下方。",
    ),
)

_BY_ENGLISH = {term.english: term for term in TERMS}


def zh(english: str) -> str:
    """The zh-Hant rendering of an English term in :data:`TERMS`; an unknown term is a clear error.

    >>> zh("Query")
    Traceback (most recent call last):
    ...
    ValueError: 'Query' is not in the glossary (scenes/glossary.py); terms are lower case, e.g. 'query'.
    """
    try:
        return _BY_ENGLISH[english].zh_hant
    except KeyError:
        raise ValueError(
            f"{english!r} is not in the glossary (scenes/glossary.py); terms are lower case, e.g. 'query'."
        ) from None
