"""Monthly `date_modified` windows from the bulk-sync start date, in the store's timezone.

Monthly, not daily: a single-run backfill records one materialization per partition key and asset, so years
of daily keys (2,500+ per asset) would make a whole-history backfill spend minutes writing events; months
keep it to a few dozen while a backfill of any range is still one run and one paginated sweep.
`end_offset=1` includes the current month, the partition incremental runs (the schedule, `bc-pipeline
sync`) report under. The first month starts at the 1st of BC_START_DATE's month; the sync never asks for
anything before BC_START_DATE itself.
"""

import dagster as dg

from bc_pipeline.defs.settings import settings

monthly_modified = dg.MonthlyPartitionsDefinition(
    start_date=settings().start_date.replace(day=1).isoformat(),
    timezone=settings().timezone,
    end_offset=1,
)
