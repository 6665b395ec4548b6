"""Sends RunEvents described in a JSON file through the real openlineage-python client.

Usage: seed.py --url <lineage subgraph base URL> --events <file.json> [--concurrency N]
       (the bearer token in OPENLINEAGE_API_KEY; the client posts to <url>/api/v1/lineage)

Events go out from N threads, each with its own client (one HTTP session per thread), because
one event per request at a time left the intake mostly waiting on round trips. The intake's
writes are idempotent upserts, so the order across threads does not change the result.

The file holds a list of runs: {runId, eventType, eventTime, job: {namespace, name},
inputs: [dataset], outputs: [dataset]} where a dataset is {namespace, name, version, and for
outputs schema [{name, type}], owner, description, rowCount, catalog {kind, projectId,
versionNumber, uri, digest}}. Every facet is built with the client's own facet classes.
Prints one JSON line: {"sent": n, "seconds": s}.
"""
import argparse
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import attr
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    dataset_version_dataset,
    documentation_dataset,
    output_statistics_output_dataset,
    ownership_dataset,
    schema_dataset,
)
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport

PRODUCER = "https://github.com/mlops-gateway/openlineage-seed"


@attr.define
class MlopsCatalogDatasetFacet(DatasetFacet):
    """What the catalog's model has and no standard facet carries (custom facet `mlops_catalog`)."""

    kind: str | None = attr.field(default=None)
    projectId: str | None = attr.field(default=None)  # noqa: N815
    versionNumber: int | None = attr.field(default=None)  # noqa: N815
    uri: str | None = attr.field(default=None)
    digest: str | None = attr.field(default=None)

    @staticmethod
    def _get_schema() -> str:
        return "https://github.com/mlops-gateway/openlineage/MlopsCatalogDatasetFacet.json"


def dataset_facets(d, output):
    f = {"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=d["version"])}
    if not output:
        return f
    f["schema"] = schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields(name=c["name"], type=c["type"]) for c in d["schema"]]
    )
    f["ownership"] = ownership_dataset.OwnershipDatasetFacet(owners=[ownership_dataset.Owner(name=d["owner"], type="OWNER")])
    if d.get("description"):
        f["documentation"] = documentation_dataset.DocumentationDatasetFacet(description=d["description"])
    f["mlops_catalog"] = MlopsCatalogDatasetFacet(**d["catalog"])
    return f


def event_of(r):
    return RunEvent(
        eventType=RunState[r["eventType"]],
        eventTime=r["eventTime"],
        run=Run(runId=r["runId"]),
        job=Job(namespace=r["job"]["namespace"], name=r["job"]["name"]),
        producer=PRODUCER,
        inputs=[InputDataset(namespace=d["namespace"], name=d["name"], facets=dataset_facets(d, False)) for d in r["inputs"]],
        outputs=[
            OutputDataset(
                namespace=d["namespace"],
                name=d["name"],
                facets=dataset_facets(d, True),
                outputFacets={"outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(rowCount=d["rowCount"])},
            )
            for d in r["outputs"]
        ],
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    key = os.environ.get("OPENLINEAGE_API_KEY")
    auth = ApiKeyTokenProvider({"apiKey": key}) if key else None
    local = threading.local()

    def client():
        if not hasattr(local, "client"):
            config = HttpConfig(url=args.url, endpoint="api/v1/lineage", timeout=30.0, **({"auth": auth} if auth else {}))
            local.client = OpenLineageClient(transport=HttpTransport(config))
        return local.client

    with open(args.events) as fh:
        runs = json.load(fh)
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
        # list() re-raises the first failure here, so a rejected event fails the seeding.
        list(pool.map(lambda r: client().emit(event_of(r)), runs))
    print(json.dumps({"sent": len(runs), "seconds": round(time.time() - t0, 2)}))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line for the caller, not a traceback of the client's internals
        print(f"openlineage seed failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
