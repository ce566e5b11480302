"""Self-tests for the fake UniAll server, driven over real HTTP with httpx."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests.fakes.media import (
    PHOTOS,
    SAMPLE_MP4,
    looks_like_jpeg,
    looks_like_mp4,
    photo_bytes,
    sample_mp4_bytes,
)
from tests.fakes.uniall import (
    MODEL_TIERS,
    Completed,
    FakeUniAll,
    Step,
    completed,
    delay,
    disconnect,
    failed,
    garbage,
    html,
    http_error,
    in_progress,
    queued,
    status,
    truncated,
)

API_KEY = "sk-uniall-test-key"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
TASK_ID_RE = re.compile(r"^task_[A-Za-z0-9]{32}$")
IMG1 = "https://img.example.com/1.jpg"
IMG2 = "https://img.example.com/2.jpg"
IMG3 = "https://img.example.com/3.jpg"
IMG4 = "https://img.example.com/4.jpg"
VID = "https://img.example.com/source.mp4"

BASE_BODY: dict[str, Any] = {
    "model": "veo3.1-video-1080p",
    "prompt": "A cat surfing a wave at sunset",
    "size": "1080p",
    "aspect_ratio": "16:9",
    "duration": 8,
    "extra_body": {"generate_audio": True, "negative_prompt": "watermark", "seed": 7},
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeUniAll]:
    async with FakeUniAll(forbidden_substrings=[BOT_TOKEN]) as f:
        yield f


@pytest.fixture
async def client(fake: FakeUniAll) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake.base_url, headers=AUTH, timeout=10.0) as c:
        yield c


def body_with(**changes: Any) -> dict[str, Any]:
    """BASE_BODY with changes; a value of ... removes the key."""
    body = copy.deepcopy(BASE_BODY)
    for key, value in changes.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = value
    return body


async def submit(client: httpx.AsyncClient, body: object) -> httpx.Response:
    return await client.post("/v1/video/generations", json=body)


async def create_task(client: httpx.AsyncClient, **changes: Any) -> str:
    r = await submit(client, body_with(**changes))
    assert r.status_code == 200, r.text
    task_id = r.json()["id"]
    assert isinstance(task_id, str)
    return task_id


async def poll(client: httpx.AsyncClient, task_id: str) -> httpx.Response:
    return await client.get(f"/v1/videos/{task_id}")


async def poll_json(client: httpx.AsyncClient, task_id: str) -> dict[str, Any]:
    r = await poll(client, task_id)
    assert r.status_code == 200, r.text
    data = r.json()
    assert isinstance(data, dict)
    return data


def assert_invalid_parameter(r: httpx.Response, fragment: str) -> None:
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["type"] == "invalid_request_error"
    assert err["code"] == "invalid_parameter"
    assert fragment in err["message"]


# --------------------------------------------------------------------------------------------
# media helpers
# --------------------------------------------------------------------------------------------


def test_media_fixtures() -> None:
    data = sample_mp4_bytes()
    assert SAMPLE_MP4.name == "sample.mp4"
    assert len(data) == 14613
    assert looks_like_mp4(data)
    assert [p.name for p in PHOTOS] == ["photo1.jpg", "photo2.jpg", "photo3.jpg"]
    for i in (1, 2, 3):
        assert looks_like_jpeg(photo_bytes(i))
        assert photo_bytes(i) == PHOTOS[i - 1].read_bytes()
    with pytest.raises(ValueError, match=r"1\.\.3"):
        photo_bytes(0)


# --------------------------------------------------------------------------------------------
# lifecycle
# --------------------------------------------------------------------------------------------


async def test_lifecycle_loopback_and_random_port() -> None:
    fake = FakeUniAll()
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    await fake.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fake.base_url)
        assert fake.submit_url == f"{fake.base_url}/v1/video/generations"
        assert fake.poll_url("task_x") == f"{fake.base_url}/v1/videos/task_x"
    finally:
        await fake.stop()
    await fake.stop()  # idempotent


def test_empty_forbidden_substring_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        FakeUniAll(forbidden_substrings=[""])


# --------------------------------------------------------------------------------------------
# submit: accepted response
# --------------------------------------------------------------------------------------------


async def test_submit_accepted_shape(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    r = await submit(client, BASE_BODY)
    assert r.status_code == 200
    data = r.json()
    assert TASK_ID_RE.match(data["id"])
    assert data["task_id"] == data["id"]
    assert data["object"] == "video"
    assert data["model"] == "veo3.1-video-1080p"
    assert data["status"] == "queued"
    assert data["progress"] == 0
    assert isinstance(data["created_at"], int)
    assert fake.submissions == [BASE_BODY]
    assert fake.rejected == []
    assert list(fake.tasks) == [data["id"]]
    assert fake.tasks[data["id"]].body == BASE_BODY


async def test_documented_examples_accepted(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    examples: list[dict[str, Any]] = [
        {  # 文生视频
            "model": "veo3.1-video-1080p",
            "prompt": "A golden-hour street interview shot",
            "size": "1080p",
            "aspect_ratio": "16:9",
            "duration": 8,
            "extra_body": {
                "generate_audio": True,
                "negative_prompt": "watermark, blur",
                "seed": 7,
            },
        },
        {  # 单图生视频
            "model": "veo3.1-video-720p",
            "prompt": "A product slowly rotates",
            "image": "https://example.com/keyframe.png",
            "size": "720p",
            "aspect_ratio": "16:9",
            "duration": 6,
            "extra_body": {"generate_audio": False, "negative_prompt": "artifacts"},
        },
        {  # 首尾帧
            "model": "veo3.1-fast-video-1080p",
            "prompt": "Transition naturally from the first frame to the last frame",
            "image": "https://example.com/start-frame.png",
            "last_image": "https://example.com/end-frame.png",
            "size": "1080p",
            "aspect_ratio": "16:9",
            "duration": 6,
            "extra_body": {"generate_audio": True},
        },
        {  # 多图参考
            "model": "veo3.1-video-1080p",
            "prompt": "Keep the same character",
            "images": ["https://example.com/ref-1.png", "https://example.com/ref-2.png"],
            "size": "1080p",
            "aspect_ratio": "9:16",
            "duration": 6,
            "extra_body": {"generate_audio": True, "seed": 11},
        },
        {  # 视频续写
            "model": "veo3.1-video-720p",
            "prompt": "Continue the motion of the source video",
            "video": "https://example.com/source.mp4",
            "size": "720p",
            "duration": 6,
            "extra_body": {"negative_prompt": "flicker", "seed": 9},
        },
    ]
    for body in examples:
        r = await submit(client, body)
        assert r.status_code == 200, r.text
    assert fake.submissions == examples


# --------------------------------------------------------------------------------------------
# submit: auth, content type, body shape
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer sk-wrong"}, {"Authorization": API_KEY}],
    ids=["missing", "wrong-key", "no-bearer"],
)
async def test_submit_auth_rejected(fake: FakeUniAll, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=fake.base_url, headers=headers) as c:
        r = await submit(c, BASE_BODY)
    assert r.status_code == 401
    assert r.json() == {
        "error": {"message": "Invalid token", "type": "new_api_error", "code": "invalid_api_key"}
    }
    assert fake.submissions == []
    assert fake.tasks == {}
    assert fake.rejected[0][0] == 401


async def test_submit_auth_custom_key() -> None:
    async with FakeUniAll("sk-other") as fake, httpx.AsyncClient(base_url=fake.base_url) as c:
        ok = await c.post(
            "/v1/video/generations",
            json=BASE_BODY,
            headers={"Authorization": "Bearer sk-other"},
        )
        bad = await c.post("/v1/video/generations", json=BASE_BODY, headers=AUTH)
    assert ok.status_code == 200
    assert bad.status_code == 401


async def test_content_type_rule(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    raw = json.dumps(BASE_BODY)
    ok = await client.post(
        "/v1/video/generations",
        content=raw,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 200
    bad = await client.post(
        "/v1/video/generations", content=raw, headers={"Content-Type": "text/plain"}
    )
    assert_invalid_parameter(bad, "Content-Type")
    form = await client.post("/v1/video/generations", data={"model": "veo3.1-video-720p"})
    assert_invalid_parameter(form, "Content-Type")
    assert len(fake.submissions) == 1


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("{not json", "invalid JSON"),
        ('{"model": NaN}', "invalid JSON"),
        ("[]", "JSON object"),
        ('"hello"', "JSON object"),
        ("", "invalid JSON"),
    ],
)
async def test_body_must_be_json_object(
    fake: FakeUniAll, client: httpx.AsyncClient, raw: str, fragment: str
) -> None:
    r = await client.post(
        "/v1/video/generations", content=raw, headers={"Content-Type": "application/json"}
    )
    assert_invalid_parameter(r, fragment)
    assert fake.rejected == [(400, raw, r.json()["error"]["message"])]
    assert fake.tasks == {}


# --------------------------------------------------------------------------------------------
# submit: field rules (one accepted and one or more rejected bodies per rule)
# --------------------------------------------------------------------------------------------

Mutation = dict[str, Any]
RULES: list[tuple[str, Mutation, list[tuple[Mutation, str]]]] = [
    (
        "model",
        {"model": "veo3.1-fast-video-1080p"},
        [
            ({"model": ...}, "model is required"),
            ({"model": "veo3.1-video"}, "not supported"),
            ({"model": "veo-3.1-generate-preview"}, "not supported"),
            ({"model": 3}, "not supported"),
        ],
    ),
    (
        "prompt",
        {"prompt": "a dog"},
        [
            ({"prompt": ...}, "prompt is required"),
            ({"prompt": ""}, "non-empty"),
            ({"prompt": "   "}, "non-empty"),
            ({"prompt": ["a", "b"]}, "non-empty string"),
        ],
    ),
    (
        "size",
        {"size": ...},
        [
            ({"size": "720p"}, "does not match"),
            ({"size": "1920x1080"}, "does not match"),
            ({"size": None}, "does not match"),
        ],
    ),
    (
        "aspect_ratio",
        {"aspect_ratio": "9:16"},
        [
            ({"aspect_ratio": "1:1"}, "aspect_ratio"),
            ({"aspect_ratio": "16x9"}, "aspect_ratio"),
        ],
    ),
    (
        "duration",
        {"duration": 4},
        [
            ({"duration": 5}, "duration"),
            ({"duration": 10}, "duration"),
            ({"duration": 8.0}, "duration"),
            ({"duration": True}, "duration"),
            ({"duration": "8s"}, "duration"),
            ({"duration": None}, "duration"),
        ],
    ),
    (
        "duration-string",
        {"duration": "6"},
        [({"duration": "7"}, "duration")],
    ),
    (
        "duration-ignored-with-video",
        {"video": VID, "duration": 5},
        [({"video": "ftp://x/y.mp4", "duration": 5}, "video must be an http(s) URL")],
    ),
    (
        "image",
        {"image": IMG1},
        [
            ({"image": "ftp://img.example.com/1.jpg"}, "image must be"),
            ({"image": "data:image/jpeg;base64,/9j/4AAQ"}, "image must be"),
            ({"image": [IMG1]}, "image must be"),
            ({"image": "https://"}, "image must be"),
            ({"image": "img.example.com/1.jpg"}, "image must be"),
        ],
    ),
    (
        "last_image",
        {"image": IMG1, "last_image": IMG2},
        [
            ({"last_image": IMG2}, "last_image requires image"),
            ({"image": IMG1, "last_image": "file:///tmp/2.jpg"}, "last_image must be"),
        ],
    ),
    (
        "images-count",
        {"images": [IMG1, IMG2, IMG3]},
        [
            ({"images": [IMG1, IMG2, IMG3, IMG4]}, "at most 3"),
            ({"images": [IMG1]}, "2 to 3"),
            ({"images": []}, "2 to 3"),
            ({"images": IMG1}, "must be a list"),
            ({"images": [IMG1, 42]}, "http(s) URL"),
        ],
    ),
    (
        "images-not-on-fast",
        {"model": "veo3.1-video-4k", "size": "4k", "images": [IMG1, IMG2]},
        [
            (
                {"model": "veo3.1-fast-video-4k", "size": "4k", "images": [IMG1, IMG2]},
                "not supported by veo3.1-fast-video-4k",
            )
        ],
    ),
    (
        "images-exclusive",
        {"images": [IMG1, IMG2]},
        [
            ({"images": [IMG1, IMG2], "image": IMG3}, "cannot be combined"),
            ({"images": [IMG1, IMG2], "image": IMG3, "last_image": IMG4}, "cannot be combined"),
        ],
    ),
    (
        "video",
        {"video": VID},
        [
            ({"video": VID, "image": IMG1}, "cannot be combined"),
            ({"video": VID, "images": [IMG1, IMG2]}, "cannot be combined"),
            ({"video": "source.mp4"}, "video must be"),
        ],
    ),
    (
        "extra_body",
        {"extra_body": {}},
        [
            ({"extra_body": {"resolution": "1080p"}}, "extra_body: unknown field"),
            ({"extra_body": {"generate_audio": "true"}}, "generate_audio"),
            ({"extra_body": {"negative_prompt": 1}}, "negative_prompt"),
            ({"extra_body": {"seed": 1.5}}, "seed"),
            ({"extra_body": {"seed": True}}, "seed"),
            ({"extra_body": {"seed": "7"}}, "seed"),
            ({"extra_body": "generate_audio=true"}, "extra_body must be an object"),
        ],
    ),
    (
        "unknown-field",
        {"extra_body": ...},
        [
            ({"n": 1}, "unknown field: n"),
            ({"callback_url": "https://x.example.com/cb"}, "unknown field: callback_url"),
            ({"generate_audio": True}, "unknown field: generate_audio"),
        ],
    ),
]


@pytest.mark.parametrize(("rule", "good", "bad"), RULES, ids=[r[0] for r in RULES])
async def test_validation_rule(
    fake: FakeUniAll,
    client: httpx.AsyncClient,
    rule: str,
    good: Mutation,
    bad: list[tuple[Mutation, str]],
) -> None:
    ok = await submit(client, body_with(**good))
    assert ok.status_code == 200, f"{rule}: {ok.text}"
    for mutation, fragment in bad:
        r = await submit(client, body_with(**mutation))
        assert_invalid_parameter(r, fragment)
        status_code, recorded_body, reason = fake.rejected[-1]
        assert status_code == 400
        assert recorded_body == body_with(**mutation)
        assert fragment in reason
    assert len(fake.submissions) == 1
    assert len(fake.tasks) == 1
    assert len(fake.rejected) == len(bad)


@pytest.mark.parametrize(("model", "tier"), sorted(MODEL_TIERS.items()))
async def test_size_matches_each_model_tier(
    client: httpx.AsyncClient, model: str, tier: str
) -> None:
    assert (await submit(client, body_with(model=model, size=tier))).status_code == 200
    wrong = "4k" if tier != "4k" else "720p"
    assert_invalid_parameter(await submit(client, body_with(model=model, size=wrong)), "size")


async def test_minimal_body_accepted(client: httpx.AsyncClient) -> None:
    r = await submit(client, {"model": "veo3.1-fast-video-720p", "prompt": "x"})
    assert r.status_code == 200


# --------------------------------------------------------------------------------------------
# leaks
# --------------------------------------------------------------------------------------------


async def test_forbidden_substring_leak(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    assert (await submit(client, body_with(prompt="a clean prompt"))).status_code == 200
    r = await submit(client, body_with(prompt=f"token {BOT_TOKEN} here"))
    assert_invalid_parameter(r, "forbidden")
    assert BOT_TOKEN not in r.text  # the fake never echoes the secret
    assert fake.leaks == [BOT_TOKEN]
    assert fake.rejected[-1][0] == 400
    assert len(fake.submissions) == 1


async def test_telegram_file_url_is_a_leak(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    url = "https://api.telegram.org/file/bot999:XYZ/photos/file_1.jpg"
    r = await submit(client, body_with(image=url))
    assert_invalid_parameter(r, "forbidden")
    assert fake.leaks == ["api.telegram.org/file/bot"]


async def test_leak_in_poll_url_or_header(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    r = await client.get(f"/v1/videos/{task_id}", params={"t": BOT_TOKEN})
    assert r.status_code == 400
    r = await client.get(f"/v1/videos/{task_id}", headers={"X-Debug": BOT_TOKEN})
    assert r.status_code == 400
    assert fake.leaks == [BOT_TOKEN, BOT_TOKEN]


async def test_leak_checked_before_submit_faults(
    fake: FakeUniAll, client: httpx.AsyncClient
) -> None:
    fake.submit_faults = [http_error(500)]
    r = await submit(client, body_with(prompt=BOT_TOKEN))
    assert r.status_code == 400
    assert fake.leaks == [BOT_TOKEN]
    assert len(fake.submit_faults) == 1


# --------------------------------------------------------------------------------------------
# polling: scripted sequences
# --------------------------------------------------------------------------------------------


async def test_default_script(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    first = await poll_json(client, task_id)
    assert set(first) == {
        "id",
        "task_id",
        "object",
        "model",
        "status",
        "progress",
        "video_url",
        "created_at",
        "error",
        "result",
    }
    assert first["id"] == first["task_id"] == task_id
    assert first["object"] == "video.generation.job"
    assert first["model"] == "veo3.1-video-1080p"
    assert (first["status"], first["progress"], first["video_url"]) == ("queued", 0, None)
    second = await poll_json(client, task_id)
    assert (second["status"], second["progress"]) == ("in_progress", 50)
    third = await poll_json(client, task_id)
    url = fake.file_url(task_id)
    assert url == f"{fake.base_url}/files/{task_id}.mp4"
    assert third["status"] == "completed"
    assert third["progress"] == 100
    assert third["video_url"] == url
    assert third["result"] == {"video_url": url}
    assert third["error"] is None
    fourth = await poll_json(client, task_id)  # the last step repeats forever
    assert fourth == third
    assert fake.polls == [task_id] * 4
    assert fake.tasks[task_id].polls == 4
    assert fake.tasks[task_id].last_status == "completed"


async def test_script_is_copied_per_task(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [completed()]
    first = await create_task(client)
    fake.script = [failed("nope")]
    second = await create_task(client)
    fake.script.clear()  # mutating the list later does not affect existing tasks
    assert (await poll_json(client, first))["status"] == "completed"
    assert (await poll_json(client, second))["status"] == "failed"


async def test_tasks_advance_independently(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    a = await create_task(client)
    b = await create_task(client)
    assert (await poll_json(client, a))["status"] == "queued"
    assert (await poll_json(client, a))["status"] == "in_progress"
    assert (await poll_json(client, b))["status"] == "queued"
    assert fake.polls == [a, a, b]


async def test_transient_poll_faults_in_script(
    fake: FakeUniAll, client: httpx.AsyncClient
) -> None:
    fake.script = [queued(), http_error(500), html(502), in_progress(30), completed()]
    task_id = await create_task(client)
    assert (await poll_json(client, task_id))["status"] == "queued"
    r = await poll(client, task_id)
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "bad_response_status_code"
    r = await poll(client, task_id)
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text
    p = await poll_json(client, task_id)
    assert (p["status"], p["progress"]) == ("in_progress", 30)
    assert (await poll_json(client, task_id))["status"] == "completed"


@pytest.mark.parametrize(
    ("step", "where"),
    [
        (completed(shape="top"), "top"),
        (completed(shape="result"), "result"),
        (completed(shape="outputs"), "outputs"),
    ],
)
async def test_completed_url_shapes(
    fake: FakeUniAll, client: httpx.AsyncClient, step: Completed, where: str
) -> None:
    fake.script = [step]
    task_id = await create_task(client)
    data = await poll_json(client, task_id)
    url = fake.file_url(task_id)
    assert data["status"] == "completed"
    assert data["progress"] == 100
    if where == "top":
        assert data["video_url"] == url
        assert data["result"] == {"video_url": url}
    elif where == "result":
        assert data["video_url"] is None
        assert data["result"] == {"video_url": url}
    else:
        assert data["video_url"] is None
        assert data["result"] == {"outputs": [url]}


async def test_completed_explicit_and_missing_url(
    fake: FakeUniAll, client: httpx.AsyncClient
) -> None:
    fake.script = [completed("https://cdn.example.com/out.mp4")]
    a = await create_task(client)
    assert (await poll_json(client, a))["video_url"] == "https://cdn.example.com/out.mp4"
    fake.script = [completed(None)]  # the new-api bug: completed with no URL anywhere
    b = await create_task(client)
    data = await poll_json(client, b)
    assert data["status"] == "completed"
    assert data["video_url"] is None
    assert data["result"] is None
    fake.script = [completed("")]
    c = await create_task(client)
    assert (await poll_json(client, c))["video_url"] == ""


async def test_failed_as_object_and_string(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [queued(), failed("content policy violation")]
    a = await create_task(client)
    await poll_json(client, a)
    data = await poll_json(client, a)
    assert data["status"] == "failed"
    assert data["video_url"] is None
    assert data["error"] == {"message": "content policy violation", "code": "task_failed"}
    fake.script = [failed("upstream timeout", as_object=False)]
    b = await create_task(client)
    data = await poll_json(client, b)
    assert data["status"] == "failed"
    assert data["error"] == "upstream timeout"


async def test_raw_status(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [status("weird_state"), status("processing", 20), completed()]
    task_id = await create_task(client)
    assert (await poll_json(client, task_id))["status"] == "weird_state"
    data = await poll_json(client, task_id)
    assert (data["status"], data["progress"]) == ("processing", 20)
    assert (await poll_json(client, task_id))["status"] == "completed"


async def test_poll_unknown_task_and_auth(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    r = await poll(client, "task_" + "0" * 32)
    assert r.status_code == 404
    assert r.json() == {
        "error": {
            "message": "task not found",
            "type": "invalid_request_error",
            "code": "task_not_exist",
        }
    }
    task_id = await create_task(client)
    async with httpx.AsyncClient(base_url=fake.base_url) as anon:
        r = await anon.get(f"/v1/videos/{task_id}")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_api_key"
    assert fake.tasks[task_id].position == 0  # refused polls do not advance the script
    assert (await poll_json(client, task_id))["status"] == "queued"


@pytest.mark.parametrize(
    ("kind", "text", "ctype"),
    [
        ("text", "upstream returned: OK", "text/plain"),
        ("array", "[]", "application/json"),
        ("null", "null", "application/json"),
        ("string", '"ok"', "application/json"),
        ("truncated", '{"id": "task_', "application/json"),
        ("empty", "", "application/json"),
    ],
)
async def test_garbage_poll(
    fake: FakeUniAll, client: httpx.AsyncClient, kind: Any, text: str, ctype: str
) -> None:
    fake.script = [garbage(kind), completed()]
    task_id = await create_task(client)
    r = await poll(client, task_id)
    assert r.status_code == 200
    assert r.text == text
    assert r.headers["content-type"].startswith(ctype)
    assert (await poll_json(client, task_id))["status"] == "completed"


async def test_poll_delay_read_timeout(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [delay(0.5), completed()]
    task_id = await create_task(client)
    with pytest.raises(httpx.ReadTimeout):
        await client.get(f"/v1/videos/{task_id}", timeout=0.1)
    # the delay was one step; the next poll answers the step after it
    assert (await poll_json(client, task_id))["status"] == "completed"


async def test_poll_delay_then_answers(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [delay(0.05, then=http_error(503)), delay(0.05), in_progress(70), completed()]
    task_id = await create_task(client)
    assert (await poll(client, task_id)).status_code == 503
    # delay without `then` answers the next non-delay step (in_progress) and counts as a step
    assert (await poll_json(client, task_id))["progress"] == 70
    assert (await poll_json(client, task_id))["progress"] == 70
    assert (await poll_json(client, task_id))["status"] == "completed"


async def test_poll_disconnect_and_truncated(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [disconnect(), truncated(10), completed()]
    task_id = await create_task(client)
    with pytest.raises(httpx.RemoteProtocolError):
        await poll(client, task_id)
    with pytest.raises(httpx.RemoteProtocolError):
        await poll(client, task_id)
    assert (await poll_json(client, task_id))["status"] == "completed"


async def test_poll_faults_queue(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    fake.poll_faults = [http_error(429, retry_after=2), http_error(404)]
    r = await poll(client, task_id)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "2"
    r = await poll(client, task_id)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "task_not_exist"
    # poll faults do not advance the task's own script
    assert (await poll_json(client, task_id))["status"] == "queued"


# --------------------------------------------------------------------------------------------
# submit faults
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "code", "check"),
    [
        (http_error(500), 500, lambda r: r.json()["error"]["code"] == "bad_response_status_code"),
        (html(502), 502, lambda r: "cloudflare" in r.text.lower()),
        (
            http_error(502, "<html><body>Bad Gateway</body></html>"),
            502,
            lambda r: "<html" in r.text,
        ),
        (http_error(503, "Service Unavailable"), 503, lambda r: r.text == "Service Unavailable"),
        (
            http_error(402, {"error": {"message": "余额不足", "code": "insufficient_quota"}}),
            402,
            lambda r: r.json()["error"]["message"] == "余额不足",
        ),
        (http_error(402), 402, lambda r: r.json()["error"]["code"] == "insufficient_user_quota"),
        (
            http_error(429, retry_after=1),
            429,
            lambda r: (
                r.headers["retry-after"] == "1"
                and r.json()["error"]["code"] == "rate_limit_exceeded"
            ),
        ),
        (http_error(429, retry_after=0.5), 429, lambda r: r.headers["retry-after"] == "0.5"),
        (http_error(401), 401, lambda r: r.json()["error"]["message"] == "Invalid token"),
        (http_error(404), 404, lambda r: r.json()["error"]["code"] == "task_not_exist"),
        (garbage(), 200, lambda r: r.text == "upstream returned: OK"),
        (garbage("array"), 200, lambda r: r.json() == []),
        (delay(0.05, then=http_error(504)), 504, lambda r: True),
    ],
)
async def test_submit_fault(
    fake: FakeUniAll,
    client: httpx.AsyncClient,
    fault: Step,
    code: int,
    check: Callable[[httpx.Response], bool],
) -> None:
    fake.submit_faults = [fault]
    r = await submit(client, BASE_BODY)
    assert r.status_code == code
    assert check(r), r.text
    assert fake.tasks == {}  # a faulted submit creates no task
    assert fake.submissions == []
    assert fake.submit_faults == []
    ok = await submit(client, BASE_BODY)  # the fault was consumed; the next submit is accepted
    assert ok.status_code == 200
    assert fake.submit_attempts == 2
    assert len(fake.tasks) == 1


async def test_submit_faults_fifo(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.submit_faults = [http_error(500), html(502), http_error(429, retry_after=1)]
    codes = [(await submit(client, BASE_BODY)).status_code for _ in range(4)]
    assert codes == [500, 502, 429, 200]
    assert len(fake.submissions) == 1


async def test_submit_fault_before_validation(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.submit_faults = [http_error(500)]
    r = await submit(client, {"model": "nope"})
    assert r.status_code == 500
    assert fake.rejected == []


async def test_submit_delay_timeout_creates_ghost_task(
    fake: FakeUniAll, client: httpx.AsyncClient
) -> None:
    fake.submit_faults = [delay(0.3)]
    with pytest.raises(httpx.ReadTimeout):
        await client.post("/v1/video/generations", json=BASE_BODY, timeout=0.05)
    for _ in range(100):
        if fake.submissions:
            break
        await asyncio.sleep(0.02)
    # the vendor still accepted it after the client gave up
    assert fake.submissions == [BASE_BODY]
    assert len(fake.tasks) == 1


async def test_submit_delay_answers_normally(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.submit_faults = [delay(0.05)]
    r = await submit(client, BASE_BODY)
    assert r.status_code == 200
    assert TASK_ID_RE.match(r.json()["id"])


async def test_submit_disconnect_and_truncated(
    fake: FakeUniAll, client: httpx.AsyncClient
) -> None:
    fake.submit_faults = [disconnect(), truncated(5)]
    with pytest.raises(httpx.RemoteProtocolError):
        await submit(client, BASE_BODY)
    with pytest.raises(httpx.RemoteProtocolError):
        await submit(client, BASE_BODY)
    assert fake.tasks == {}
    assert (await submit(client, BASE_BODY)).status_code == 200


async def test_stop_interrupts_pending_delay() -> None:
    fake = FakeUniAll()
    await fake.start()
    fake.submit_faults = [delay(60, then=http_error(504))]
    async with httpx.AsyncClient(base_url=fake.base_url, headers=AUTH) as c:
        pending = asyncio.create_task(c.post("/v1/video/generations", json=BASE_BODY))
        for _ in range(100):
            if fake.submit_attempts:
                break
            await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await fake.stop()
        assert loop.time() - started < 5
        r = await pending
        assert r.status_code == 504


# --------------------------------------------------------------------------------------------
# downloads
# --------------------------------------------------------------------------------------------


async def test_download_sample_mp4(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    fake.script = [completed()]
    task_id = await create_task(client)
    url = (await poll_json(client, task_id))["video_url"]
    async with httpx.AsyncClient() as anon:  # no auth, like a CDN
        head = await anon.head(url)
        assert head.status_code == 200
        assert head.headers["content-length"] == str(len(sample_mp4_bytes()))
        assert fake.downloads == 0
        r = await anon.get(url)
    assert r.status_code == 200
    assert r.headers["content-type"] == "video/mp4"
    assert r.headers["content-length"] == "14613"
    assert r.content == sample_mp4_bytes()
    assert looks_like_mp4(r.content)
    assert fake.downloads == 1
    assert fake.download_attempts == 1


async def test_download_unknown_file(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    assert (await client.get(f"/files/task_{'0' * 32}.mp4")).status_code == 404
    assert (await client.get(f"/files/{task_id}.webm")).status_code == 404
    assert (await client.get(f"/files/{task_id}.mp4")).status_code == 200
    assert fake.downloads == 1


async def test_download_replaced_bytes(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    fake.video_bytes = b"not really a video"
    r = await client.get(f"/files/{task_id}.mp4")
    assert r.content == b"not really a video"
    assert r.headers["content-length"] == "18"


async def test_download_streamed_size(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    fake.video_size = 60 * 1024 * 1024
    total = 0
    head = b""
    async with client.stream("GET", f"/files/{task_id}.mp4") as r:
        assert r.headers["content-length"] == str(60 * 1024 * 1024)
        async for chunk in r.aiter_bytes():
            if len(head) < len(sample_mp4_bytes()):
                head += chunk
            total += len(chunk)
    assert total == 60 * 1024 * 1024
    assert head[: len(sample_mp4_bytes())] == sample_mp4_bytes()
    assert fake.downloads == 1


async def test_download_aborted_by_client_not_counted(
    fake: FakeUniAll, client: httpx.AsyncClient
) -> None:
    task_id = await create_task(client)
    fake.video_size = 60 * 1024 * 1024
    received = 0
    async with client.stream("GET", f"/files/{task_id}.mp4") as r:
        async for chunk in r.aiter_bytes():
            received += len(chunk)
            if received > 1024 * 1024:
                break  # a size cap: give up early
    for _ in range(250):
        if fake.downloads_aborted:
            break
        await asyncio.sleep(0.02)
    assert fake.downloads_aborted == 1
    assert fake.downloads == 0
    assert fake.download_attempts == 1


async def test_download_faults(fake: FakeUniAll, client: httpx.AsyncClient) -> None:
    task_id = await create_task(client)
    fake.download_faults = [
        http_error(403, "AccessDenied"),
        html(200),
        truncated(1000),
        disconnect(),
        delay(0.05),
    ]
    path = f"/files/{task_id}.mp4"
    r = await client.get(path)
    assert (r.status_code, r.text) == (403, "AccessDenied")
    r = await client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get(path)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get(path)
    r = await client.get(path)  # delay without `then`: a slow but normal download
    assert r.content == sample_mp4_bytes()
    assert fake.downloads == 1
    assert fake.download_attempts == 5


# --------------------------------------------------------------------------------------------
# a full happy path, as the bot would drive it
# --------------------------------------------------------------------------------------------


async def test_full_flow_with_absolute_urls(fake: FakeUniAll) -> None:
    fake.script = [queued(), in_progress(10), http_error(502), in_progress(90), completed()]
    async with httpx.AsyncClient(timeout=5.0) as c:
        r = await c.post(
            f"{fake.base_url}/v1/video/generations",
            json=body_with(model="veo3.1-fast-video-720p", size="720p", image=IMG1),
            headers=AUTH,
        )
        task_id = r.json()["id"]
        statuses: list[str | int] = []
        url = None
        for _ in range(10):
            p = await c.get(f"{fake.base_url}/v1/videos/{task_id}", headers=AUTH)
            if p.status_code != 200:
                statuses.append(p.status_code)
                continue
            data = p.json()
            statuses.append(data["status"])
            if data["status"] == "completed":
                url = data["video_url"]
                break
        assert statuses == ["queued", "in_progress", 502, "in_progress", "completed"]
        assert url is not None
        video = await c.get(url)
    assert video.content == sample_mp4_bytes()
    assert fake.downloads == 1
    assert fake.leaks == []
