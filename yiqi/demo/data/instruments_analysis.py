"""Analytical instruments (class 01): electron optics, mass spectrometry, X-ray, spectroscopy, chromatography,
magnetic resonance, electrochemistry, microscopy and thermal analysis. Format: see ``templates.py``."""

CATALOGUE = """
010101 场发射透射电子显微镜 / Field Emission Transmission Electron Microscope
value 600-1500 weight 1.2 self 0.1
makers jeol: JEM-F200, JEM-2100F, JEM-ARM300F2; thermo_cz: Talos F200X G2, Talos F200S, Spectra 300; hitachi: HF5000, HT7800
指标 加速电压80–200 kV；点分辨率≤0.23 nm，线分辨率≤0.1 nm；STEM-HAADF分辨率≤0.16 nm；配备超级能谱探测器（立体角≥0.9 sr）；样品台倾转±35°；CMOS相机4k×4k
功能 纳米材料、金属、陶瓷及生物样品的高分辨形貌观察、选区电子衍射、会聚束衍射、STEM成像及能谱元素面分布分析，可进行晶体结构与界面缺陷表征。
领域 材料科学；凝聚态物理；化学；生命科学；地球科学
服务 高分辨透射电镜成像、电子衍射、STEM-EDS元素面分布分析，提供制样咨询与数据解析。

010101 球差校正透射电子显微镜 / Aberration-Corrected Transmission Electron Microscope
value 1500-3500 weight 0.15 self 0
makers thermo_cz: Spectra 300, Themis Z; jeol: JEM-ARM300F2, JEM-ARM200F NEOARM
指标 加速电压60–300 kV；STEM分辨率≤60 pm（300 kV）；配备探针球差校正器及单色器；能量分辨率≤0.3 eV；双球差探测器能谱系统；4D-STEM相机
功能 原子尺度结构成像、原子列元素分析、电子能量损失谱（EELS）精细结构分析，用于催化剂、二维材料、界面与缺陷的原子级表征。
领域 材料科学；催化化学；凝聚态物理；半导体

010101 生物透射电子显微镜 / Biological Transmission Electron Microscope
value 200-600 weight 0.6 self 0.2
makers hitachi: HT7800, HT7700; jeol: JEM-1400Flash, JEM-1400Plus; thermo_cz: Talos L120C G2
指标 加速电压20–120 kV；点分辨率≤0.2 nm（高分辨模式）；放大倍数×50–×800,000；高衬度物镜；底插式CMOS相机2k×2k；可选冷冻样品杆
功能 生物组织超薄切片、病毒、细胞器及负染样品的超微结构观察，亦可用于高分子与纳米颗粒形貌观察。
领域 基础医学；病理学；微生物学；植物学；药学

010101 冷冻透射电子显微镜 / Cryo-Transmission Electron Microscope
value 2000-5500 weight 0.1 self 0
makers thermo_nl: Titan Krios G4, Glacios 2; jeol: CRYO ARM 300 II
指标 加速电压300 kV；冷场发射电子枪；自动上样系统（12样品）；直接电子探测相机，帧率≥1500 fps；能量过滤器狭缝宽度≤10 eV；单颗粒分析分辨率优于2 Å
功能 生物大分子单颗粒冷冻电镜结构解析、冷冻电子断层成像及微晶电子衍射，用于蛋白质复合物、病毒及膜蛋白的高分辨三维结构测定。
领域 结构生物学；生物化学；药物研发；病毒学

010102 场发射扫描电子显微镜 / Field Emission Scanning Electron Microscope
value 180-650 weight 4 self 0.2
makers jeol: JSM-7900F, JSM-IT800, JSM-7610F Plus; hitachi: SU8600, Regulus 8230, SU5000; zeiss: GeminiSEM 560, Sigma 360, Sigma 500; thermo_cz: Apreo 2, Quattro S; tescan: MIRA4, CLARA
指标 二次电子分辨率0.6 nm@15 kV、1.0 nm@1 kV；加速电压0.01–30 kV；放大倍数12–2,000,000倍；束流1 pA–200 nA；配备能谱仪（EDS），能量分辨率≤127 eV（Mn Kα）
功能 观察金属、陶瓷、高分子、矿物、生物等固体样品表面及断口的微观形貌，结合能谱进行微区元素定性、半定量分析与元素面分布分析。
领域 材料科学；化学；地球科学；生命科学；电子信息
服务 表面形貌观察、断口分析、能谱点扫/线扫/面扫分析，可喷金喷碳制样。

010102 钨灯丝扫描电子显微镜 / Tungsten Filament Scanning Electron Microscope
value 60-180 weight 2.5 self 0.5
makers jeol: JSM-IT200, JSM-IT510; hitachi: SU3800, FlexSEM 1000 II; zeiss: EVO 15, EVO 10; thermo_cz: Phenom XL G2, Axia ChemiSEM; tescan: VEGA4; kyky: EM6900, KYKY-EM8100; ciqtek: SEM3200, SEM3300
指标 二次电子分辨率3.0 nm@30 kV；加速电压0.3–30 kV；放大倍数5–300,000倍；低真空模式压力10–650 Pa；五轴优中心样品台，最大样品尺寸200 mm
功能 各类固体样品表面微观形貌观察与尺寸测量，低真空模式下可直接观察不导电、含水样品，配合能谱进行成分分析。
领域 材料科学；机械工程；地质学；农业科学；考古与文物保护

010102 聚焦离子束扫描电子双束显微镜 / Focused Ion Beam Scanning Electron Microscope
value 700-1800 weight 0.5 self 0.05
makers thermo_cz: Helios 5 UX, Scios 2 DualBeam; zeiss: Crossbeam 550, Crossbeam 350; tescan: AMBER X, SOLARIS X; jeol: JIB-PS500i
指标 电子束分辨率0.7 nm@1 kV；Ga离子束分辨率2.5 nm@30 kV，束流1 pA–65 nA；气体注入系统（Pt、C、W）；纳米机械手；自动TEM薄片制备软件；三维重构切片分辨率≤5 nm
功能 微纳结构加工与刻蚀、透射电镜样品定点制备、截面分析、三维重构及集成电路失效分析。
领域 材料科学；微电子；半导体；地球科学；新能源

010103 电子探针显微分析仪 / Electron Probe Microanalyzer
value 500-1000 weight 0.3 self 0.05
makers jeol: JXA-iHP200F, JXA-8230; shimadzu: EPMA-1720H; cameca: SXFive, SXFive FE
指标 加速电压0.2–30 kV；5道波谱仪，检测元素范围Be–U；二次电子分辨率3 nm；束流稳定性优于±0.3%/h；检出限约100 ppm；配备能谱仪
功能 矿物、金属、陶瓷等块状样品的微区成分定量分析、元素线扫描与面分布分析，用于矿物地球化学、冶金与材料相组成研究。
领域 地球科学；矿物学；冶金；材料科学

010104 X射线光电子能谱仪 / X-ray Photoelectron Spectrometer
value 350-900 weight 0.8 self 0.05
makers thermo_gb: ESCALAB Xi+, K-Alpha, Nexsa G2; kratos: AXIS Supra+, AXIS Nova; ulvac_phi: PHI Genesis, PHI VersaProbe 4
指标 单色化Al Kα X射线源，最小束斑10 μm；能量分辨率Ag 3d5/2半峰宽≤0.45 eV；灵敏度≥100 kcps；Ar离子枪及团簇离子枪深度剖析；UPS、ISS、REELS附件；荷电中和
功能 固体表面元素组成（H、He除外）及化学态分析、深度剖析、成像分析与价带结构测定，用于催化、电池、薄膜及腐蚀研究。
领域 材料科学；催化化学；新能源；半导体；腐蚀与防护

010104 俄歇电子能谱仪 / Auger Electron Spectrometer
value 500-900 weight 0.1 self 0
makers ulvac_phi: PHI 710; jeol: JAMP-9510F
指标 场发射电子枪，俄歇分析束斑≤8 nm；SEM分辨率≤3 nm；能量分辨率0.1%–0.6%可调；浮动式Ar离子枪深度剖析；样品加热与冷却台
功能 纳米尺度表面元素分析、俄歇元素成像、线扫描及深度剖析，用于薄膜界面、半导体器件与晶界偏析研究。
领域 半导体；材料科学；表面科学

010201 液相色谱-质谱联用仪 / Liquid Chromatograph-Mass Spectrometer
value 180-600 weight 4 self 0.15
makers waters: Xevo TQ-XS, Xevo TQ-S micro; sciex: Triple Quad 6500+, QTRAP 6500+, Triple Quad 5500+; agilent: 6495C, 6470B; shimadzu: LCMS-8060NX, LCMS-8050; thermo: TSQ Altis Plus, TSQ Quantis Plus
指标 三重四极杆质量分析器，质量范围m/z 5–2000；MRM扫描速度≥600 MRM/s；灵敏度：利血平1 pg柱上S/N≥200,000:1；正负离子切换时间≤5 ms；配超高效液相色谱，耐压≥130 MPa
功能 复杂基质中痕量有机化合物的定性定量分析，如药物及代谢物、农兽药残留、环境污染物、生物标志物的高灵敏检测。
领域 药学；食品安全；环境科学；临床医学；农业科学
服务 农兽药残留、药物浓度、代谢物、真菌毒素等靶向定量检测。

010201 高分辨液相色谱-质谱联用仪 / High-Resolution LC-MS (Orbitrap/Q-TOF)
value 350-900 weight 2 self 0.05
makers thermo_de: Orbitrap Exploris 480, Q Exactive Plus, Orbitrap Fusion Lumos; bruker_de: timsTOF Pro 2, impact II; sciex: ZenoTOF 7600, TripleTOF 6600+; waters_gb: Xevo G3 QTof, SELECT SERIES Cyclic IMS; agilent: 6546
指标 分辨率≥240,000（FWHM，m/z 200）；质量精度≤1 ppm（内标）；质量范围m/z 40–6000；扫描速度≥40 Hz；配纳升及常规流速液相色谱；支持DDA、DIA及PRM采集
功能 蛋白质组学、代谢组学、天然产物及未知物的精确质量测定、结构鉴定与定量分析。
领域 生命科学；药学；中药现代化；食品科学；环境科学

010201 气相色谱-质谱联用仪 / Gas Chromatograph-Mass Spectrometer
value 45-200 weight 4 self 0.4
makers agilent: 8890-5977C, 7890B-5977B, 8890-7000E; shimadzu: GCMS-QP2020 NX, GCMS-TQ8050 NX; thermo_it: ISQ 7610, TSQ 9610; perkinelmer: Clarus 690 SQ 8T; fpi: GCMS-2000; leco: Pegasus BT 4D
指标 EI离子源，质量范围m/z 1.5–1050；分辨率单位质量；灵敏度：1 pg八氟萘S/N≥1500:1（全扫描）；柱温箱室温+4–450 ℃，升温速率≤120 ℃/min；配自动进样器及NIST谱库
功能 挥发性、半挥发性有机物的分离定性与定量分析，用于环境VOCs、香精香料、石油化工、农药残留及法医毒物检测。
领域 环境科学；化学化工；食品安全；石油地质；法医学

010201 基质辅助激光解吸电离飞行时间质谱仪 / MALDI-TOF Mass Spectrometer
value 200-600 weight 0.6 self 0.2
makers bruker_de: rapifleX, autoflex maX, ultrafleXtreme; shimadzu: MALDI-8020, AXIMA Performance
指标 激光频率≥1 kHz（355 nm）；线性模式质量范围m/z 1–500,000；反射模式分辨率≥40,000；质量精度≤5 ppm（内标）；MALDI成像空间分辨率10 μm
功能 多肽、蛋白质、多糖、合成高分子分子量测定，微生物鉴定，组织切片MALDI质谱成像。
领域 生物化学；微生物学；高分子化学；临床检验

010202 电感耦合等离子体质谱仪 / Inductively Coupled Plasma Mass Spectrometer
value 120-400 weight 2.5 self 0.2
makers agilent_jp: 7900, 8900; thermo_de: iCAP RQ, iCAP TQ; perkinelmer: NexION 2000, NexION 5000; shimadzu: ICPMS-2030; fpi: EXPEC 7000; analytik_jena: PlasmaQuant MS
指标 质量范围2–260 amu；灵敏度Li≥50 Mcps/ppm、Y≥160 Mcps/ppm；检出限≤0.5 ppt（Be、In、Bi）；短期稳定性RSD≤3%；氧化物产率CeO/Ce≤2%；碰撞反应池消除多原子干扰
功能 水、土壤、生物、食品、地质样品中痕量及超痕量元素含量测定、同位素比值测定，联用色谱可进行元素形态分析。
领域 环境科学；地球化学；食品安全；医学；材料科学

010202 激光剥蚀-多接收电感耦合等离子体质谱仪 / LA-MC-ICP-MS
value 600-1300 weight 0.2 self 0
makers thermo_de: Neptune XT; nu: Nu Plasma 3, Sapphire; agilent_jp: 8900 + NWR193
指标 9个法拉第杯＋多个离子计数器；质量分辨率≥8000；同位素比值内精度优于0.002%（2SE）；193 nm ArF准分子激光剥蚀，束斑2–150 μm
功能 Sr、Nd、Hf、Pb、Li、Mg等同位素比值高精度测定，锆石U-Pb定年与原位微区同位素分析。
领域 地球化学；地质年代学；考古学；环境地球科学

010203 稳定同位素比质谱仪 / Isotope Ratio Mass Spectrometer
value 180-500 weight 0.6 self 0.1
makers thermo_de: Delta V Plus, 253 Plus; elementar_gb: isoprime precisION, visION
指标 加速电压≥3 kV；绝对灵敏度1200 mol/ion（CO₂）；δ13C内精度≤0.006‰，δ18O≤0.008‰；配元素分析仪、GasBench、热转化元素分析仪等前处理接口
功能 C、H、O、N、S稳定同位素比值测定，用于古气候、生态、食品产地溯源及水文地质研究。
领域 地球科学；生态学；农业科学；食品溯源

010301 X射线衍射仪 / X-ray Diffractometer
value 60-220 weight 4 self 0.4
makers bruker_de: D8 Advance, D8 Discover, D2 Phaser; panalytical: Empyrean, Aeris; rigaku: SmartLab, MiniFlex 600, Ultima IV; shimadzu: XRD-7000, XRD-6100; haoyuan: DX-2700BH
指标 Cu靶陶瓷X光管，最大功率3 kW；测角仪半径≥240 mm，角度重现性±0.0001°；2θ扫描范围-110°–168°；一维阵列探测器；可选高温、原位电化学、薄膜掠入射附件
功能 多晶粉末及块体材料的物相定性定量分析、晶胞参数精修、结晶度、晶粒尺寸与残余应力测定。
领域 材料科学；化学；地质与矿物；冶金；制药
服务 物相鉴定、Rietveld精修、薄膜掠入射、残余应力测试。

010301 单晶X射线衍射仪 / Single Crystal X-ray Diffractometer
value 250-600 weight 0.8 self 0.05
makers bruker_de: D8 Venture, D8 Quest; rigaku_pl: XtaLAB Synergy-S, XtaLAB Synergy-R
指标 Mo/Cu双微焦斑光源；光子计数型面探测器，读出噪声≈0；四圆测角仪精度±0.005°；低温装置100–400 K；最小样品0.02 mm
功能 化合物单晶结构解析、绝对构型测定、电子密度分析，适用于小分子、金属有机框架及蛋白质晶体。
领域 化学；药学；材料科学；结构生物学

010302 波长色散X射线荧光光谱仪 / Wavelength Dispersive X-ray Fluorescence Spectrometer
value 120-350 weight 1.5 self 0.2
makers panalytical: Zetium, Axios mAX; rigaku: ZSX Primus IV, Supermini200; bruker_de: S8 Tiger; thermo_ch: ARL PERFORM'X; shimadzu: XRF-1800
指标 端窗铑靶X光管，功率4 kW；元素分析范围O（Be）–U；含量范围ppm至100%；20位自动进样器；真空/氦气光路；小区域分析最小500 μm
功能 地质、冶金、水泥、陶瓷、环境样品的主次量元素定量分析及无标样半定量分析。
领域 地质学；冶金；建材；环境科学；考古

010401 紫外可见近红外分光光度计 / UV-Vis-NIR Spectrophotometer
value 25-90 weight 3 self 0.7
makers shimadzu: UV-3600i Plus, UV-2700i; agilent_au: Cary 5000, Cary 7000; perkinelmer: Lambda 1050+, Lambda 950; hitachi: UH4150; pgeneral: TU-1950
指标 波长范围175–3300 nm；光谱带宽0.1–5 nm；波长准确度±0.08 nm（UV-Vis）；杂散光≤0.00005%（340 nm）；配150 mm积分球及固体样品支架
功能 液体、固体粉末、薄膜的透射、吸收与漫反射光谱测定，禁带宽度计算及光学材料性能表征。
领域 化学；材料科学；光电信息；环境科学

010402 稳态瞬态荧光光谱仪 / Steady-State and Time-Resolved Fluorescence Spectrometer
value 80-250 weight 1.2 self 0.4
makers edinburgh: FLS1000, FS5; horiba_fr: FluoroMax-Plus, Fluorolog-QM; hitachi: F-7100, F-4700
指标 激发波长200–900 nm，发射波长200–1700 nm；灵敏度水拉曼峰S/N≥35,000:1；时间相关单光子计数，寿命范围5 ps–10 s；配积分球绝对量子产率测量
功能 荧光、磷光光谱与寿命测定，绝对量子产率测量，温度相关光谱及上转换发光研究。
领域 化学；材料科学；生物医学；光电信息

010403 原子吸收分光光度计 / Atomic Absorption Spectrophotometer
value 25-80 weight 2.5 self 0.6
makers agilent_au: 240FS AA, 280Z AA; perkinelmer: PinAAcle 900T; shimadzu: AA-7000; analytik_jena: contrAA 800; pgeneral: TAS-990; haiguang: GGX-910
指标 波长范围185–900 nm；火焰法Cu检出限≤0.005 μg/mL，石墨炉Cd检出限≤0.5 pg；塞曼及氘灯背景校正；8灯位自动切换；石墨炉自动进样器
功能 水质、土壤、食品、生物样品中金属元素含量测定，火焰法与石墨炉法兼备。
领域 环境监测；食品检验；农业科学；冶金

010404 原子荧光光谱仪 / Atomic Fluorescence Spectrometer
value 10-35 weight 1.5 self 0.7
makers haiguang: AFS-8530, AFS-9750; jitian: AFS-933, AFS-3100; pgeneral: PF7
指标 双道同时测定；检出限As、Se、Pb≤0.01 μg/L，Hg≤0.001 μg/L；精密度RSD≤1.0%；线性范围大于3个数量级；可与液相色谱联用进行形态分析
功能 测定As、Hg、Se、Sb、Bi、Pb、Sn、Ge、Cd、Zn等元素痕量含量，广泛用于食品、水质和土壤检测。
领域 环境监测；食品安全；地质调查；中药检测

010405 电感耦合等离子体发射光谱仪 / Inductively Coupled Plasma Optical Emission Spectrometer
value 45-150 weight 3 self 0.4
makers agilent_au: 5900 SVDV, 5110; thermo_gb: iCAP PRO XP, iCAP 7400; perkinelmer: Avio 550 Max; spectro: ARCOS, GENESIS; shimadzu: ICPE-9820; fpi: EXPEC 6500
指标 波长范围167–785 nm；光学分辨率≤0.007 nm（200 nm）；固态CID/CCD检测器；垂直炬管双向观测；检出限多数元素≤1 μg/L；长期稳定性RSD≤2%（4 h）
功能 同时测定溶液中70余种元素的含量，用于地质、冶金、环境、食品、化工样品的主量、微量元素分析。
领域 地球化学；冶金；环境科学；化工；新能源材料

010405 火花直读光谱仪 / Spark Optical Emission Spectrometer
value 40-150 weight 1.2 self 0.5
makers spectro: SPECTROMAXx, SPECTROLAB S; thermo_ch: ARL iSpark 8860; ncs: LabSpark 1000, Lab Spark 750; shimadzu: PDA-8000
指标 波长范围120–800 nm；氩气充气光室；CCD或光电倍增管检测；碳、磷、硫、氮等元素检出限≤5 ppm；分析时间≤30 s；内置铁基、铝基、铜基等工作曲线
功能 黑色及有色金属材料的化学成分快速定量分析，用于冶炼炉前、来料检验与产品质量控制。
领域 冶金；机械制造；航空航天；质量检验

010409 傅里叶变换红外光谱仪 / Fourier Transform Infrared Spectrometer
value 25-120 weight 3.5 self 0.7
makers thermo: Nicolet iS50, Nicolet iS20; bruker_de: INVENIO R, VERTEX 70v, TENSOR II; perkinelmer: Spectrum 3; shimadzu: IRTracer-100, IRSpirit; agilent: Cary 630
指标 光谱范围7800–350 cm⁻¹（可扩展至远红外）；分辨率≤0.09 cm⁻¹；信噪比≥55,000:1（1 min）；波数精度≤0.005 cm⁻¹；配ATR、漫反射、原位红外池及显微红外附件
功能 有机、无机、高分子化合物的官能团鉴定与结构分析，原位反应过程监测，微区红外成像。
领域 化学；材料科学；高分子；药学；地质学

010410 激光显微共聚焦拉曼光谱仪 / Confocal Raman Microscope
value 90-350 weight 2 self 0.4
makers horiba_fr: LabRAM HR Evolution, LabRAM Odyssey, XploRA Plus; renishaw: inVia Qontor, inVia Reflex; thermo: DXR3xi; witec: alpha300 R; bruker_de: SENTERRA II
指标 激发波长532/633/785 nm；光谱范围50–4000 cm⁻¹（低波数可至10 cm⁻¹）；光谱分辨率≤0.65 cm⁻¹；空间分辨率横向≤0.5 μm、纵向≤2 μm；自动平台快速Raman成像
功能 材料分子结构、晶型、应力与碳材料缺陷分析，微区成分鉴定与二维/三维拉曼成像。
领域 材料科学；化学；地质学；生物医学；文物保护

010411 圆二色光谱仪 / Circular Dichroism Spectrometer
value 90-200 weight 0.4 self 0.4
makers jasco: J-1500, J-1700; applied_photophysics: Chirascan V100; biologic: MOS-500
指标 波长范围163–950 nm；CD灵敏度0.00001 ΔOD；带宽0.01–15 nm；扫描速度≤10000 nm/min；Peltier控温-10–110 ℃；可选停流附件
功能 蛋白质二级结构、核酸构象、手性化合物绝对构型测定，热变性与动力学研究。
领域 生物化学；结构生物学；药物化学；有机化学

010501 气相色谱仪 / Gas Chromatograph
value 15-60 weight 4 self 0.7
makers agilent: 8890, 8860, 7890B; shimadzu: Nexis GC-2030, GC-2014; thermo_it: TRACE 1610; fuli: GC9790Plus; perkinelmer: Clarus 590
指标 柱温箱室温+4–450 ℃；程序升温≥20阶；电子压力控制精度0.001 psi；FID检出限≤1.2 pgC/s；可配ECD、TCD、FPD、NPD检测器及顶空、热脱附进样
功能 气体及可挥发性有机物的分离与定量分析，用于石油化工、环境、食品与药品检测。
领域 化学化工；环境监测；食品安全；药学；石油

010502 高效液相色谱仪 / High Performance Liquid Chromatograph
value 15-60 weight 5 self 0.7
makers agilent_de: 1260 Infinity II, 1290 Infinity II; waters: ACQUITY Arc, e2695, ACQUITY UPLC H-Class; shimadzu: LC-20AD, Nexera LC-40; thermo_de: Vanquish Core, Vanquish Flex; sepure: LC3000
指标 四元梯度泵，流速0.001–10 mL/min，耐压60–130 MPa；流速精度RSD≤0.07%；二极管阵列检测器190–950 nm，噪声≤±0.6×10⁻⁵ AU；柱温箱4–100 ℃；自动进样器精度RSD≤0.25%
功能 有机化合物、药物、天然产物、食品添加剂等的分离、定性和定量分析。
领域 药学；食品科学；化学；农业科学；环境科学

010503 离子色谱仪 / Ion Chromatograph
value 20-70 weight 2 self 0.6
makers thermo: Dionex Integrion HPIC, Dionex ICS-6000; metrohm: 930 Compact IC Flex, 940 Professional IC Vario; shenghan: CIC-D160; shimadzu: HIC-ESP
指标 淋洗液自动发生器（KOH/MSA）；抑制型电导检测，噪声≤0.2 nS；检出限F⁻、Cl⁻≤1 μg/L；流速0.001–10 mL/min；耐压≥5000 psi；可配安培及紫外检测器
功能 水、大气颗粒物、土壤、食品中阴阳离子、有机酸、糖类及胺类化合物的分离测定。
领域 环境监测；食品检验；电力化工；半导体

010505 凝胶渗透色谱仪 / Gel Permeation Chromatograph
value 40-150 weight 0.8 self 0.4
makers agilent_gb: PL-GPC 220, 1260 MDS; waters: ACQUITY APC, Breeze 2; malvern: OMNISEC; shimadzu: LC-20AD GPC
指标 测试温度室温–220 ℃；示差折光、多角度激光光散射、黏度计三检测；分子量范围10²–10⁷ g/mol；流速精度≤0.1%
功能 聚合物分子量及其分布、支化度、特性黏数测定，适用于聚烯烃、工程塑料、生物高分子。
领域 高分子科学；化工；材料科学；药物制剂

010507 毛细管电泳仪 / Capillary Electrophoresis System
value 30-100 weight 0.6 self 0.5
makers sciex: PA 800 Plus, CESI 8000 Plus; agilent_de: 7100 CE; biorad: CHEF Mapper XA
指标 电压0–30 kV，精度±1%；毛细管温控15–60 ℃；紫外、二极管阵列及激光诱导荧光检测器；压力进样与电动进样
功能 蛋白质、抗体纯度与电荷异构体分析，DNA片段分离，手性药物拆分。
领域 生物制药；生物化学；药学；分子生物学

010601 核磁共振波谱仪（400 MHz） / NMR Spectrometer, 400 MHz
value 250-500 weight 1.5 self 0.3
makers bruker_ch: AVANCE NEO 400, AVANCE III HD 400; jeol: JNM-ECZ400S, JNM-ECZ400R
指标 超屏蔽超导磁体9.4 T，液氦保持时间≥300天；宽带BBO探头，1H灵敏度≥400:1（0.1%乙苯）；变温范围-150–180 ℃；60位自动进样器；梯度场强度≥50 G/cm
功能 有机化合物、天然产物、高分子的一维及二维核磁结构鉴定，定量核磁与反应动力学研究。
领域 有机化学；药学；高分子；化学生物学

010601 核磁共振波谱仪（600 MHz） / NMR Spectrometer, 600 MHz
value 700-1500 weight 0.4 self 0.05
makers bruker_ch: AVANCE NEO 600, AVANCE III HD 600; jeol: JNM-ECZ600R
指标 磁场强度14.1 T；超低温冷冻探头，1H灵敏度≥6000:1；配固体核磁探头（魔角旋转≤60 kHz）及液体高分辨探头；多核观测范围15N–31P
功能 生物大分子结构与动力学研究、代谢组学分析、固体材料局域结构表征。
领域 结构生物学；代谢组学；催化化学；材料科学

010601 固体核磁共振波谱仪 / Solid-State NMR Spectrometer
value 500-1000 weight 0.2 self 0.05
makers bruker_ch: AVANCE NEO 500 WB, AVANCE III 400 WB; jeol: JNM-ECZ500R
指标 宽腔超导磁体9.4–11.7 T；1.3/3.2/4 mm魔角旋转探头，转速最高67 kHz；变温-100–200 ℃；多量子、交叉极化等脉冲序列
功能 分子筛、催化剂、电池材料、高分子与无机固体的局域结构与动力学研究。
领域 催化化学；新能源材料；高分子；地质材料

010601 低场核磁共振分析仪 / Low-Field NMR Analyzer
value 30-120 weight 0.8 self 0.6
makers niumag: MesoMR23-060H-I, MacroMR12-150H-I, PQ001; oxford: MQC+
指标 磁场强度0.5 T，磁体温度32±0.01 ℃；射频频率2–30 MHz；T1、T2弛豫测量，最短回波时间0.1 ms；可进行岩心孔隙结构与MRI成像
功能 岩心孔隙度与渗透率、食品水分状态、含油率及高分子交联密度的无损快速测定。
领域 石油地质；食品科学；农业科学；高分子

010602 电子顺磁共振波谱仪 / Electron Paramagnetic Resonance Spectrometer
value 150-400 weight 0.5 self 0.2
makers bruker_de: EMXplus, ELEXSYS E500, EMXnano; jeol: JES-X320; ciqtek: EPR200-Plus, EPR100
指标 X波段9–10 GHz；灵敏度≥3×10⁹ spins/G；磁场范围0–1.45 T，分辨率≤1 mG；变温4–500 K；可选Q波段与脉冲附件
功能 自由基、过渡金属离子、缺陷与氧空位的检测与定量，光催化及生物自由基研究。
领域 化学；催化；材料科学；生物医学；环境科学

010799 电化学工作站 / Electrochemical Workstation
value 8-60 weight 3 self 0.9
makers chi: CHI760E, CHI660E; metrohm_nl: Autolab PGSTAT302N, Autolab PGSTAT204; biologic: VSP-300, SP-200; gamry: Interface 1010E, Reference 3000; zahner: Zennium Pro
指标 电位范围±10 V，电流范围±2 A；电流分辨率≤0.3 fA；阻抗频率10 μHz–7 MHz；多通道可扩展；支持循环伏安、交流阻抗、计时电流等40余种技术
功能 电极材料、电池、燃料电池、腐蚀与传感器的电化学性能测试与机理研究。
领域 电化学；新能源；腐蚀防护；分析化学

010799 电池充放电测试系统 / Battery Cycler
value 10-80 weight 1.5 self 0.9
makers landian: CT3002A, CT2001A; neware: CT-4008T, BTS-4000; arbin: LBT21084, MSTAT4; biologic: BCS-815
指标 通道数8–512；电压范围0–5 V，精度±0.05% FS；电流范围1 μA–10 A多量程；记录频率≥10 Hz；恒流、恒压、恒功率及脉冲工步
功能 锂离子电池、钠离子电池、超级电容器的循环寿命、倍率性能与容量测试。
领域 新能源；材料科学；电化学

010801 研究级正置荧光显微镜 / Research Upright Fluorescence Microscope
value 15-60 weight 3 self 0.9
makers olympus: BX63, BX53; evident_us: BX63F2; nikon: Eclipse Ni-E, Eclipse Ci-L; leica: DM6 B, DM4 B; zeiss: Axio Imager 2
指标 电动物镜转换器及载物台；平场复消色差物镜4×–100×；LED荧光光源，6位滤色块；科学级sCMOS相机；扩展景深与多维图像采集软件
功能 组织切片、细胞的明场、相差、微分干涉及多色荧光成像与图像定量分析。
领域 生命科学；医学；植物学；材料科学

010801 金相显微镜 / Metallographic Microscope
value 8-40 weight 2 self 0.9
makers zeiss: Axio Imager M2m, Axiolab 5; olympus: GX53, DSX1000; leica: DM6 M, DMi8 M; keyence: VHX-7000
指标 物镜5×–100×明暗场；倒置或正置光路；偏光、微分干涉附件；景深合成与三维形貌测量；晶粒度、夹杂物评级软件
功能 金属材料显微组织观察、晶粒度测定、非金属夹杂物评级、涂层厚度测量。
领域 冶金；机械工程；失效分析；材料科学

010802 激光扫描共聚焦显微镜 / Confocal Laser Scanning Microscope
value 200-700 weight 2 self 0.5
makers zeiss: LSM 980, LSM 900; leica: STELLARIS 5, STELLARIS 8, TCS SP8; nikon: AX R, A1R HD25; olympus: FV3000; evident_us: FV4000
指标 激光器405/488/561/640 nm；光谱检测范围400–750 nm；GaAsP高灵敏检测器；扫描速度≥30 fps（512×512）；Airyscan或超分辨模块，横向分辨率≤120 nm；活细胞培养系统
功能 细胞及组织多色荧光三维成像、活细胞动态观察、FRAP、FRET及共定位分析。
领域 细胞生物学；神经科学；医学；植物科学；材料科学

010803 原子力显微镜 / Atomic Force Microscope
value 80-350 weight 1.5 self 0.4
makers bruker_us: Dimension Icon, Dimension FastScan, MultiMode 8-HR; oxford_us: Cypher ES, MFP-3D Infinity; park: NX10, NX20; hitachi: AFM100 Pro
指标 扫描范围90 μm×90 μm×10 μm；闭环噪声XY≤0.15 nm、Z≤35 pm；PeakForce轻敲模式；导电、压电、磁力、开尔文探针等模式；液相及变温附件
功能 纳米尺度表面形貌与粗糙度测量，纳米力学、电学与磁学性能表征。
领域 材料科学；物理学；生物物理；半导体

010901 同步热分析仪 / Simultaneous Thermal Analyzer
value 30-120 weight 2.5 self 0.7
makers netzsch: STA 449 F3, STA 449 F5; mettler: TGA/DSC 3+; ta: SDT 650, Discovery TGA 5500; linseis: STA PT 1600; perkinelmer: STA 8000
指标 温度范围室温–1600 ℃；升温速率0.001–50 K/min；天平分辨率0.1 μg；DSC灵敏度≤1 μW；气氛可控，可联用红外或质谱
功能 材料热稳定性、分解过程、相变温度与热焓、组分含量测定。
领域 材料科学；化工；高分子；冶金；药学

010902 差示扫描量热仪 / Differential Scanning Calorimeter
value 25-80 weight 2.5 self 0.8
makers ta: Discovery DSC 2500, DSC 25; netzsch: DSC 214 Polyma, DSC 300 Caliris; mettler: DSC 3+; perkinelmer: DSC 8000
指标 温度范围-150–725 ℃；温度精度±0.05 ℃；量热精度±0.05%；基线重复性≤10 μW；调制DSC；自动进样器
功能 玻璃化转变、熔融结晶、固化反应、比热容与氧化诱导期测定。
领域 高分子；药学；食品科学；材料科学

010904 导热系数测定仪 / Thermal Conductivity Analyzer
value 30-150 weight 1 self 0.6
makers netzsch: LFA 467 HyperFlash, HFM 446; hotdisk: TPS 2500 S, TPS 3500; linseis: LFA 1000
指标 导热系数测量范围0.005–2000 W/(m·K)；激光闪射法温度范围-100–1250 ℃；热扩散系数精度±3%；瞬态平面热源法
功能 材料热扩散系数、导热系数与比热容测定，适用于金属、陶瓷、复合材料与隔热材料。
领域 材料科学；能源；建筑节能；电子封装

010906 红外热像仪 / Infrared Thermal Imager
value 20-120 weight 1 self 0.8
makers flir: X8580, A6780, T1020; infratec: ImageIR 8300; lumasense: MCS640
指标 探测器640×512 InSb或非制冷型；波段3–5 μm或7.5–14 μm；热灵敏度≤20 mK；帧频≥100 Hz；测温范围-20–2000 ℃
功能 非接触温度场测量、瞬态热过程记录、电子器件热分析与无损检测。
领域 电子信息；能源；机械；建筑检测
"""
