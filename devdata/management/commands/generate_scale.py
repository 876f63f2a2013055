"""`python manage.py generate_scale --councils N`: fill the database with generated national-scale
data (see devdata/scale/). Refuses a database that already holds portal data unless told to
add to it (--append) or to empty it first (--flush)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from devdata import scale


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = (
        "Generate realistic bilingual data at national scale: councils with action plans, "
        "workshops, proposals (some sent online, with supports), commitments, milestones, "
        "indicators and comments. The same options give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--councils",
            type=int,
            required=True,
            help=f"How many councils ({scale.NATIONAL_COUNCILS} = every Moroccan territorial "
            "collectivity: 12 regions, 75 prefectures and provinces, 1,503 communes).",
        )
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED)
        parser.add_argument(
            "--plans-per-council",
            type=int,
            default=1,
            help="Action plans per council: the last one in a stage drawn at random, the "
            "earlier ones closed (default 1).",
        )
        parser.add_argument(
            "--proposals-per-council",
            type=int,
            default=300,
            help="Average proposals per council, shared among its plans (default 300).",
        )
        parser.add_argument(
            "--comments-per-council",
            type=int,
            default=1250,
            help="Average comments per council, shared among its consulted plans (default 1250).",
        )
        parser.add_argument(
            "--online-proposals-per-council",
            type=int,
            default=63,
            help="Average proposals sent online per council (default 63: about 100,000 for "
            "the whole country), given to the plans in preparation, consultation or adopted, "
            "whose proposals window is set.",
        )
        parser.add_argument(
            "--supports-per-proposal",
            type=float,
            default=10.0,
            help="Average confirmed supports per online proposal (default 10: about 1,000,000 "
            "for the whole country), few on most proposals and thousands on a few.",
        )
        parser.add_argument(
            "--base-date",
            type=_date,
            default=scale.DEFAULT_BASE_DATE,
            help="The day the data describes ('today' for the data): consultations are open "
            "around it, milestones before it are mostly done. Default "
            f"{scale.DEFAULT_BASE_DATE.isoformat()}; not after today.",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=100,
            help="Councils generated between two COPY rounds (memory versus round trips).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--append", action="store_true", help="Add to the data already in the database."
        )
        mode.add_argument(
            "--flush",
            action="store_true",
            help="Delete every council, plan, proposal, commitment, comment… first (users stay).",
        )

    def handle(self, *args, **options):
        if options["councils"] < 1:
            raise CommandError("--councils must be at least 1.")
        if options["plans_per_council"] < 1:
            raise CommandError("--plans-per-council must be at least 1.")
        counts = ("proposals_per_council", "comments_per_council")
        counts += ("online_proposals_per_council", "supports_per_proposal")
        if any(options[name] < 0 for name in counts):
            raise CommandError("Proposal, comment and support counts cannot be negative.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        if options["base_date"] > timezone.localdate():
            raise CommandError(
                "--base-date cannot be in the future: milestones completed before it would be "
                "completed in the future."
            )
        verbose = options["verbosity"] >= 1
        generate_options = scale.ScaleOptions(
            councils=options["councils"],
            seed=options["seed"],
            plans_per_council=options["plans_per_council"],
            proposals_per_council=options["proposals_per_council"],
            comments_per_council=options["comments_per_council"],
            online_proposals_per_council=options["online_proposals_per_council"],
            supports_per_proposal=options["supports_per_proposal"],
            base_date=options["base_date"],
            batch_councils=options["batch"],
        )
        with transaction.atomic():
            if options["flush"]:
                scale.flush()
            elif not options["append"]:
                existing = scale.existing_data()
                if existing:
                    found = ", ".join(f"{table} ({count:,})" for table, count in existing.items())
                    raise CommandError(
                        f"The database already holds portal data: {found}. Pass --append to add "
                        "the generated data to it, or --flush to delete it first."
                    )
            summary = scale.generate(
                generate_options, progress=self.stdout.write if verbose else None
            )
        if verbose:
            self.stdout.write("")
            # "seconds": the table's COPY (its trigger included), not the rows' generation.
            self.stdout.write(f"{'table':45} {'rows':>12} {'seconds':>9} {'rows/s':>10}")
            for table, rows in summary.rows.items():
                seconds = summary.seconds[table]
                rate = f"{rows / seconds:>10,.0f}" if seconds else f"{'-':>10}"
                self.stdout.write(f"{table:45} {rows:>12,} {seconds:>9.1f} {rate}")
            self.stdout.write(f"{'total':45} {sum(summary.rows.values()):>12,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {options['councils']:,} councils (seed {options['seed']}, base "
                    f"date {options['base_date'].isoformat()}) in {summary.total_seconds:.1f} s "
                    f"({sum(summary.rows.values()) / summary.total_seconds:,.0f} rows/s)."
                )
            )
