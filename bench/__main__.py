"""Every benchmark on one demo database: page throughput (bench.pages), then the lesson page's
weight and first paint in Chromium (bench.lesson_weight); then certificate PDFs per second
(bench.credentials_pdf) and credential signatures per second (bench.credentials_crypto), which
need no database. Exits 1 when a request failed, a budget is exceeded or a signature does not
verify."""

import argparse

from bench import (
    cascade_reach,
    credentials_crypto,
    credentials_issuance,
    credentials_pdf,
    insights_dashboard,
    lesson_weight,
    load,
    pages,
)
from bench.harness import demo_environment, empty_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--educators", type=int, default=2054)
    parser.add_argument(
        "--only",
        choices=["pages", "weight", "pdf", "crypto", "issuance", "cascade", "insights", "load"],
        help="run one of them",
    )
    pages.arguments(parser)
    lesson_weight.arguments(parser)
    credentials_pdf.arguments(parser)
    credentials_crypto.arguments(parser)
    credentials_issuance.arguments(parser)
    cascade_reach.arguments(parser)
    insights_dashboard.arguments(parser)
    load.arguments(parser)
    args = parser.parse_args()
    ok = True
    if args.only == "pdf":
        credentials_pdf.django_setup()
        raise SystemExit(0 if credentials_pdf.run(seconds=args.pdf_seconds) else 1)
    if args.only == "crypto":
        credentials_crypto.django_setup()
        raise SystemExit(0 if credentials_crypto.run(seconds=args.crypto_seconds) else 1)
    if args.only == "issuance":  # its own throwaway database, without the demo; only when asked for
        with empty_database(credentials_issuance.ISSUANCE_DATABASE):
            raise SystemExit(0 if credentials_issuance.run(count=args.issuance_count) else 1)
    if args.only == "cascade":  # its own throwaway database with a generated cascade; only when asked for
        with empty_database(cascade_reach.CASCADE_DATABASE):
            raise SystemExit(0 if cascade_reach.run(educators=args.cascade_educators) else 1)
    if args.only == "insights":  # its own throwaway database with a large demo; only when asked for
        with empty_database(insights_dashboard.INSIGHTS_DATABASE):
            ok = insights_dashboard.run(educators=args.insights_educators, repeats=args.insights_repeats)
            raise SystemExit(0 if ok else 1)
    if args.only == "load":  # its own throwaway database with the demo; only when asked for
        with demo_environment(args.educators, name=load.LOAD_DATABASE) as environment:
            ok = load.run(
                environment,
                users=args.users,
                duration=args.duration,
                spawn_rate=args.spawn_rate,
                workers=args.load_workers,
                threads=args.load_threads,
            )
        raise SystemExit(0 if ok else 1)
    with demo_environment(args.educators) as environment:
        if args.only in (None, "weight"):
            ok &= lesson_weight.run(environment, profile_name=args.profile, runs=args.runs)
        if args.only in (None, "pages"):
            ok &= pages.run(
                environment,
                seconds=args.seconds,
                concurrency=args.concurrency,
                workers=args.workers,
                submissions=args.submissions,
            )
    if args.only is None:
        ok &= credentials_pdf.run(seconds=args.pdf_seconds)
        ok &= credentials_crypto.run(seconds=args.crypto_seconds)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
