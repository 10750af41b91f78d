"""Small counts hidden so that no reader can work them out; personal data masked."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.core.masking import mask_name, mask_personal
from survey.publishing.disclosure import Bounds, Cell, reader_range, suppress


def test_nothing_hidden_when_every_count_reaches_k():
    assert suppress([5, 4, 7], 3, Bounds.single(16)) == [Cell.SHOWN] * 3


def test_a_lone_small_count_takes_a_complement_with_it():
    # 2 alone would be 10 - 5 - 3 = 2: the smallest count of 3 or more goes too.
    marks = suppress([5, 2, 3], 3, Bounds.single(10))
    assert marks == [Cell.SHOWN, Cell.SMALL, Cell.COMPLEMENT]
    # A zero is as telling as a one.
    assert suppress([5, 0, 7], 3, Bounds.single(12))[1] == Cell.SMALL


def test_two_small_counts_protect_each_other():
    assert suppress([1, 3, 0], 2, Bounds.single(4)) == [Cell.SMALL, Cell.SHOWN, Cell.SMALL]


def test_the_table_is_withheld_when_nothing_can_protect_a_small_count():
    # Everyone chose the first option: a withheld 3 of 3 would still give the 0 away.
    assert suppress([3, 0], 3, Bounds.single(3)) == [Cell.WITHHELD] * 2


def test_k_of_one_hides_nothing():
    assert suppress([1, 0, 3], 1, Bounds.single(4)) == [Cell.SHOWN] * 3


def _readings(counts, marks, k, bounds):
    """Every table of counts a reader could believe from what is printed (brute force)."""
    printed = zip(marks, counts, strict=True)
    ranges = [
        range(lo, hi + 1) for lo, hi in (reader_range(m, c, k, bounds.cap) for m, c in printed)
    ]
    for candidate in itertools.product(*ranges):
        if bounds.low <= sum(candidate) <= bounds.high:
            yield candidate


@st.composite
def tables(draw):
    """A question's counts as real respondents make them: single choice (one option each) or
    multiple choice (between ``fewest`` and ``most`` options each)."""
    options = draw(st.integers(2, 5))
    respondents = draw(st.integers(0, 9))
    k = draw(st.integers(2, 5))
    if draw(st.booleans()):
        chosen = draw(st.lists(st.integers(0, options - 1), min_size=respondents,
                               max_size=respondents))  # fmt: skip
        counts = [chosen.count(i) for i in range(options)]
        return counts, k, Bounds.single(respondents)
    fewest = draw(st.integers(1, options))
    most = draw(st.integers(fewest, options))
    counts = [0] * options
    for _ in range(respondents):
        for option in draw(st.sets(st.integers(0, options - 1), min_size=fewest, max_size=most)):
            counts[option] += 1
    return counts, k, Bounds.multiple(respondents, fewest, most)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_suppression_never_reveals_a_hidden_count(table):
    counts, k, bounds = table
    marks = suppress(counts, k, bounds)
    assert all(m != Cell.SMALL or c < k for m, c in zip(marks, counts, strict=True))
    assert all(m != Cell.SHOWN for m, c in zip(marks, counts, strict=True) if c < k)
    if Cell.WITHHELD in marks:
        return
    readings = list(_readings(counts, marks, k, bounds))
    assert tuple(counts) in readings  # what is printed is true
    for index, mark in enumerate(marks):
        if mark == Cell.SMALL:
            assert len({reading[index] for reading in readings}) >= 2, (counts, marks)


def test_names_are_masked_as_government_pages_print_them():
    assert mask_name("张三祥") == "张*祥"
    assert mask_name("朱明") == "朱*"
    assert mask_name("欧阳娜娜") == "欧**娜"


def test_phones_and_id_numbers_are_masked():
    text = "电话13812341234，身份证号350102199001011234，座机0535-8221234"
    assert mask_personal(text) == "电话138****1234，身份证号35*************234，座机0535-8221234"
    assert mask_personal("证件 35010219900101123X。") == "证件 35*************23X。"


def test_labelled_and_given_names_are_masked():
    assert mask_personal("联系人：张三祥，谢谢") == "联系人：张*祥，谢谢"
    assert mask_personal("感谢王小明的建议", names=["王小明"]) == "感谢王*明的建议"


def test_ordinary_text_and_numbers_stay():
    text = "共收到 4 份有效答卷，2023 年出口额 12345678 元。"
    assert mask_personal(text) == text
