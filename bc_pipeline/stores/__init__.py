"""Many stores: the stores file (BC_STORES_FILE) and the single store of the BC_* settings, as one list of
`Store`s that the sync, the schedule, the CLI and the lake iterate."""

from bc_pipeline.stores.load import (
    STORES_FILE_VARIABLE,
    StoresFileError,
    configured_stores,
    load_stores,
    load_stores_file,
)
from bc_pipeline.stores.model import STORE_TAG, Store, store_from_settings

__all__ = ["STORES_FILE_VARIABLE", "STORE_TAG", "Store", "StoresFileError", "configured_stores", "load_stores",
           "load_stores_file", "store_from_settings"]
