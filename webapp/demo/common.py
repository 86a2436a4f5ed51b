"""What the demo modules share: bulk inserts, Chinese personal names and times of day."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from webapp.extensions import db

# Rows per bulk INSERT call (one executemany).
BATCH = 5000

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"  # noqa: E501
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "平",
    "刚",
    "建国",
    "志强",
    "海燕",
    "玉兰",
    "国庆",
    "晓东",
    "文博",
    "子涵",
)


def insert_rows(model, rows: list[dict]) -> None:
    """Insert plain dicts in bulk, bypassing the ORM, so ten thousand accounts load in seconds."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start : start + BATCH])


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def at_hour(day: date, hour: int = 10) -> datetime:
    """A moment on `day` (UTC), for rows whose time of day does not matter."""
    return datetime.combine(day, time(hour), tzinfo=UTC)
