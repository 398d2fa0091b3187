#!/usr/bin/env python3
"""Prints the figures bench/run.sh collected, section by section in the order first seen, each
with its range over the runs ("low-high", or the one value when all runs agree).
Input lines: RUN<TAB>SECTION<TAB>LABEL<TAB>VALUE. Usage: ranges.py FIGURES_TSV"""
import sys


def decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


def main():
    sections, runs = {}, set()
    with open(sys.argv[1]) as f:
        for line in f:
            run, section, label, value = line.rstrip("\n").split("\t")
            runs.add(run)
            sections.setdefault(section, {}).setdefault(label, []).append(value)
    print(f"\n=== Summary: {len(runs)} run{'s' if len(runs) > 1 else ''}"
          f"{' (range: lowest-highest)' if len(runs) > 1 else ''} ===")
    for section, labels in sections.items():
        print(f"\n{section}")
        width = max(len(label) for label in labels)
        for label, values in labels.items():
            numbers = sorted(float(v) for v in values)
            places = max(decimals(v) for v in values)
            low, high = f"{numbers[0]:,.{places}f}", f"{numbers[-1]:,.{places}f}"
            print(f"  {label:<{width}}  {low if low == high else low + '-' + high}")


if __name__ == "__main__":
    main()
