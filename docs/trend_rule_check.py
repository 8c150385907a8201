"""How often a speaker's trend arrow rests on a single quote, by whether the speaker passes the
trend rule of `tonetrack trends` (README, "Trends"). Run from the repository root:

    python3 docs/trend_rule_check.py

Per year, for every speaker whose relevant dated quotes have a slope: the arrow (↗ at a slope of
+0.05/yr or more, ↘ at −0.05 or less, → between, as tonetrack draws it) is *fragile* when leaving
out any one quote changes it. Two sets of tones: the built-in model's (docs/quotes_scored.jsonl)
and the gold labels as +1 / 0 / −1 (data/quotes.csv and data/quotes2.csv).
"""
import collections
import csv
import datetime
import json


def fractional_year(iso):
    d = datetime.date.fromisoformat(iso)
    days = 366 if d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0) else 365
    return d.year + (d.timetuple().tm_yday - 1) / days


def slope(points):
    if len({x for x, _ in points}) < 2:
        return None
    xm = sum(x for x, _ in points) / len(points)
    ym = sum(y for _, y in points) / len(points)
    sxy = sum((x - xm) * (y - ym) for x, y in points)
    sxx = sum((x - xm) ** 2 for x, _ in points)
    return sxy / sxx


def arrow(s):
    return None if s is None else (1 if s >= 0.05 else -1 if s <= -0.05 else 0)


def passes(years, rule):
    min_quotes, min_periods, min_per_period = rule
    sizes = collections.Counter(years).values()
    return len(years) >= min_quotes and sum(n >= min_per_period for n in sizes) >= min_periods


def model_tones():
    for line in open("docs/quotes_scored.jsonl", encoding="utf-8"):
        row = json.loads(line)
        if row["relevant"] == "yes" and row.get("date") and row.get("speaker"):
            yield row["speaker"], row["date"][:10], row["tone"]


def gold_tones():
    for path in ["data/quotes.csv", "data/quotes2.csv"]:
        for row in csv.DictReader(open(path, encoding="utf-8")):
            if row["relevant"] == "yes" and row["date"] and row["speaker"]:
                tone = {"positive": 1, "negative": -1}.get(row["label"], 0)
                yield row["speaker"], row["date"][:10], tone


def main():
    default, strict = (10, 2, 3), (20, 2, 5)
    for name, rows in [("model tones", model_tones()), ("gold labels", gold_tones())]:
        by_speaker = collections.defaultdict(list)
        for speaker, date, tone in rows:
            by_speaker[speaker].append((date[:4], fractional_year(date), tone))
        groups = collections.defaultdict(lambda: [0, 0])
        for quotes in by_speaker.values():
            points = [(x, t) for _, x, t in quotes]
            first = arrow(slope(points))
            if first is None:
                continue
            fragile = any(
                arrow(slope(points[:i] + points[i + 1 :])) != first for i in range(len(points))
            )
            years = [y for y, _, _ in quotes]
            ok = passes(years, default)
            for group, member in [
                ("below the rule (10 in 2 periods of 3)", not ok),
                ("passing the rule", ok),
                ("passing 20 in 2 periods of 5", passes(years, strict)),
            ]:
                if member:
                    groups[group][0] += 1
                    groups[group][1] += fragile
        print(name)
        for group, (speakers, fragile) in groups.items():
            print(f"  {group}: {speakers} speakers, fragile {fragile / speakers:.0%}")


if __name__ == "__main__":
    main()
