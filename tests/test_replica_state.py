"""What replicas share through the database (issue 11): photo bytes on PostgreSQL (any replica
reads and serves them), albums whose photos reach different replicas, and the status-edit
throttle. Each test opens the database twice, as two replicas would."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.domain.credits import Quotas
from bot.domain.errors import InvalidRequestError
from bot.domain.jobs import JobState
from bot.domain.request import GenerationRequest, MediaRef
from bot.services.albums import AlbumService
from bot.services.media import PHOTO_RETENTION_SECONDS, MediaLibrary
from bot.services.status import ShownStatus, StatusMemory
from bot.store.albums import AlbumStore
from bot.store.database import Database
from bot.store.drafts import DraftStore
from bot.store.hosting import HostingStore
from bot.store.jobs import JobStore
from bot.store.photos import PhotoStore
from bot.store.status import StatusStore
from bot.vendors.base import MediaBytes
from tests.fakes.media import photo_bytes
from tests.support.drafts import card_draft
from tests.support.harness import OffsetClock
from tests.support.postgres import SharedDatabase

KEY = (7, 7, "album-1")


@pytest.fixture
async def replicas(shared_database: SharedDatabase) -> tuple[Database, Database]:
    first, second = await shared_database.open_many(2)
    return first, second


def library(db: Database, folder: Path, clock: OffsetClock) -> MediaLibrary:
    """A replica's media library keeping photos in the database, as on PostgreSQL."""
    return MediaLibrary(
        folder,
        HostingStore(db),
        public_base_url="http://bot.example",
        clock=clock,
        photos=PhotoStore(db),
    )


async def a_job(db: Database) -> int:
    draft = await card_draft(DraftStore(db))
    job = await JobStore(db).create_from_draft(
        draft_id=draft.id,
        user_id=7,
        vendor="uniall",
        request=GenerationRequest(prompt="p"),
        price=0,
        quotas=Quotas(),
        now=1.0,
        deadline_at=9.0,
    )
    assert job is not None
    return job.id


async def test_a_photo_kept_by_one_replica_is_read_and_served_by_another(
    replicas: tuple[Database, Database], tmp_path: Path
) -> None:
    clock = OffsetClock()
    here = library(replicas[0], tmp_path / "here", clock)
    there = library(replicas[1], tmp_path / "there", clock)
    ref = await here.keep_photo(photo_bytes(1))
    job_id = await a_job(replicas[0])

    url = await here.for_job(job_id).public_url(ref)
    token = url.rsplit("/", 1)[1]

    assert url.startswith("http://bot.example/media/")
    assert await there.for_job(job_id).read(ref) == MediaBytes(
        photo_bytes(1), "image/jpeg", ref.key
    )
    assert await there.hosted(token) == MediaBytes(photo_bytes(1), "image/jpeg", ref.key)
    assert await there.hosted("not-a-token") is None
    assert not (tmp_path / "here").exists()  # nothing on either disk
    assert not (tmp_path / "there").exists()


async def test_the_weekly_sweep_removes_photos_kept_in_the_database(
    replicas: tuple[Database, Database], tmp_path: Path
) -> None:
    clock = OffsetClock()
    here = library(replicas[0], tmp_path / "here", clock)
    old = await here.keep_photo(photo_bytes(1))
    clock.advance(PHOTO_RETENTION_SECONDS - 60)
    recent = await here.keep_photo(photo_bytes(2))
    clock.advance(120)
    there = library(replicas[1], tmp_path / "there", clock)

    there.sweep()
    for _ in range(100):
        try:
            await there.read(old)
        except InvalidRequestError:
            break
        await asyncio.sleep(0.02)

    with pytest.raises(InvalidRequestError):
        await here.read(old)
    assert (await here.read(recent)).data == photo_bytes(2)


async def test_an_album_split_across_replicas_is_taken_once_by_its_newest_photo(
    replicas: tuple[Database, Database],
) -> None:
    clock = OffsetClock()
    here, there = (AlbumService(AlbumStore(db), clock) for db in replicas)
    first = await here.collect(KEY, 11, MediaRef(key="a.jpg"), None)
    second = await there.collect(KEY, 13, MediaRef(key="c.png", mime_type="image/png"), "dusk")
    third = await here.collect(KEY, 12, MediaRef(key="b.jpg"), "ignored")

    assert await here.take_settled(KEY, first) is None  # newer photos came after it
    assert await there.take_settled(KEY, second) is None
    taken = await asyncio.gather(here.take_settled(KEY, third), there.take_settled(KEY, third))

    albums = [album for album in taken if album is not None]
    assert len(albums) == 1
    album = albums[0]
    assert [photo.key for photo in album.photos] == ["a.jpg", "b.jpg", "c.png"]
    assert album.photos[2].mime_type == "image/png"
    assert album.caption == "dusk"  # the first caption that came
    assert album.first_message_id == 11
    assert await here.take_settled(KEY, third) is None


async def test_an_album_is_refused_once_whichever_replica_sees_the_bad_photo(
    replicas: tuple[Database, Database],
) -> None:
    clock = OffsetClock()
    here, there = (AlbumService(AlbumStore(db), clock) for db in replicas)

    assert await here.refuse_once(KEY) is True
    assert await there.refuse_once(KEY) is False
    assert await there.refuse_once((7, 7, "album-2")) is True


async def test_the_status_a_replica_showed_is_what_the_next_one_throttles_on(
    replicas: tuple[Database, Database],
) -> None:
    here, there = (StatusMemory(StatusStore(db)) for db in replicas)
    shown = ShownStatus("⏳ 40%", 100.0, JobState.RUNNING)

    await here.shown(5, shown)
    assert await there.last(5) == shown
    await there.shown(5, ShownStatus("⏳ 60%", 103.0, JobState.RUNNING))
    assert await here.last(5) == ShownStatus("⏳ 60%", 103.0, "running")
    await here.finished(5, JobState.DELIVERED, 110.0)
    ended = await there.last(5)
    assert ended is not None
    assert ended.ended  # no replica shows progress of it any more
    assert ended.state == "delivered"
