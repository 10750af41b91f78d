from decimal import Decimal

import pytest

from survey.core.numbers import format_ratio, percent


@pytest.mark.parametrize(
    ("count", "respondents", "shown"),
    [
        (1, 4, "25%"),
        (3, 4, "75%"),
        (0, 4, "0%"),
        (1, 3, "33.33%"),
        (2, 3, "66.67%"),
        (1, 8, "12.5%"),
        (0, 0, "0%"),
        (4, 4, "100%"),
        (47, 50, "94%"),
        (1, 6, "16.67%"),
        (1, 200, "0.5%"),
        (1, 1600, "0.06%"),  # 0.0625 rounds half-up to 0.06 (the third decimal is 2)
        (1, 80000, "0%"),  # 0.00125 -> 0
    ],
)
def test_ratio_format_follows_publication_rules(count, respondents, shown):
    assert format_ratio(count, respondents) == shown


def test_half_up_not_bankers_rounding():
    # 1/400 = 0.25% exactly; 5/2000 = 0.25%; 1/1000*... 0.125% must become 0.13%, not 0.12%.
    assert format_ratio(1, 800) == "0.13%"
    assert percent(1, 800) == Decimal("0.13")


def test_multiple_choice_ratios_may_sum_past_100():
    respondents = 4
    counts = [3, 2, 2]  # three options, each chosen by several of the four
    total = sum(percent(c, respondents) for c in counts)
    assert total == Decimal("175")
    assert [format_ratio(c, respondents) for c in counts] == ["75%", "50%", "50%"]
