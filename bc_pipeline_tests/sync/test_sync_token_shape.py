"""A token pasted with a line break (or a space) is refused before any request, in one line that does not
show it: requests would refuse the header and quote the whole value, token included, in its error, which
became the stream's error line, the event log and the sync state table."""

from __future__ import annotations

import dagster as dg
import pytest

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.errors import AuthError
from bc_pipeline_tests.sync_harness import run_sync


@pytest.mark.parametrize("tail", ["\nPASTED-TWICE", " PASTED-TWICE", "\tPASTED-TWICE", "\x7fPASTED-TWICE"])
def test_a_token_with_a_line_break_or_space_is_refused_without_showing_it(make_emulator, tmp_path, tail):
    store = make_emulator(orders=5, customers=5, products=2)
    token = store.access_token + tail
    with pytest.raises(AuthError) as refused:
        BigCommerceClient(store.api_url, store.store_hash, token)
    assert "BC_ACCESS_TOKEN" in str(refused.value) and "PASTED" not in str(refused.value)
    instance = dg.DagsterInstance.ephemeral()
    result = run_sync(store, tmp_path / "bc.duckdb", instance=instance, token=token, raise_on_error=False)
    assert not result.success
    logged = " ".join(f"{e.user_message} {e.dagster_event}" for e in instance.all_logs(result.run_id))
    assert "copy it again from the store's API account" in logged
    assert "PASTED" not in logged and store.access_token not in logged
