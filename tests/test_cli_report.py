"""How the report writes its figures: as a person reads them."""

import numpy as np
import pytest

from leak_udfs import report


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (700_000.0, "$700,000"),
        (2000.0, "$2,000"),
        (4200.5, "$4,201"),
        (1666.666, "$1,667"),
        (12.5, "$12.50"),
        (0.25, "$0.25"),
        (-5.0, "-$5"),
        (-0.001, "$0"),
        ("#DIV/0!", "#DIV/0!"),
        (None, ""),
    ],
)
def test_money(value, text):
    assert report.money(value) == text


def test_money_in_a_column_keeps_one_form():
    assert report.money(200.0, cents=True) == "$200.00"
    assert report.money(12.5, cents=False) == "$13"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.7, "70.0%"), (1 / 3, "33.3%"), (0.0, "0.0%"), ("#NUM!", "#NUM!")],
)
def test_rate(value, text):
    assert report.rate(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(350.0, "350"), (1500, "1,500"), (12.5, "12.5")]
)
def test_count(value, text):
    assert report.count(value) == text


def test_every_segment_and_the_total_in_one_pass():
    result = report.build(
        ("Source",),
        [("Web",), ("Ads",)],
        np.array([500, 10]),
        np.array([150, 0]),
        np.array([300_000.0, 0.0]),
        total=(510, 150, 300_000.0),
        cost_per_mql=100,
    )
    web, ads, total = result.records()
    assert web["revenue_lost"] == pytest.approx(700_000)
    assert ads["revenue_lost"] == "#DIV/0!"
    assert ads["wasted_spend"] == pytest.approx(1000)
    assert total["segment"] == [] and total["dropped"] == 360
    assert web["recoverable_revenue"] is None


def test_labels_name_blanks_and_join_columns():
    assert report.label(("Web", "")) == "Web / (blank)"
    assert report.workbook_label(("=1+1", "")) == "=1+1 / (blank)"
