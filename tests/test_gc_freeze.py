"""A started API process keeps what starting made out of every later garbage collection: a full
collection walked some 180,000 objects, a 50-100 ms pause in which the process answered
nobody (the worst answers of the review benchmark)."""

import gc

from fastapi.testclient import TestClient

from familybook.app import create_app


def test_starting_the_app_freezes_the_objects_it_made(rt):
    gc.unfreeze()
    try:
        with TestClient(create_app(rt, run_workers=False)) as client:
            assert client.get("/healthz").status_code == 200
            assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()


def test_a_full_collection_after_start_walks_only_what_came_since(rt):
    gc.unfreeze()
    try:
        with TestClient(create_app(rt, run_workers=False)):
            frozen = gc.get_freeze_count()
            tracked = len(gc.get_objects())
            assert tracked < frozen / 2
    finally:
        gc.unfreeze()
