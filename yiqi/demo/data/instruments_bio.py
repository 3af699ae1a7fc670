"""Life-science, environmental and sample-preparation instruments (classes 0110–0112) and medical diagnostic
instruments (class 09). Format: see ``templates.py``."""

CATALOGUE = """
011005 多功能微孔板检测仪 / Multimode Microplate Reader
value 30-100 weight 2 self 0.9
makers molecular_devices: SpectraMax iD5, SpectraMax M5; tecan: Spark, Infinite M Plex
指标 检测模式：吸光度、荧光强度、化学发光、时间分辨荧光、荧光偏振；波长范围200–1000 nm；6–1536孔板；温控至45 ℃，带振板及气体控制
功能 ELISA、细胞活力、酶动力学、报告基因、核酸蛋白定量等高通量检测。
领域 生物医学；药物筛选；分子生物学

011007 高通量基因测序仪 / High-Throughput Sequencer
value 300-1500 weight 0.6 self 0
makers illumina: NovaSeq 6000, NovaSeq X Plus, NextSeq 2000; mgi: DNBSEQ-T7, DNBSEQ-G400
指标 单次运行最大数据产出≥6 Tb；读长PE150；Q30≥85%；运行时间13–48 h；双流动槽独立运行；配套自动化文库制备系统
功能 全基因组测序、转录组测序、宏基因组、表观基因组及单细胞测序。
领域 基因组学；医学遗传；农业育种；微生物学
服务 提供全基因组重测序、RNA-seq、16S/宏基因组测序及生物信息分析服务。

011007 三代长读长测序仪 / Long-Read Sequencer
value 400-900 weight 0.15 self 0
makers pacbio: Revio, Sequel IIe; ont: PromethION 24, GridION Mk1
指标 平均读长≥15 kb（HiFi）或超长读长≥100 kb；单次数据产出≥90 Gb HiFi；单碱基准确率≥Q30；可直接检测碱基修饰
功能 基因组从头组装、全长转录本、结构变异检测与表观修饰分析。
领域 基因组学；植物育种；医学遗传；微生物学

011007 基因分析仪（毛细管电泳测序仪） / Genetic Analyzer
value 80-250 weight 0.6 self 0.2
makers applied_bio: 3500xL, SeqStudio Flex; thermo_sg: 3730xl
指标 毛细管数8–96道；读长≥850 bp，准确率≥98.5%；片段分析分辨率1 bp；六色荧光检测
功能 Sanger测序、微卫星片段分析、STR分型与MLPA分析。
领域 分子生物学；法医学；医学遗传；农业科学

011011 实时荧光定量PCR仪 / Real-Time PCR System
value 20-70 weight 4 self 0.9
makers applied_bio: QuantStudio 5, QuantStudio 7 Pro, StepOnePlus; biorad: CFX96 Touch, CFX Opus 384; roche: LightCycler 480 II; tianlong: Gentier 96E, Gentier 96R
指标 96或384孔；荧光通道5–6个；温度范围4–100 ℃，控温精度±0.1 ℃；升降温速率≥4 ℃/s；检测灵敏度1拷贝；动态范围10个数量级
功能 基因表达定量、病原体检测、SNP分型与拷贝数变异分析。
领域 分子生物学；医学检验；动物疫病；农业科学

011011 数字PCR系统 / Digital PCR System
value 60-160 weight 0.6 self 0.5
makers biorad: QX600 Droplet Digital PCR, QX200 AutoDG; stilla: naica System; qiagen: QIAcuity Four
指标 每反应分区数≥20,000；检测通道2–6色；绝对定量无需标准曲线；稀有突变检出下限0.001%；通量96–384样本/天
功能 核酸绝对定量、稀有突变检测、拷贝数变异分析和病原微生物载量检测。
领域 肿瘤医学；病原检测；转基因检测；环境微生物

011012 流式细胞仪 / Flow Cytometer
value 100-400 weight 2 self 0.4
makers bd: FACSCanto II, FACSCelesta, LSRFortessa; beckman_cn: CytoFLEX S, CytoFLEX LX; cytek: Northern Lights, Aurora; sony: ID7000
指标 激光器3–5根（355/405/488/561/640 nm）；荧光通道≥13色；分析速度≥35,000 events/s；荧光灵敏度FITC≤80 MESF；前向散射分辨0.5 μm微粒
功能 细胞表型、细胞周期、凋亡、细胞因子及多色免疫分析。
领域 免疫学；肿瘤学；干细胞；血液学

011012 流式细胞分选仪 / Flow Cytometry Cell Sorter
value 250-600 weight 0.5 self 0.05
makers bd: FACSAria Fusion, FACSAria III, FACSMelody; beckman: MoFlo Astrios EQ; sony: MA900
指标 激光器4–5根，荧光参数≥18；分选速度≥70,000 events/s；四路或六路分选，纯度≥98%；单细胞分选至96/384孔板；生物安全柜封闭
功能 多参数分析基础上的稀有细胞、干细胞和免疫细胞高纯度无菌分选。
领域 免疫学；干细胞；肿瘤学；微生物学

011013 高内涵细胞成像分析系统 / High-Content Imaging System
value 180-500 weight 0.5 self 0.3
makers perkinelmer: Operetta CLS, Opera Phenix Plus; molecular_devices: ImageXpress Micro Confocal; thermo: CellInsight CX7 LZR
指标 转盘共聚焦与宽场双模式；物镜5×–63×水镜；激光/LED光源4–7色；活细胞环境控制（温度、CO₂、湿度）；每板成像≤5 min（96孔）
功能 细胞表型高通量筛选、药物毒性评价、细胞器定量与活细胞动态成像。
领域 药物筛选；细胞生物学；毒理学

011008 单细胞转录组样本制备系统 / Single-Cell Partitioning System
value 80-200 weight 0.3 self 0.2
makers tenx: Chromium X, Chromium Controller; mgi: DNBelab C4
指标 每通道捕获细胞500–20,000个；捕获效率≥65%；双细胞率≤0.8%/1000细胞；8通道并行，单次运行≤20 min
功能 单细胞转录组、单细胞免疫组库与单细胞ATAC文库制备。
领域 免疫学；肿瘤学；发育生物学；神经科学

011015 生物分子相互作用分析仪 / Biomolecular Interaction Analyzer (SPR/BLI)
value 120-400 weight 0.6 self 0.3
makers cytiva: Biacore 8K, Biacore T200, Biacore 1S+; sartorius_us: Octet RED96e, Octet R8
指标 基于表面等离子共振或生物膜层干涉；分子量检测下限≤100 Da；结合常数ka 10³–10⁷ M⁻¹s⁻¹，KD 10⁻³–10⁻¹² M；温度4–40 ℃
功能 蛋白质、抗体、核酸、小分子间相互作用的动力学与亲和力测定，抗体筛选与表位分析。
领域 药物研发；生物化学；免疫学

011016 蛋白纯化系统 / Protein Purification System
value 40-120 weight 1.2 self 0.8
makers cytiva: ÄKTA pure 25, ÄKTA avant 150, ÄKTA go; biorad: NGC Quest 10
指标 流速0.001–25 mL/min；耐压≤20 MPa；紫外多波长检测（190–700 nm）；电导与pH在线监测；自动馏分收集；层析方法向导
功能 亲和层析、离子交换、凝胶过滤等蛋白质及多肽的分离纯化。
领域 生物化学；结构生物学；生物制药

011018 多重免疫分析系统 / Multiplex Immunoassay System
value 60-150 weight 0.4 self 0.4
makers luminex: Luminex 200, FLEXMAP 3D, MAGPIX; biorad: Bio-Plex 200
指标 单孔同时检测最多500个指标；样本量≤25 μL；动态范围≥4个数量级；96孔板读取时间≤60 min
功能 细胞因子、趋化因子、生物标志物的高通量多重定量检测。
领域 免疫学；临床研究；药物研发

011023 超速离心机 / Ultracentrifuge
value 50-150 weight 1.5 self 0.8
makers beckman: Optima XPN-100, Optima XE-90, Optima MAX-XP; hitachi_koki: CP100NX, CS150NX; thermo: Sorvall WX+ 100
指标 最高转速100,000 r/min；最大相对离心力802,000×g；真空冷冻，温度0–40 ℃；转子自动识别；ω²t积分
功能 病毒、细胞器、外泌体、核酸及蛋白质的差速与密度梯度离心分离。
领域 分子生物学；病毒学；生物化学

011023 高速冷冻离心机 / High-Speed Refrigerated Centrifuge
value 10-40 weight 2 self 0.9
makers beckman: Avanti JXN-26, Avanti J-E; eppendorf: 5910 Ri, 5430 R; thermo_de: Sorvall Lynx 6000; xiangyi: H2050R, H1850R
指标 最高转速26,000 r/min；最大相对离心力81,000×g；温度-20–40 ℃；最大容量6×1000 mL；多种角转子与水平转子
功能 细胞、细菌、组织匀浆与生物大分子的分离和收集。
领域 生物学；医学；食品科学；环境科学

011101 大气颗粒物监测仪 / Ambient Particulate Matter Monitor
value 15-60 weight 1 self 0.3
makers thermo: 5030i SHARP, 1405-DF TEOM; tianhong: TH-2000PM; laoying: LB-PM2.5
指标 测量范围0–10,000 μg/m³；分辨率0.1 μg/m³；β射线或振荡天平原理；PM2.5/PM10切割器；测量周期1 h
功能 环境空气中PM2.5、PM10质量浓度自动连续监测。
领域 环境监测；大气科学；公共卫生

011101 单颗粒气溶胶质谱仪 / Single Particle Aerosol Mass Spectrometer
value 300-600 weight 0.1 self 0
makers hexin: SPAMS 0525, SPAMS 0515
指标 粒径检测范围0.1–2.0 μm；双极飞行时间质谱，质量范围1–500 amu；分辨率≥500；时间分辨率1 s
功能 大气气溶胶单颗粒粒径与化学组成实时在线分析，污染来源解析。
领域 大气环境；环境化学；污染源解析

011104 总有机碳分析仪 / Total Organic Carbon Analyzer
value 15-50 weight 1.2 self 0.7
makers shimadzu: TOC-L CPH, TOC-L CSH; suez: M9, M5310 C; elementar: vario TOC cube; analytik_jena: multi N/C 3100
指标 测量范围4 μg/L–30,000 mg/L；高温催化燃烧或紫外过硫酸盐氧化；检出限≤4 μg/L；重复性RSD≤1.5%；可配总氮测定及固体模块
功能 水样中总碳、无机碳、总有机碳及总氮测定。
领域 环境监测；水处理；制药纯水

011111 便携式光合作用测定系统 / Portable Photosynthesis System
value 30-90 weight 1 self 0.8
makers licor: LI-6800, LI-6400XT; psi: FluorPen FP 110
指标 CO₂测量范围0–3100 μmol/mol，精度±0.4 μmol/mol；H₂O测量范围0–75 mmol/mol；叶室温度、光强、CO₂及湿度可控；可同步测叶绿素荧光
功能 植物叶片光合速率、蒸腾速率、气孔导度及光响应、CO₂响应曲线测定。
领域 植物生理学；作物学；生态学；林学

011112 根系分析系统 / Root Analysis System
value 10-40 weight 0.4 self 0.8
makers regent: WinRHIZO Pro 2022, WinRHIZO Tron; licor: LI-3100C
指标 扫描分辨率≥1200 dpi；根长、直径、表面积、体积与根尖数分析；根系分级统计；微根管原位扫描
功能 植物根系形态参数与根系构型的定量分析。
领域 作物学；生态学；土壤科学；林学

011201 微波消解仪 / Microwave Digestion System
value 15-50 weight 2.5 self 0.9
makers milestone: ETHOS UP, ultraWAVE; cem: MARS 6; sineo: MDS-15, MASTER-40; anton_paar: Multiwave 7000
指标 最大功率1800 W，非脉冲连续可调；温度≤300 ℃，压力≤200 bar；单次处理40罐；红外及光纤测温，压力实时监控
功能 土壤、食品、生物、地质样品的高温高压酸消解，为元素分析提供前处理。
领域 环境监测；食品检验；地球化学；冶金

011205 超临界流体萃取仪 / Supercritical Fluid Extraction System
value 30-120 weight 0.4 self 0.5
makers waters: MV-10 ASFE, SFE-500; huaan: SFE-2/2L
指标 萃取压力≤60 MPa，温度≤120 ℃；CO₂流量0–50 g/min；萃取釜容积0.5–5 L；夹带剂泵；分离釜两级
功能 天然产物有效成分、香料、油脂的超临界CO₂萃取工艺研究。
领域 中药学；食品科学；化工

011206 真空冷冻干燥机 / Freeze Dryer
value 10-60 weight 1.8 self 0.9
makers christ: Epsilon 2-6D, Alpha 1-4 LSCbasic; labconco: FreeZone 6L; scientz: SCIENTZ-10N, SCIENTZ-50F
指标 冷阱温度≤-85 ℃；冷凝量6–10 kg/24 h；极限真空≤1 Pa；搁板加热-50–60 ℃；压塞功能
功能 生物制品、药品、食品及纳米材料的真空冷冻干燥。
领域 生物制药；食品科学；材料科学

011209 超薄切片机 / Ultramicrotome
value 40-150 weight 0.5 self 0.4
makers leica: EM UC7, EM UC Enuity
指标 切片厚度1–15,000 nm；切片速度0.05–100 mm/s；冷冻附件-185 ℃；立体显微镜及LED照明；自动修块
功能 透射电镜生物及材料样品超薄切片与冷冻超薄切片制备。
领域 生物医学；材料科学；高分子

011214 吹扫捕集-热脱附进样器 / Purge-and-Trap and Thermal Desorption Sampler
value 15-50 weight 0.7 self 0.7
makers tekmar: Atomx XYZ, Lumin; markes: TD100-xr, UNITY-xr; frontier: EGA/PY-3030D
指标 吹扫温度室温–100 ℃；捕集阱温度-30–300 ℃；热脱附100位自动进样；冷阱二级聚焦；可联用GC/GC-MS
功能 水体、土壤、大气中挥发性有机物的富集与进样，材料热裂解分析。
领域 环境监测；大气化学；高分子材料

090101 全自动血液分析仪 / Automated Hematology Analyzer
value 30-150 weight 1 self 0.1
makers sysmex: XN-1000, XN-9000; mindray: BC-6800Plus, BC-7500; beckman: DxH 800
指标 检测速度≥100样本/h；白细胞五分类及有核红细胞计数；荧光流式与激光散射原理；样本量≤88 μL；自动复检
功能 全血细胞计数、白细胞分类、网织红细胞及体液细胞分析。
领域 临床检验；血液学；动物医学

090199 全自动生化免疫分析流水线 / Automated Chemistry and Immunoassay System
value 150-600 weight 0.6 self 0
makers roche: cobas 8000, cobas pro; abbott: Alinity ci; mindray: BS-2800M, CL-6000i; beckman: AU5800
指标 生化测试速度≥2000测试/h；免疫测试速度≥200测试/h；样本位≥300；试剂位≥60冷藏；自动稀释与复检
功能 临床生化指标与免疫学指标（肿瘤标志物、激素、传染病）的自动化检测。
领域 临床检验；临床研究；流行病学

090202 磁共振成像系统 / Magnetic Resonance Imaging System
value 800-2500 weight 0.5 self 0
makers siemens_h: MAGNETOM Prisma 3T, MAGNETOM Vida 3T; ge_h: SIGNA Premier 3.0T, SIGNA Architect; philips: Ingenia Elition 3.0T; united_imaging: uMR 790, uMR 890
指标 超导磁体3.0 T，孔径60–70 cm；梯度场强≥80 mT/m，切换率≥200 T/m/s；射频通道≥64；支持功能成像、弥散张量与波谱成像
功能 人体全身结构与功能成像、脑功能与神经影像研究。
领域 医学影像；神经科学；临床研究

090201 多排螺旋CT / Multi-Slice CT Scanner
value 500-2000 weight 0.6 self 0
makers siemens_h: SOMATOM Force, SOMATOM Drive; ge_h: Revolution CT, Revolution Apex; philips: IQon Spectral CT; united_imaging: uCT 960+
指标 探测器宽度≥8 cm，物理排数≥128；机架旋转速度≤0.28 s/圈；空间分辨率≥24 lp/cm；能谱成像；低剂量迭代重建
功能 全身快速断层成像、心脏冠脉成像、能谱定量与灌注成像。
领域 医学影像；临床诊断；转化医学

090204 小动物PET/CT成像系统 / Small Animal PET/CT
value 500-1200 weight 0.2 self 0
makers mediso: nanoScan PET/CT; bruker_de: Albira Si; united_imaging: uBioEXPLORER
指标 PET空间分辨率≤0.8 mm；灵敏度≥9%；CT分辨率≤30 μm；轴向视野≥10 cm；麻醉与生理监测系统
功能 小动物活体分子影像、药物代谢分布与疾病模型的无创纵向研究。
领域 分子影像；药物研发；肿瘤学；神经科学

090207 小动物超高频超声成像系统 / High-Frequency Small Animal Ultrasound
value 200-500 weight 0.3 self 0.3
makers visualsonics: Vevo 3100, Vevo F2; fujifilm: Vevo LAZR-X
指标 探头频率15–70 MHz；轴向分辨率≤30 μm；B、M、彩色及脉冲多普勒模式；三维成像；可联用光声成像
功能 小动物心血管、肿瘤、胚胎发育的活体高分辨超声成像与功能评价。
领域 心血管研究；肿瘤学；发育生物学

090302 脑电记录分析系统 / EEG Recording System
value 30-150 weight 0.5 self 0.6
makers brainproducts: actiCHamp Plus, BrainAmp MR plus; nihon_kohden: EEG-1200C; natus: Quantum
指标 通道数32–256；采样率≤100 kHz；输入噪声≤1 μVpp；主动电极；可与fMRI、TMS同步；事件相关电位分析软件
功能 人脑电生理信号记录与分析，事件相关电位、睡眠与癫痫研究。
领域 认知神经科学；心理学；临床神经病学

090307 肺功能检测仪 / Pulmonary Function Testing System
value 30-120 weight 0.4 self 0.3
makers vyaire: MasterScreen PFT, MasterScreen Body
指标 流量范围±20 L/s，精度±2%；体描法测残气量；一氧化碳弥散测定；心肺运动试验附件
功能 肺通气功能、弥散功能、肺容积及气道阻力测定。
领域 呼吸医学；运动医学；职业病防治

090311 电子内窥镜系统 / Video Endoscopy System
value 100-400 weight 0.4 self 0
makers olympus: EVIS X1 CV-1500, EVIS LUCERA ELITE; fujifilm: ELUXEO 7000
指标 4K或高清成像；窄带成像与蓝激光成像；放大内镜光学放大≥80倍；多种镜体兼容
功能 消化道早癌筛查、内镜下诊疗及临床科研影像采集。
领域 消化内科；临床研究；肿瘤学
"""
