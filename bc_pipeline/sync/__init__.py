"""The sync engine: drives streams from the API client into the warehouse (producer threads, one writer),
plans their windows and decides what `bc-pipeline status` says."""
