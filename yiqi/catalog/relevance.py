"""A relevance test set for the catalogue search and its metrics (recall@10, MRR).

Each case names a query and *which records it must find*, by their properties (``"质谱" in name``), never
by id, so the set holds for any demo seed or size. ``evaluate()`` runs every case against the current index;
``manage.py search_relevance`` prints the numbers; the test suite keeps a floor under them.
"""

from dataclasses import dataclass

from yiqi.registry.models import Instrument, RegistrationStatus

from .search import search


@dataclass(frozen=True)
class Case:
    query: str
    kind: str  # chinese, partial, pinyin, initials, abbreviation, english, typo, multiword, other
    field: str  # name, name_en, manufacturer, model_spec, unit
    needles: tuple[str, ...]  # relevant when the field holds every needle (case-insensitive)

    def relevant(self, values: dict) -> bool:
        haystack = (values.get(self.field) or "").lower()
        return all(n.lower() in haystack for n in self.needles)


def _cases(kind: str, field: str, rows: str) -> list[Case]:
    out = []
    for line in rows.strip().splitlines():
        query, needles = (part.strip() for part in line.split("|"))
        out.append(Case(query, kind, field, tuple(needles.split("+"))))
    return out


CASES = [
    *_cases(
        "chinese",
        "name",
        """
        显微镜 | 显微镜
        质谱仪 | 质谱仪
        离心机 | 离心机
        示波器 | 示波器
        电化学工作站 | 电化学工作站
        流式细胞仪 | 流式细胞
        原子力显微镜 | 原子力显微镜
        硬度计 | 硬度计
        流变仪 | 流变仪
        全站仪 | 全站仪
        探地雷达 | 探地雷达
        测序仪 | 测序仪
        核磁共振 | 核磁共振
        衍射仪 | 衍射仪
        荧光显微镜 | 荧光显微镜
        冷冻干燥机 | 冷冻干燥机
        试验机 | 试验机
        分光光度计 | 分光光度计
        """,
    ),
    *_cases(
        "partial",
        "name",
        """
        质谱 | 质谱
        色谱 | 色谱
        联用仪 | 联用仪
        扫描电子 | 扫描电子显微镜
        透射电子 | 透射电子显微镜
        等离子体 | 等离子体
        共聚焦 | 共聚焦
        粒度 | 粒度
        热分析 | 热分析
        激光器 | 激光器
        光谱仪 | 光谱仪
        """,
    ),
    *_cases(
        "pinyin",
        "name",
        """
        zhipu | 质谱
        zhipuyi | 质谱仪
        xianweijing | 显微镜
        lixinji | 离心机
        sepuyi | 色谱仪
        guangpuyi | 光谱仪
        shiboqi | 示波器
        quanzhanyi | 全站仪
        yansheyi | 衍射仪
        liubianyi | 流变仪
        yingduji | 硬度计
        """,
    ),
    *_cases(
        "initials",
        "name",
        """
        zpy | 质谱仪
        xwj | 显微镜
        lxj | 离心机
        spy | 色谱仪
        gpy | 光谱仪
        sbq | 示波器
        qzy | 全站仪
        lby | 流变仪
        """,
    ),
    *_cases(
        "abbreviation",
        "name",
        """
        SEM | 扫描电子显微镜
        TEM | 透射电子显微镜
        LC-MS | 液相色谱-质谱联用仪
        液质 | 液相色谱-质谱联用仪
        GC-MS | 气相色谱-质谱联用仪
        气质联用 | 气相色谱-质谱联用仪
        XRD | X射线衍射仪
        XRF | X射线荧光光谱仪
        XPS | X射线光电子能谱仪
        ICP-MS | 电感耦合等离子体质谱仪
        ICP-OES | 电感耦合等离子体发射光谱仪
        AFM | 原子力显微镜
        FTIR | 红外光谱仪
        拉曼 | 拉曼
        DSC | 差示扫描量热仪
        BET | 比表面积
        FCM | 流式细胞
        CLSM | 共聚焦显微镜
        PCR | PCR
        NMR | 核磁共振
        MRI | 磁共振成像
        电镜 | 电子显微镜
        扫描电镜 | 扫描电子显微镜
        透射电镜 | 透射电子显微镜
        HPLC | 高效液相色谱仪
        """,
    ),
    *_cases(
        "english",
        "name_en",
        """
        microscope | microscope
        microscopes | microscope
        mass spectrometer | mass spectrometer
        chromatograph | chromatograph
        centrifuge | centrifuge
        x-ray diffractometer | x-ray diffractometer
        flow cytometer | flow cytometer
        oscilloscope | oscilloscope
        rheometer | rheometer
        spectrophotometer | spectrophotometer
        scanning electron microscope | scanning electron microscope
        freeze dryer | freeze dryer
        total station | total station
        """,
    ),
    *_cases(
        "typo",
        "name_en",
        """
        microscpe | microscope
        difractometer | diffractometer
        spectrometr | spectrometr
        centrifge | centrifuge
        chromatograp | chromatograph
        osciloscope | oscilloscope
        rheomter | rheometer
        spectrophotometr | spectrophotometer
        cytometr | cytomet
        """,
    ),
    *_cases(
        "multiword",
        "name",
        """
        场发射 扫描电镜 | 场发射扫描电子显微镜
        液相色谱 质谱 | 液相色谱-质谱
        生物 透射电镜 | 生物透射电子显微镜
        高速 离心机 | 高速+离心机
        激光 粒度 | 激光粒度
        电感耦合 质谱 | 电感耦合+质谱
        """,
    ),
    *_cases(
        "manufacturer",
        "manufacturer",
        """
        蔡司 | 蔡司
        日立 | 日立
        安捷伦 | 安捷伦
        岛津 | 岛津
        Zeiss | 蔡司
        Agilent | 安捷伦
        Bruker | 布鲁克
        """,
    ),
]


def evaluate(cases=CASES, k: int = 10) -> dict:
    """recall@k and MRR over the cases with at least one relevant published record."""
    fields = ("id", "name", "name_en", "manufacturer", "model_spec")
    records = list(
        Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).values(*fields)
    )
    rows, skipped = [], []
    for case in cases:
        relevant = {r["id"] for r in records if case.relevant(r)}
        if not relevant:
            skipped.append(case.query)
            continue
        ids = search(case.query, page_size=k).ids
        found = sum(1 for i in ids if i in relevant)
        recall = found / min(k, len(relevant))
        first = next((rank for rank, i in enumerate(ids, 1) if i in relevant), None)
        rows.append(
            {
                "query": case.query,
                "kind": case.kind,
                "relevant": len(relevant),
                "recall": recall,
                "rr": 1 / first if first else 0.0,
            }
        )
    by_kind: dict[str, dict] = {}
    for kind in dict.fromkeys(r["kind"] for r in rows):
        part = [r for r in rows if r["kind"] == kind]
        by_kind[kind] = {
            "queries": len(part),
            "recall": sum(r["recall"] for r in part) / len(part),
            "mrr": sum(r["rr"] for r in part) / len(part),
        }
    count = max(1, len(rows))
    return {
        "queries": len(rows),
        "skipped": skipped,
        "recall_at_k": sum(r["recall"] for r in rows) / count,
        "mrr": sum(r["rr"] for r in rows) / count,
        "by_kind": by_kind,
        "rows": rows,
    }
