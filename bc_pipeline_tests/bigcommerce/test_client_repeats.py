"""Records a listing returns twice are dropped without touching the page a fetch worker still reads.

Shards can return the same records (page-number shards start afresh; time shards may overlap), so a page can
be all repeats. The worker that fetched a page reads its last id after handing it over (to ask for the next
page); when the repeats were removed from that same page object, its list could be emptied under it and the
stream failed with "list index out of range" (the likeliest cause of a failure the benchmark's 100k
incremental sync hit once; it was not reproduced)."""

from bc_pipeline.bigcommerce import paging
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.paging_styles import Page
from bc_pipeline.streams import listings


def test_a_page_of_repeats_is_handed_on_as_a_new_empty_page_and_the_fetched_one_is_left_alone(monkeypatch):
    first = Page("orders", [{"id": 1}, {"id": 2}])
    again = Page("orders", [{"id": 2}, {"id": 1}])  # all repeats (a later shard returning the same records)
    mixed = Page("orders", [{"id": 2}, {"id": 3}])
    monkeypatch.setattr(paging, "_listing", lambda *args, **kwargs: iter([first, again, mixed]))
    client = BigCommerceClient("http://127.0.0.1:9", "abc123", "token")  # asked nothing: the listing is given
    handed = list(paging.fetch_pages(client, listings()["orders"]))
    assert [[r["id"] for r in p.records] for p in handed] == [[1, 2], [], [3]]
    assert handed[0] is first  # a page without repeats goes on as it is
    assert again.records == [{"id": 2}, {"id": 1}] and mixed.records == [{"id": 2}, {"id": 3}]
    assert handed[1] is not again and handed[2] is not mixed
