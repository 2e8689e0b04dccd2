"""The SVG charts: well-formed, accessible, labelled, linked, and None when empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from isdc.analytics import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_has_title_value_labels_and_links():
    svg = charts.bar_chart(
        ["Jul", "Agu"], [charts.Series("DDC", [3, 0], ["/a?x=1&y=2", None]),
                         charts.Series("SR", [1, 2])],
        title="Peserta <terlatih>", element_id="c1", stacked=True,
    )  # fmt: skip
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Peserta <terlatih>"
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["/a?x=1&y=2"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "4" in texts and "2" in texts  # the stack totals
    assert "style" not in svg  # presentation attributes only (CSP)
    assert charts.PALETTE[0] in svg and charts.PALETTE[1] in svg


def test_hbar_chart_and_histogram():
    root = parse(charts.hbar_chart([charts.Bar("PT A", 12.5, "/x"), charts.Bar("PT B", 3)],
                                   title="t", element_id="h"))  # fmt: skip
    assert len(root.findall(f".//{SVG}rect")) == 2
    assert "12.5" in [t.text for t in root.iter(f"{SVG}text")]
    hist = parse(charts.histogram([0, 50, 100], [4, 6], title="skor", element_id="hist"))
    assert "0–50" in [t.text for t in hist.iter(f"{SVG}text")]
    with pytest.raises(ValueError):
        charts.histogram([0, 50], [1, 2], title="x", element_id="y")


def test_month_line_chart():
    root = parse(charts.month_chart(["Jul", "Agu", "Sep"], [charts.Series("a", [1, None, 3], ["/1", None, "/3"])],
                                    title="t", element_id="m"))  # fmt: skip
    assert len(root.findall(f".//{SVG}circle")) == 2
    assert len(root.findall(f".//{SVG}a")) == 2


@pytest.mark.parametrize(
    "svg",
    [
        charts.bar_chart([], [], title="t", element_id="e"),
        charts.bar_chart(["a"], [charts.Series("s", [0])], title="t", element_id="e"),
        charts.hbar_chart([], title="t", element_id="e"),
        charts.hbar_chart([charts.Bar("a", 0)], title="t", element_id="e"),
        charts.month_chart(["Jul"], [charts.Series("s", [None])], title="t", element_id="e"),
    ],
)
def test_nothing_to_draw_gives_none(svg):
    assert svg is None
