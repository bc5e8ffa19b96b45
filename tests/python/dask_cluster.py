"""The one local Dask cluster the salescomp.dask tests start: 2 worker processes of one
thread, bound to loopback, no dashboards; closed when the test module is done."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def local_cluster_client() -> Iterator[Any]:
    """Yield a ``distributed.Client`` of a fresh LocalCluster; close both afterwards (use as
    ``yield from local_cluster_client()`` inside a module-scoped fixture)."""
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        worker_dashboard_address=None,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
