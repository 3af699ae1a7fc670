"""Large research facilities and service units (kind large_facility / service_unit). Format: see ``templates.py``.

The builder gives large facilities only to the big universities and institutes, and makes some of a unit's single
instruments members of its service units and instrument centres. Instrument centres themselves are named after
the unit's testing centre (see ``instruments.py``), so they need no template.
"""

CATALOGUE = """
020199 低速回流风洞 / Low-Speed Closed-Circuit Wind Tunnel
value 3000-12000 weight 0.3 self 0 kind large_facility
makers ccss: FL-LS3.5; ni: PXIe-1085 DAQ
指标 试验段3.5 m×2.5 m×8 m；风速范围3–100 m/s；湍流度≤0.08%；动压稳定性≤0.3%；六分量天平、PIV与压力扫描阀测量系统
功能 飞行器、车辆、建筑结构的气动力、压力分布与流场特性试验。
领域 航空宇航；风工程；车辆工程；流体力学
服务 承接气动力测力、测压及流动显示试验。

020499 大型地震模拟振动台 / Large Shaking Table
value 2000-8000 weight 0.3 self 0 kind large_facility
makers mts: 469D Shake Table; dongling: DL-DST-6
指标 台面尺寸4 m×6 m；三向六自由度；最大载重60 t；满载加速度水平±1.5 g、竖向±1.0 g；频率0.1–50 Hz；数据采集通道≥256
功能 建筑结构、桥梁、设备的地震模拟试验与抗震性能评估。
领域 土木工程；地震工程；防灾减灾
服务 承接结构抗震试验、设备抗震鉴定与振动环境试验。

020101 多功能结构加载试验系统 / Multi-Functional Structural Loading System
value 1500-5000 weight 0.3 self 0 kind large_facility
makers mts: 244.51 Actuators, FlexTest 100; ccss: JAW-10000
指标 反力墙高15 m，反力地板面积30 m×20 m；竖向加载能力≥10000 kN；水平作动器±2000 kN，行程±500 mm；多通道协调加载控制
功能 大比例足尺结构、构件的拟静力、拟动力与疲劳试验。
领域 土木工程；结构工程；桥梁工程

130201 超算中心计算平台 / Supercomputing Center Platform
value 5000-30000 weight 0.3 self 0 kind large_facility
makers sugon: Sugon 7000, TC6600; inspur: TS10000; huawei: Atlas 900 AI Cluster
指标 计算节点≥2000个，双精度峰值≥20 PFlops；AI算力≥500 PFlops（FP16）；高速互联≥200 Gb/s；并行文件系统≥20 PB；PUE≤1.25
功能 面向全省提供大规模科学计算、人工智能训练与工程仿真算力服务。
领域 计算科学；人工智能；气象；材料基因；生物信息
服务 开放机时申请、算力券兑付、应用软件部署与并行优化支持。

100303 加速器质谱平台 / Accelerator Mass Spectrometry Facility
value 3000-6000 weight 0.1 self 0 kind large_facility
makers hvee: HVE 3MV Tandetron; nec: 1.5SDH-1
指标 3 MV串列加速器；可测¹⁴C、¹⁰Be、²⁶Al、¹²⁹I、⁴¹Ca等核素；¹⁴C测量精度≤0.3%；年测试能力≥8000样品；配样品化学前处理实验室
功能 宇宙成因核素与放射性碳超高灵敏度测定，服务于第四纪年代学、环境示踪与考古。
领域 地球环境科学；考古学；海洋科学

030599 守时与授时系统 / Time Keeping and Timing System
value 3000-15000 weight 0.1 self 0 kind large_facility
makers ntsc: NTSC-H1; microchip: 5071A; t4science: iMaser 3000
指标 铯原子钟与氢原子钟组≥30台；UTC(NTSC)与UTC偏差≤5 ns；长短波授时与卫星双向时间比对；时间频率稳定度≤2×10⁻¹⁵/d
功能 产生并保持国家标准时间，提供高精度时间频率传递与授时服务。
领域 时间频率；卫星导航；通信；电力

120302 微纳加工平台 / Micro- and Nano-Fabrication Facility
value 5000-20000 weight 0.2 self 0 kind large_facility
makers suss: MA8 Gen4; raith: EBPG Plus; oxford_plasma: PlasmaPro 100 Cobra; naura: Polaris
指标 千级/百级洁净室≥1500 m²；光刻、电子束曝光、刻蚀、薄膜沉积、键合、划片与检测设备≥80台套；最小线宽≤10 nm；兼容4–8英寸晶圆
功能 半导体器件、MEMS、光电子与量子器件的全流程微纳加工与工艺开发。
领域 集成电路；MEMS；光电子；量子信息
服务 提供工艺代工、流片支撑与工艺培训。

010201 蛋白质组学质谱服务单元 / Proteomics Mass Spectrometry Service Unit
value 800-3000 weight 0.4 self 0 kind service_unit
makers thermo_de: Orbitrap Exploris 480, Orbitrap Astral; bruker_de: timsTOF Pro 2
指标 高分辨质谱3–6台，配纳升液相色谱；蛋白鉴定深度≥8000（HeLa，单针）；DIA、TMT及PRM定量流程；数据分析服务器集群
功能 蛋白质鉴定与定量、翻译后修饰、代谢组学与靶向定量的一站式质谱分析服务。
领域 蛋白质组学；代谢组学；精准医学；药物研发

010102 材料微观结构表征服务单元 / Materials Microstructure Characterization Service Unit
value 1500-5000 weight 0.5 self 0 kind service_unit
makers thermo_cz: Talos F200X G2, Apreo 2; zeiss: GeminiSEM 560; bruker_de: D8 Advance
指标 场发射透射电镜、扫描电镜、聚焦离子束、X射线衍射仪、X射线光电子能谱仪等8–15台；统一预约与样品流转；ISO/IEC 17025管理体系
功能 材料形貌、结构、成分、表面化学态的综合表征服务。
领域 材料科学；化学；新能源；航空航天

011007 基因组测序服务单元 / Genome Sequencing Service Unit
value 1000-3500 weight 0.3 self 0 kind service_unit
makers illumina: NovaSeq X Plus; mgi: DNBSEQ-T7; pacbio: Revio
指标 二代与三代测序平台4–6台；年测序通量≥500 Tb；自动化建库工作站；生物信息分析集群
功能 基因组、转录组、表观组与单细胞测序全流程服务。
领域 基因组学；作物育种；医学遗传；微生物组

011101 环境监测分析服务单元 / Environmental Monitoring and Analysis Service Unit
value 600-2000 weight 0.4 self 0 kind service_unit
makers agilent: 8890-7000E, 7900; thermo: Dionex Integrion HPIC
指标 气质联用、液质联用、ICP-MS、离子色谱、TOC等10–20台；CMA资质；大气、水、土壤全要素检测能力≥600项
功能 大气、水体、土壤与固废污染物的采样与检测分析服务。
领域 环境监测；生态环境；公共卫生

090299 医学影像研究服务单元 / Medical Imaging Research Service Unit
value 2000-6000 weight 0.3 self 0 kind service_unit
makers siemens_h: MAGNETOM Prisma 3T; united_imaging: uPMR 790; mediso: nanoScan PET/CT
指标 3.0 T科研型磁共振、PET/MR、小动物PET/CT等4–6台；影像数据管理与分析平台；科研扫描机时≥2000 h/年
功能 人体及动物多模态医学影像研究服务，支撑临床研究与新药评价。
领域 医学影像；神经科学；转化医学
"""
