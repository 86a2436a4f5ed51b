"""This area's sections of the account plan: profile, role map, coverage, competitors,
whitespace. Each `build(account)` returns document blocks (called under the zh_CN locale)."""

from __future__ import annotations

from webapp.accounts.models import BuyingRole
from webapp.documents import blocks
from webapp.documents.markup import money
from webapp.relationships import competitors, drawing, printmap, rolemap, whitespace


def _dash(value) -> str:
    return "—" if value in (None, "") else str(value)


def profile(account) -> list:
    return [
        blocks.KeyValues(
            items=(
                ("客户名称", account.name),
                ("统一社会信用代码", _dash(account.tax_number)),
                ("客户类别", account.kind.label),
                ("开发阶段", account.stage.label),
                ("价值分类", account.value_class.label),
                ("销售等级", account.tier.label if account.tier else "—"),
                ("信用等级", account.credit_grade.label),
                ("授信额度", money(account.credit_limit)),
                ("客户经理", account.owner.full_name),
                ("所属部门", account.department.name),
                ("地址", _dash(account.address)),
                ("电话", _dash(account.phone)),
            ),
            columns=2,
        )
    ]


def role_map(account) -> list:
    the_map = rolemap.build_map(account.id)
    if not the_map.people:
        return [blocks.Paragraph("尚未记录客户方人员。")]
    by_id = {p.id: p for p in the_map.people}
    people = [
        (
            p.name,
            _dash(p.title),
            p.role.label,
            p.stance.label,
            p.ladder.label if p.ladder else "—",
            by_id[p.boss_id].name if p.boss_id in by_id else "—",
            _dash(p.owner),
        )
        for p in the_map.people
    ]
    bands = printmap.print_maps(the_map)
    drawn = sum(len(band.people) for band in bands)
    caption = "图　决策地图（实线：汇报关系；虚线箭头：影响关系）"
    if drawn < len(the_map.people):
        caption += (
            f"。共 {len(the_map.people)} 人，图中为上层 {drawn} 人，"
            "“+N”为未画出的下级人数，全部人员见下文"
        )
    out: list = [
        blocks.Image(
            drawing.jpeg(band),
            width_mm=printmap.width_mm(band),
            caption=caption if i == 0 else f"图　决策地图（续 {i + 1}/{len(bands)}）",
        )
        for i, band in enumerate(bands)
    ]
    out.extend(
        _listing(
            ("姓名", "职务", "采购角色", "态度", "关系阶段", "上级", "我方负责人"),
            people,
            (14, 16, 16, 10, 12, 14, 14),
            "人员名单（每行：姓名　职务 · 采购角色 · 态度 · 关系阶段 · 上级 · 我方负责人）",
            lambda r: f"{r[0]}　{r[1]} · {r[2]} · {r[3]} · {r[4]} · 上级：{r[5]} · 我方：{r[6]}",
        )
    )
    if the_map.lines:
        out.extend(
            _listing(
                ("影响者", "被影响者", "说明"),
                [(ln.source.name, ln.target.name, _dash(ln.note)) for ln in the_map.lines],
                (20, 20, 50),
                "影响关系（每行：影响者 → 被影响者：说明）",
                lambda r: f"{r[0]} → {r[1]}：{r[2]}",
            )
        )
    return out


TABLE_ROWS = 40  # longer lists print as a roster, a line per row (a table cell costs ~0.5 ms)


def _listing(header, rows, widths, roster_title, line) -> list:
    """A table for a short list; a long one (a client with 200 people) as a roster: a small
    paragraph per row, the order of its values said once above. WeasyPrint lays a table out
    cell by cell, and 200 rows of 7 cells were most of a 200-person plan's time; the roster
    says the same and takes a twentieth of it, in PDF and Word alike."""
    if len(rows) <= TABLE_ROWS:
        return [blocks.Table(header=header, rows=tuple(rows), widths=widths)]
    return [
        blocks.Paragraph(roster_title, bold=True),
        *(blocks.Paragraph(line(r), small=True) for r in rows),
    ]


def coverage(account) -> list:
    result = rolemap.coverage_for_accounts([account.id])[account.id]
    the_map = rolemap.build_map(account.id)
    rows = []
    for role in BuyingRole:
        holders = [f"{p.name}（{p.stance.label}）" for p in the_map.people if p.role is role]
        rows.append((role.label, "已知" if holders else "空缺", "、".join(holders) or "—"))
    out: list = [
        blocks.Table(
            header=("采购角色", "状况", "人员（态度）"), rows=tuple(rows), widths=(20, 12, 60)
        )
    ]
    if result.gaps:
        out.extend(blocks.Paragraph(f"⚠ {gap.text}", bold=True) for gap in result.gaps)
    else:
        out.append(
            blocks.Paragraph("无缺口：已掌握决策者和内线，决策者不反对，没有仅由反对者担任的角色。")
        )
    return out


def competitor_section(account) -> list:
    rows = competitors.for_account(account)
    if not rows:
        return [blocks.Paragraph("尚未记录竞争对手。")]
    return [
        blocks.Table(
            header=("竞争对手", "产品", "价格（元）", "份额", "优势", "劣势", "更新"),
            rows=tuple(
                (
                    r.competitor.name,
                    _dash(r.products),
                    money(r.price) if r.price is not None else "—",
                    f"{r.share}%" if r.share is not None else "—",
                    _dash(r.strengths),
                    _dash(r.weaknesses),
                    r.updated_by.full_name if r.updated_by else "—",
                )
                for r in rows
            ),
            widths=(14, 16, 12, 8, 18, 18, 10),
            align=("left", "left", "right", "right", "left", "left", "left"),
        )
    ]


def whitespace_section(account) -> list:
    grid = whitespace.grid_for(account)
    if not grid.rows:
        return [blocks.Paragraph("尚无销售记录和潜力估计。")]
    return [
        blocks.Table(
            header=("产品线", *grid.units, "近12个月已购", "潜力合计", "空白（差额）"),
            rows=tuple(
                (
                    r.product,
                    *(money(r.cells[u]) if u in r.cells else "—" for u in grid.units),
                    money(r.bought),
                    money(r.potential),
                    money(r.gap),
                )
                for r in grid.rows
            ),
            footer=(
                (
                    "合计",
                    *("" for _ in grid.units),
                    money(grid.bought),
                    money(grid.potential),
                    money(grid.gap),
                ),
            ),
            align=("left", *("right" for _ in grid.units), "right", "right", "right"),
        )
    ]


# (key, title, order, build): init_app registers them; the plans area's go between and after
SECTIONS = (
    ("profile", "客户概况与分级", 10, profile),
    ("role_map", "决策地图", 20, role_map),
    ("coverage", "角色覆盖", 30, coverage),
    ("competitors", "竞争对手", 60, competitor_section),
    ("whitespace", "空白市场", 70, whitespace_section),
)
