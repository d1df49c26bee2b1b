"""Summarise customers per segment.

Runs on Spark when PySpark is importable; otherwise (a local run without Spark) it computes the same report with the
standard library, so the job, its environment and its arguments can be exercised anywhere.
"""
import argparse
import csv
import sys
from decimal import Decimal


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run-date", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--min-value", type=Decimal, default=Decimal("0"))
    parser.add_argument("--label", default=None)
    return parser.parse_args(argv)


def summarize_locally(path, min_value):
    totals = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            value = Decimal(row["lifetime_value"])
            if value < min_value:
                continue
            count, total = totals.get(row["segment"], (0, Decimal("0")))
            totals[row["segment"]] = (count + 1, total + value)
    return sorted((segment, count, total) for segment, (count, total) in totals.items())


def summarize_on_spark(path, min_value):
    from pyspark.sql import SparkSession, functions as F

    spark = SparkSession.builder.appName("summarize-customers").getOrCreate()
    frame = spark.read.option("header", True).option("inferSchema", True).csv(path)
    rows = (
        frame.where(F.col("lifetime_value") >= float(min_value))
        .groupBy("segment")
        .agg(F.count("*").alias("customers"), F.sum("lifetime_value").alias("total"))
        .orderBy("segment")
        .collect()
    )
    spark.stop()
    return [(r["segment"], r["customers"], Decimal(str(round(r["total"], 2)))) for r in rows]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import pyspark  # noqa: F401
        engine, rows = "spark", summarize_on_spark(args.input, args.min_value)
    except ImportError:
        engine, rows = "python", summarize_locally(args.input, args.min_value)
    header = f"Customer summary for {args.run_date}"
    if args.label:
        header += f" ({args.label})"
    print(header)
    print(f"engine={engine} python={sys.version.split()[0]} executable={sys.executable}")
    for segment, count, total in rows:
        print(f"{segment:<12} customers={count:<4} lifetime_value={total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
