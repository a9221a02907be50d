"""The dashboard page over a real answer log: figures, charts drawn as SVG with the same numbers as tables,
the questions left unanswered most, filters and roles."""

from __future__ import annotations


def test_the_dashboard_shows_the_figures_as_charts_and_tables(sign_in, console_app) -> None:
    log = console_app.state.console.answers
    cited = [{"doc_id": "mediation", "title": "专利纠纷行政调解"}]
    for n in range(3):
        log.record(f"c{n}", "zh", "调解协议有法律效力吗", "answered", 0.97, cited)
    log.record("c4", "zh", "请律师多少钱", "not_covered")
    log.record("c5", "zh", "找律师要花多少钱", "not_covered")
    log.record("c6", "en", "how much do IP lawyers charge", "declined")
    client = sign_in("erin.editor")
    html = client.get("/dashboard").text
    assert "<strong>6</strong>" in html and "<strong>50%</strong>" in html  # 3 of 6 answered
    assert html.count("<rect x=") >= 2 and "<title>" in html  # stacked bars for today, with tooltips
    assert "专利纠纷行政调解" in html and "<td>3</td>" in html  # cited three times, as a table too
    assert "请律师多少钱" in html or "找律师要花多少钱" in html  # one group of two unanswered wordings
    english = client.get("/dashboard?language=en&days=7").text
    assert "<strong>1</strong>" in english and "专利纠纷行政调解" not in english
    assert client.get("/dashboard?days=abc").status_code == 200  # a bad window falls back to 30 days
    assert sign_in("hank.handler").get("/dashboard").status_code == 403
