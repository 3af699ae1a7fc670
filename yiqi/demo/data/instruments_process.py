"""Special inspection (11), process and experimental equipment (12), computers (13), lasers (14) and other (99).
Format: see ``templates.py``."""

CATALOGUE = """
110101 工业CT检测系统 / Industrial Computed Tomography System
value 150-800 weight 0.6 self 0.1
makers yxlon: FF35 CT, FF85 CT; waygate: phoenix v|tome|x m 300, phoenix v|tome|x s240; sanying: nanoVoxel-3000, nanoVoxel-4000; unicomp: CX7000
指标 射线源电压≤300 kV，微焦点≤1 μm；平板探测器2048×2048；最高空间分辨率≤2 μm；最大样品直径500 mm、重量50 kg；三维重构与缺陷分析软件
功能 零部件、复合材料、岩心及生物样品内部结构的无损三维成像与缺陷、孔隙率分析。
领域 航空航天；增材制造；石油地质；电子封装；考古

110101 X射线三维显微镜 / X-ray Microscope (3D XRM)
value 600-1200 weight 0.25 self 0.05
makers zeiss_us: Xradia 620 Versa, Xradia 520 Versa; bruker_be: SkyScan 1272, SkyScan 2214
指标 空间分辨率≤0.5 μm，最小体素≤40 nm；射线源30–160 kV；双级放大光学探测器；原位加载台；衍射衬度断层成像
功能 岩石、电池、复合材料与生物组织的亚微米三维无损成像与四维原位研究。
领域 材料科学；地球科学；新能源；生命科学

110201 超声波测厚仪 / Ultrasonic Thickness Gauge
value 1-8 weight 0.6 self 0.9
makers evident_us: 38DL PLUS, 45MG; siui: CTS-59
指标 测量范围0.08–635 mm；分辨率0.001 mm；穿透涂层测量；A扫描波形显示；数据存储≥47万个读数
功能 金属、塑料、玻璃等材料壁厚及腐蚀减薄的无损测量。
领域 特种设备检验；石油化工；船舶

110302 脉冲涡流检测仪 / Pulsed Eddy Current Tester
value 30-90 weight 0.3 self 0.4
makers eddysun: EEC-2000, EEC-96; zetec: MIZ-21C
指标 可穿透≤100 mm保温层；测厚范围6–65 mm；提离≤200 mm；多频涡流通道；阵列探头
功能 带保温层压力管道、容器壁厚及腐蚀的不拆保温检测。
领域 石油化工；电力；特种设备

110402 全数字声发射检测系统 / Digital Acoustic Emission System
value 30-120 weight 0.6 self 0.5
makers pac: Express-8, Micro-II; vallen: AMSY-6; softland: DS5-16B, DS2-8B
指标 通道数8–64；采样率≥10 MHz，分辨率18 bit；频率范围1 kHz–3 MHz；实时定位与波形流存储；参数与波形同步采集
功能 材料损伤演化、压力容器及结构的声发射监测与源定位。
领域 岩石力学；特种设备；复合材料；桥梁监测

110599 高速摄像机 / High-Speed Camera
value 40-200 weight 0.8 self 0.6
makers phantom: TMX 7510, v2640, VEO 1310; photron: FASTCAM SA-Z, FASTCAM Nova S16
指标 全分辨率1280×800下≥75,000 fps，最高帧率≥1,000,000 fps；最短曝光95 ns；像元尺寸18.5 μm；内存≥256 GB
功能 冲击、爆炸、燃烧、流体及生物运动等高速瞬态过程记录。
领域 力学；燃烧学；流体力学；材料动态性能

120199 发动机测功机试验台 / Engine Dynamometer Test Bench
value 150-800 weight 0.3 self 0.1
makers avl: DynoSpirit 400, AFA 280; xiangyi_power: CW440, CAC250
指标 额定功率250–440 kW；最高转速10000 r/min；扭矩精度±0.2% FS；动态工况模拟；排放分析与油耗仪接口
功能 发动机性能、排放、耐久与标定试验。
领域 车辆工程；动力机械；新能源汽车

120199 底盘测功机 / Chassis Dynamometer
value 200-800 weight 0.2 self 0.05
makers avl: ROADSIM 48", AVL-Zöllner; maha: MSR 1050, ECDM 48L
指标 单轴/四驱；最大车速≥200 km/h；吸收功率≥150 kW；道路载荷模拟精度±0.5%；配环境舱-30–50 ℃
功能 整车动力性、经济性、排放及新能源汽车能耗与续驶里程试验。
领域 车辆工程；新能源汽车；排放检测

120204 高压反应釜系统 / High-Pressure Reactor System
value 5-60 weight 1.5 self 0.8
makers parr: 4560, 4848; anton_paar: synthWAVE
指标 釜容积50 mL–2 L；最高压力≤35 MPa；最高温度≤350 ℃；磁力耦合搅拌；多釜平行；在线取样与进气
功能 加氢、氧化、聚合、水热合成等高温高压催化反应研究。
领域 催化化学；化工；新能源；有机合成

120204 连续流微反应器系统 / Continuous-Flow Microreactor System
value 30-120 weight 0.4 self 0.6
makers corning: Advanced-Flow G1, Lab Reactor; kna: FlowSyn
指标 持液量≤10 mL；温度-60–200 ℃；压力≤18 bar；流量0.1–100 mL/min；耐腐蚀碳化硅/玻璃反应板
功能 硝化、重氮化、氧化等危险反应的连续流工艺开发与放大研究。
领域 化学工程；制药工艺；精细化工

120302 紫外光刻机 / UV Mask Aligner
value 60-300 weight 0.5 self 0.4
makers suss: MA6 Gen4, MA8 Gen4, MJB4; heidelberg: MLA 150, μPG 501
指标 曝光波长365/405 nm；分辨率≤0.8 μm；对准精度≤0.5 μm；晶圆尺寸≤150 mm；真空接触、软接触及接近式曝光
功能 微纳器件光刻图形转移，MEMS、微流控及半导体器件工艺研发。
领域 微电子；MEMS；微流控；光电子

120302 电子束光刻系统 / Electron Beam Lithography System
value 600-2500 weight 0.1 self 0
makers raith: EBPG Plus, eLINE Plus; jeol: JBX-8100FS
指标 加速电压100 kV；最小线宽≤8 nm；拼接精度≤20 nm；套刻精度≤20 nm；写场≤1 mm；晶圆≤200 mm
功能 纳米图形直写、光子晶体、量子器件与掩模制备。
领域 微纳加工；量子信息；光子学；集成电路

120302 磁控溅射镀膜系统 / Magnetron Sputtering System
value 50-250 weight 1.2 self 0.5
makers lesker: PVD 75, LAB Line; sky: JGP-450, JGP-560; naura: Polaris
指标 靶位3–6个，直流/射频/脉冲电源；本底真空≤5×10⁻⁵ Pa；基片加热≤800 ℃；膜厚均匀性≤±3%（4英寸）；反应溅射
功能 金属、氧化物、氮化物等功能薄膜的制备与工艺研究。
领域 薄膜材料；微电子；光学镀膜；新能源

120302 原子层沉积系统 / Atomic Layer Deposition System
value 80-300 weight 0.5 self 0.3
makers beneq: TFS 200, R2; picosun: R-200 Advanced; oxford_plasma: FlexAL
指标 热型与等离子体增强模式；前驱体源≥6路；沉积温度室温–500 ℃；膜厚均匀性≤±1%（200 mm）；原位椭偏监测
功能 Al₂O₃、HfO₂、TiO₂等超薄薄膜的原子级精确沉积。
领域 微电子；催化；新能源；纳米材料

120302 电感耦合等离子体刻蚀机 / ICP Etching System
value 150-500 weight 0.4 self 0.2
makers oxford_plasma: PlasmaPro 100 Cobra; samco: RIE-400iP; naura: GSE200
指标 ICP功率≤3000 W，RF偏压≤600 W；晶圆≤200 mm；刻蚀均匀性≤±3%；氟基与氯基工艺；终点检测
功能 Si、SiO₂、Ⅲ-Ⅴ族化合物、金属薄膜的各向异性干法刻蚀。
领域 微电子；光电子；MEMS；第三代半导体

120302 分子束外延系统 / Molecular Beam Epitaxy System
value 600-1800 weight 0.1 self 0
makers riber: Compact 21, MBE 49; veeco: GEN930; sky: MBE-300
指标 极限真空≤5×10⁻¹¹ Torr；源炉8–10个；衬底≤4英寸，温度≤1200 ℃；RHEED原位监测；与STM/ARPES真空互联
功能 化合物半导体、拓扑材料及氧化物薄膜的原子级外延生长。
领域 凝聚态物理；半导体；量子材料

120302 金属有机化学气相沉积系统 / MOCVD System
value 800-2000 weight 0.08 self 0
makers aixtron: AIX 2800G4, CCS 3x2; veeco: Propel
指标 行星式反应室，3×2英寸或8×4英寸；生长温度≤1400 ℃；原位温度与曲率监测；GaN、AlN、InGaN材料体系
功能 氮化镓、砷化镓等化合物半导体外延材料与LED、功率器件结构生长。
领域 第三代半导体；光电子；功率电子

120304 全自动引线键合机 / Automatic Wire Bonder
value 40-120 weight 0.3 self 0.5
makers kns: IConn, ProMax; tpt: HB16
指标 金线/铝线/铜线15–75 μm；键合精度±2.5 μm；超声频率60/120 kHz；楔焊与球焊两种模式
功能 芯片封装引线键合及功率器件粗铝线键合工艺研究。
领域 电子封装；微电子；功率器件

120401 五轴联动加工中心 / Five-Axis Machining Center
value 200-900 weight 0.5 self 0.1
makers dmg: DMU 65 monoBLOCK, DMU 50; hermle: C 42 U, C 32 U; gf: Mikron MILL P 800 U
指标 行程X/Y/Z 735/650/560 mm；主轴转速≤20000 r/min；定位精度≤0.006 mm；回转摆动轴B ±115°、C 360°；刀库容量≥60
功能 叶轮、叶片、复杂曲面零件及难加工材料的高精度五轴联动加工。
领域 航空制造；精密机械；模具；医疗器械

120402 精密电火花线切割机 / Precision Wire EDM
value 60-250 weight 0.4 self 0.3
makers sodick: AL600G, ALN400Q; gf: CUT P 550
指标 最大工件尺寸750×550×250 mm；加工精度±2 μm；最佳表面粗糙度Ra 0.05 μm；最小电极丝直径0.05 mm；锥度±30°
功能 高硬度、难加工材料的精密轮廓切割与微细加工。
领域 模具制造；航空航天；精密机械

120404 真空热处理炉 / Vacuum Heat Treatment Furnace
value 30-200 weight 0.6 self 0.3
makers ipsen: TITAN H2, TurboTreater; kejing: GSL-1700X, OTF-1200X
指标 最高温度1300–1700 ℃；温度均匀性±5 ℃；极限真空≤6.7×10⁻⁴ Pa；高压气淬≤6 bar；有效区300×300×450 mm
功能 钛合金、高温合金及模具钢的真空退火、固溶、时效与钎焊处理。
领域 冶金；航空航天；机械制造

120499 金属激光增材制造系统 / Metal Laser Powder Bed Fusion System
value 200-1200 weight 0.6 self 0.1
makers blt: BLT-S400, BLT-S310, BLT-A320; eos: M 290, M 400-4; farsoon: FS271M
指标 成形尺寸250×250×300–400×400×400 mm；光纤激光器500 W×1–4；光斑直径70–100 μm；层厚20–100 μm；惰性气体氧含量≤100 ppm
功能 钛合金、高温合金、铝合金等复杂金属构件的激光选区熔化成形及工艺研究。
领域 增材制造；航空航天；生物医疗；模具

120499 放电等离子烧结系统 / Spark Plasma Sintering System
value 150-400 weight 0.3 self 0.3
makers fuji_sps: SPS-3.20MK-V, SPS-625; kejing: SPS-20T
指标 脉冲电流≤10000 A；压力≤200 kN；最高温度≤2200 ℃；升温速率≤1000 ℃/min；真空及气氛烧结
功能 陶瓷、金属间化合物、纳米材料及梯度材料的快速致密化烧结。
领域 材料科学；先进陶瓷；热电材料

120499 热等静压机 / Hot Isostatic Press
value 500-1500 weight 0.1 self 0
makers quintus: QIH 15L, QIH 48; ncs: HIP-300
指标 最高温度2000 ℃；最高压力200 MPa；有效热区φ150×300 mm；快速冷却≥100 ℃/min
功能 铸件及增材制造构件致密化、粉末冶金近净成形与扩散连接。
领域 粉末冶金；航空发动机；增材制造

120503 纱线条干均匀度测试仪 / Yarn Evenness Tester
value 80-200 weight 0.2 self 0.5
makers uster: TESTER 6, TESTER 5; darong: YG135G
指标 测试速度≤800 m/min；支数范围4 tex–12,000 ktex；CV值、细节、粗节、棉结检测；毛羽与密度传感器
功能 纱线、条子、粗纱的条干均匀度、疵点与毛羽测试。
领域 纺织工程；质量检验

120601 多联发酵罐系统 / Parallel Bioreactor System
value 20-150 weight 0.8 self 0.6
makers baoxing: BIOTECH-5JG, BIOTECH-50BS; infors: Multifors 2, Techfors; eppendorf_us: BioFlo 320, DASbox
指标 工作容积0.25–50 L；并联罐数2–8个；pH、溶氧、温度、泡沫、补料在线控制；尾气CO₂/O₂分析；在位灭菌
功能 微生物发酵、细胞培养工艺开发与放大研究。
领域 生物工程；发酵工程；生物制药；食品科学

120603 粉质仪 / Farinograph
value 20-50 weight 0.3 self 0.7
makers brabender: Farinograph-TS, Extensograph-E; sms: TA.XTplus
指标 揉混钵容量10/50/300 g；转速63 r/min；扭矩测量精度±0.2%；温控30±0.2 ℃；吸水率自动计算
功能 面粉吸水率、形成时间、稳定时间等面团流变学特性测定。
领域 粮食科学；食品工程；小麦育种

130201 高性能计算集群 / High-Performance Computing Cluster
value 300-3000 weight 0.5 self 0.9
makers sugon: TC6600, TC4600E; inspur: NF5280M6, NF5488A5; lenovo: ThinkSystem SD650 V2; huawei: TaiShan 2280 V2
指标 计算节点64–512个，峰值性能0.5–5 PFlops；GPU加速节点（8卡/节点）；100–200 Gb/s InfiniBand/RoCE互联；并行存储≥2 PB；液冷
功能 大规模科学计算、分子动力学与第一性原理计算、深度学习训练、气象与流体仿真。
领域 计算科学；材料计算；人工智能；气象；生物信息
服务 提供机时服务、作业调度与并行程序优化支持。

130201 GPU深度学习服务器 / GPU Deep Learning Server
value 30-300 weight 2 self 0.9
makers inspur: NF5468M6, NF5688M7; sugon: X785-G30, W780-G20; lenovo: ThinkSystem SR670 V2; huawei: Atlas 800
指标 GPU/AI加速卡8块（显存≥80 GB/卡）；CPU 2×64核；内存≥1 TB；NVMe存储≥15 TB；200 Gb/s网络
功能 深度学习模型训练与推理、图像识别、大模型微调与科学计算加速。
领域 人工智能；计算机视觉；生物信息；遥感

130301 有限元多物理场仿真软件 / Multiphysics Simulation Software
value 20-300 weight 0.6 self 1
makers ansys: Ansys Mechanical/Fluent 2024 R1; dassault: Abaqus 2024, SIMULIA; mathworks: MATLAB Campus-Wide License
指标 网络浮动许可≥20节点，并行求解核数≥512；结构、流体、电磁、热多物理场耦合；二次开发接口
功能 结构力学、计算流体力学、电磁场与多物理场耦合数值仿真。
领域 机械工程；航空航天；能源动力；土木工程

130301 集成电路设计EDA软件 / IC Design EDA Suite
value 80-500 weight 0.2 self 1
makers cadence: Virtuoso/Spectre 2024, Innovus
指标 模拟、数字及混合信号全流程设计许可；工艺设计包支持至7 nm；并发许可≥50；版图验证与寄生参数提取
功能 集成电路原理图设计、仿真、版图设计与物理验证。
领域 集成电路；微电子；教学实训

130401 多通道动态数据采集系统 / Multi-Channel Dynamic Data Acquisition System
value 10-100 weight 1.5 self 0.8
makers ni: PXIe-1085, cDAQ-9189; dewesoft: SIRIUS XHS, KRYPTON; hbm: QuantumX MX1615B, GEN7tA; donghua: DH8302
指标 通道数32–256；采样率≤1 MS/s/通道，24 bit；应变、电压、IEPE、热电偶、CAN总线输入；同步精度≤100 ns；实时分析软件
功能 应变、振动、温度、压力等多物理量同步采集与在线分析。
领域 结构测试；车辆工程；能源装备；土木工程

140101 飞秒激光放大器 / Femtosecond Laser Amplifier
value 200-800 weight 0.5 self 0.1
makers coherent: Astrella, Legend Elite; spectra_physics: Solstice Ace, Spitfire Ace; light_conversion: PHAROS, CARBIDE; amplitude: Satsuma
指标 中心波长800 nm或1030 nm；脉宽≤35 fs–290 fs；单脉冲能量≥7 mJ；重复频率1 kHz–1 MHz；配光学参量放大器，波长调谐范围240–2600 nm
功能 超快光谱、非线性光学、飞秒激光微纳加工与强场物理实验。
领域 超快光学；物理化学；激光加工；光电子

140101 可调谐连续波激光器 / Tunable CW Laser
value 30-200 weight 0.5 self 0.5
makers msquared: SolsTiS, SolsTiS ECD-X; toptica: DL pro, TA pro; coherent: MBR-110
指标 调谐范围700–1000 nm（钛宝石）或单线外腔半导体；线宽≤100 kHz；输出功率≥1 W；无跳模调谐≥20 GHz；锁频接口
功能 原子分子光谱、冷原子与量子光学实验、高分辨激光光谱。
领域 原子分子物理；量子信息；精密测量

140101 纳秒脉冲激光器 / Nanosecond Pulsed Laser
value 20-150 weight 0.8 self 0.6
makers lumibird: Q-smart 850, Q-smart 450; beamtech: Dawa-200, Vlite-Hi; ekspla: NL300; spectra_physics: Quanta-Ray INDI
指标 Nd:YAG，基频1064 nm，倍频532/355/266 nm；单脉冲能量≥850 mJ；脉宽5–8 ns；重复频率10 Hz；能量稳定性≤0.5% rms
功能 激光诱导击穿光谱、PIV流场测量、激光烧蚀与光化学研究的光源。
领域 激光光谱；燃烧诊断；材料加工；物理化学

140101 高功率光纤激光器 / High-Power Fiber Laser
value 15-120 weight 0.8 self 0.5
makers ipg: YLS-6000, YLR-2000; raycus: RFL-C6000, RFL-C3000; maxphotonics: MFSC-6000; trumpf: TruFiber 6000
指标 输出功率2–12 kW；波长1070±10 nm；光束质量BPP≤2.5 mm·mrad；功率稳定性±1%；调制频率≤5 kHz
功能 激光焊接、切割、熔覆与增材制造工艺研究的光源。
领域 激光加工；增材制造；先进制造

990000 步入式人工气候室 / Walk-In Plant Growth Chamber
value 30-150 weight 0.8 self 0.8
makers conviron: BDW40, PGW36; espec: EYELA, PL-3KPH
指标 种植面积≥10 m²；温度5–45 ℃，均匀度±0.5 ℃；湿度40%–90% RH；光照强度≥1500 μmol/(m²·s)，LED可调光谱；CO₂浓度控制
功能 植物生长、逆境胁迫与表型研究的环境精确模拟。
领域 作物学；植物生理；园艺；农业生态

990000 超低温冰箱 / Ultra-Low Temperature Freezer
value 5-15 weight 1 self 1
makers haier: DW-86L959BPT, DW-86L728J; thermo: TSX60086V
指标 温度范围-40–-86 ℃；容积≥728 L；均匀度±3 ℃；双系统制冷；远程报警与温度记录
功能 生物样本、试剂与菌种的超低温长期保存。
领域 生物医学；生物样本库；农业科学

990000 动物行为学分析系统 / Animal Behavior Analysis System
value 30-120 weight 0.4 self 0.7
makers noldus: EthoVision XT 17, PhenoTyper
指标 视频跟踪帧率≥30 fps；同时追踪≥16个场地；自动识别头、体中心和尾；旷场、水迷宫、高架十字迷宫等范式；可与光遗传及电生理同步
功能 啮齿类、斑马鱼等实验动物的运动、学习记忆、焦虑与社交行为分析。
领域 神经科学；药理学；心理学
"""
