"""How to approach a person at the client (issue 15 must-have 2), as data. It lives with the
contacts (whose personality and decision style it reads) so the Contacts tab shows it beside
each person; the Decision map tab (relationships) shows it too.

Decision styles: seed 004 "客户的性格与决策类型" (关键决策者的四种主要风格), in its own words
(simplified characters; "药品" read as our products). Personalities: seed 001 names the four
types (老虎、孔雀、猫头鹰、无尾熊, "根据人物性格以他的方式沟通交流") without describing them;
the texts below are the usual reading of those four types (PDP: dominant, expressive,
analytical, steady). The combination joins the two: whom to go through (the style) and how to
talk once there (the personality).

Each text is (zh_CN, en); `advice_for` picks by the UI language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale

from webapp.accounts.models import DecisionStyle, Personality

PERSONALITY = {
    Personality.TIGER: (
        "老虎型（支配型）：果断、重结果、喜欢掌控。开门见山，先讲结论和能带来的结果；"
        "准备两三个方案让他拍板；守时、简洁，不绕弯、不啰嗦。",
        "Tiger (dominant): decisive, wants results and control. Come to the point, lead with "
        "the outcome; bring two or three options and let them decide; be punctual and brief.",
    ),
    Personality.PEACOCK: (
        "孔雀型（表达型）：热情、重人际、喜欢被认可。多互动、多肯定，讲愿景和标杆客户的成功故事；"
        "气氛轻松；谈妥的细节事后书面确认。",
        "Peacock (expressive): warm, sociable, likes recognition. Engage and acknowledge them, "
        "tell the vision and reference clients' success stories; keep it light; confirm the "
        "details agreed in writing afterwards.",
    ),
    Personality.OWL: (
        "猫头鹰型（分析型）：严谨、重数据和流程。准备详实的数据、技术资料和书面方案，"
        "按逻辑逐项说明；给他时间比较和思考，不施压。",
        "Owl (analytical): precise, trusts data and process. Bring complete figures, technical "
        "documents and a written proposal, explain point by point; give them time to compare "
        "and think; do not push.",
    ),
    Personality.KOALA: (
        "无尾熊型（耐心型）：温和、重安全和稳定、不喜欢变化。耐心建立信任，强调稳妥、"
        "风险小和售后保障；小步推进，不催促。",
        "Koala (steady): calm, values safety and stability, dislikes change. Build trust "
        "patiently, stress low risk and after-sales guarantees; move in small steps, never rush.",
    ),
}

STYLE = {
    DecisionStyle.LEADER: (
        "领导型：重视目标，做事直接，能迅速决策；不看重关系而关心价值。"
        "用简单、直接的方式让他明白跟我们公司合作的重要性及价值。",
        "Leading: goal-minded, direct, decides fast; cares about value more than relationships. "
        "Show simply and directly why working with us matters and what it is worth.",
    ),
    DecisionStyle.INFLUENCING: (
        "施加影响型：偏向更多人参与决策，喜欢召集相关部门负责人一同商讨，受相关部门意见影响。"
        "与其建立良好沟通关系的同时，拓展与相关部门负责人的关系；产生冲突时通过相关部门人员从中协调。",
        "Influencing: involves many people, calls the heads of the departments concerned "
        "together and follows their views. Build a good line to them and, at the same time, to "
        "those department heads; in a conflict, mediate through them.",
    ),
    DecisionStyle.FOLLOWER: (
        "跟随型：注重安全，希望与其他高层保持意见一致。请本公司高层领导出面，让双方高层达成共识，"
        "再由高层传达形成共识的方案；注意方式方法，否则会引起对方反感。",
        "Following: values safety, wants to agree with the other senior managers. Ask our own "
        "senior management to reach a consensus with theirs and let it carry the agreed plan; "
        "mind the manner, or it breeds resentment.",
    ),
    DecisionStyle.CHECKER: (
        "检查型：注重任务，需要精准性与逻辑性，最关心所采购的产品是否符合实用性要求。"
        "提供准确的参数、检测报告和使用案例，逻辑清楚地证明产品合用。",
        "Checker: task-minded, needs precision and logic, asks above all whether the product "
        "fits the practical requirements. Bring exact specifications, test reports and cases of "
        "use, and prove the fit step by step.",
    ),
}

# The combination: whom to go through (style) + how to talk there (personality).
_ROUTE = {
    DecisionStyle.LEADER: ("直接约见本人", "go to them directly"),
    DecisionStyle.INFLUENCING: (
        "先争取相关部门负责人，再与本人沟通",
        "win the department heads first, then them",
    ),
    DecisionStyle.FOLLOWER: (
        "请我方高层与其高层先达成共识",
        "have our senior managers agree with theirs first",
    ),
    DecisionStyle.CHECKER: (
        "先把技术和实用性资料交给他核查",
        "first hand them the technical and practical evidence to check",
    ),
}
_MANNER = {
    Personality.TIGER: ("谈话简短、只讲结果和选项", "keep it short: results and options only"),
    Personality.PEACOCK: (
        "多肯定、讲愿景和成功案例",
        "acknowledge them, tell the vision and success stories",
    ),
    Personality.OWL: (
        "用数据和书面方案逐项说明",
        "go through figures and a written plan point by point",
    ),
    Personality.KOALA: ("放慢节奏、强调稳妥和保障", "slow down, stress safety and guarantees"),
}


@dataclass(frozen=True)
class Advice:
    personality: str = ""
    style: str = ""
    combination: str = ""

    @property
    def empty(self) -> bool:
        return not (self.personality or self.style)


def in_chinese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


def advice_for(
    personality: Personality | None, style: DecisionStyle | None, zh: bool | None = None
) -> Advice:
    """The advice for a person of this personality and decision style (either may be unknown);
    `zh` picks the language (default: the UI's)."""
    i = 0 if (in_chinese() if zh is None else zh) else 1
    combination = ""
    if personality is not None and style is not None:
        route, manner = _ROUTE[style][i], _MANNER[personality][i]
        combination = (
            f"{route}；见面时{manner}。" if i == 0 else f"{route.capitalize()}; there, {manner}."
        )
    return Advice(
        PERSONALITY[personality][i] if personality is not None else "",
        STYLE[style][i] if style is not None else "",
        combination,
    )


def by_person(people) -> dict[int, Advice]:
    """Each person's advice by id (anything with `id`, `personality` and `decision_style`: a
    contact or a map's person), each combination worked out once."""
    zh, seen = in_chinese(), {}
    return {
        p.id: seen.setdefault(
            (p.personality, p.decision_style), advice_for(p.personality, p.decision_style, zh)
        )
        for p in people
    }


def guide(people) -> list[tuple[str, str]]:
    """(label, advice) for each personality and decision style among `people`, once each."""
    zh = in_chinese()
    out = []
    for kind, texts in ((Personality, PERSONALITY), (DecisionStyle, STYLE)):
        field = "personality" if kind is Personality else "decision_style"
        present = {getattr(p, field) for p in people}
        out.extend((m.label, texts[m][0 if zh else 1]) for m in kind if m in present)
    return out
