"""Daily `date_modified` windows from the bulk-sync start date, in the store's timezone.

`end_offset=1` includes today, the partition that incremental runs (schedule, `bc-pipeline sync`) report
under. A backfill of any range of days is one run (single-run backfill policy) and one paginated sweep.
"""

import dagster as dg

from bc_pipeline.defs.settings import settings

daily_modified = dg.DailyPartitionsDefinition(
    start_date=settings().start_date.isoformat(),
    timezone=settings().timezone,
    end_offset=1,
)
