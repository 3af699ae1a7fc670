"""Ocean (05), earth-probing (06), atmospheric (07), astronomical (08) and nuclear (10) instruments.
Format: see ``templates.py``."""

CATALOGUE = """
050103 声学多普勒流速剖面仪 / Acoustic Doppler Current Profiler
value 20-120 weight 0.6 self 0.5
makers teledyne_rdi: Workhorse Sentinel 600 kHz, RiverPro; nortek: Signature 1000, Aquadopp Profiler; sontek: RiverSurveyor M9
指标 工作频率300 kHz–1 MHz；剖面范围0.2–165 m；流速精度±0.3%±3 mm/s；层数≤200；底跟踪；内置姿态与压力传感器
功能 河流、水库及近海水体的流速剖面、流量与波浪测量。
领域 水文水资源；海洋科学；水利工程；泥沙研究

050104 温盐深测量仪 / CTD Profiler
value 20-100 weight 0.4 self 0.6
makers seabird: SBE 911plus, SBE 19plus V2; rbr: RBRconcerto³, RBRmaestro³
指标 电导率0–9 S/m，精度±0.0003 S/m；温度-5–35 ℃，精度±0.001 ℃；深度精度±0.015% FS；采样频率24 Hz；可挂载溶解氧、叶绿素、浊度传感器
功能 水体温度、盐度、深度剖面及多参数水质测量。
领域 海洋学；湖沼学；水环境；水库生态

050105 多波束测深系统 / Multibeam Echosounder
value 150-600 weight 0.15 self 0.1
makers kongsberg: EM 2040C, EM 712; r2sonic: Sonic 2024, Sonic 2022
指标 工作频率170–450 kHz；波束数≥512；条带覆盖≤130°；测深范围0.5–500 m；测深分辨率1.25 cm；配惯导与声速剖面仪
功能 水下地形高精度测量、水库淤积调查与水下工程检测。
领域 水利工程；海洋测绘；航道工程

050301 水下叶绿素荧光仪 / Submersible Chlorophyll Fluorometer
value 5-30 weight 0.3 self 0.8
makers turner: Cyclops-7F, C6P; walz: PHYTO-PAM-II
指标 叶绿素a检测范围0–500 μg/L，检出限0.03 μg/L；藻蓝蛋白、藻红蛋白通道；工作深度≤600 m
功能 水体叶绿素、藻类色素与初级生产力原位测定。
领域 水生态；湖泊学；海洋生物学

060101 高密度电法仪 / High-Density Resistivity Meter
value 15-80 weight 0.8 self 0.5
makers abem: Terrameter LS 2; iris: Syscal Pro; pentium: WDA-1, WGMD-9
指标 电极通道数≥120；发射电压≤600 V，电流≤2.5 A；接收通道10个并行；测量精度±0.5%；支持激发极化测量
功能 浅层地下结构二维/三维电阻率成像，用于工程勘察、地下水与滑坡探测。
领域 工程地质；水文地质；考古勘探；环境地球物理

060201 大地电磁测深仪 / Magnetotelluric System
value 60-200 weight 0.3 self 0.2
makers phoenix: MTU-5C, MTU-5A; metronix: ADU-08e; zonge: GDP-32II
指标 频带范围10⁻⁵–10⁴ Hz；动态范围≥130 dB；5道（Ex、Ey、Hx、Hy、Hz）；GPS同步精度≤100 ns；感应式磁传感器
功能 深部地壳与上地幔电性结构探测、地热与矿产资源勘查。
领域 地球物理；地热勘探；矿产勘查；构造地质

060206 探地雷达 / Ground Penetrating Radar
value 15-80 weight 0.8 self 0.6
makers gssi: SIR 4000, UtilityScan; mala: GX 450 HDR, ProEx; iris: Stream C
指标 天线中心频率100–2600 MHz；扫描速率≥400道/s；时窗≤10000 ns；探测深度0.2–30 m；实时三维成像
功能 道路、隧道衬砌、地下管线、文物遗址及冻土层的无损探测。
领域 工程检测；考古；冰川冻土；地质灾害

060303 光泵磁力仪 / Optically Pumped Magnetometer
value 20-80 weight 0.3 self 0.6
makers geometrics: G-882, G-864; gem: GSMP-35; scintrex: CS-3
指标 测量范围20,000–100,000 nT；灵敏度≤0.002 nT/√Hz；采样率≤20 Hz；航磁、海洋与地面多平台
功能 地磁场总强度高精度测量，用于矿产、未爆物与考古磁法勘探。
领域 地球物理；矿产勘查；考古；环境监测

060403 超导重力仪 / Superconducting Gravimeter
value 300-700 weight 0.1 self 0
makers gwr: iGrav, OSG-080
指标 分辨率≤0.1 nGal；漂移≤0.5 μGal/月；采样率1 Hz；液氦零蒸发制冷；动态范围±1000 μGal
功能 固体潮、地球自由振荡、地下水储量变化及地壳形变的连续重力观测。
领域 大地测量；地球动力学；水文地质

060404 绝对重力仪 / Absolute Gravimeter
value 300-700 weight 0.1 self 0
makers microg: FG5-X, A-10
指标 准确度2 μGal；重复性1 μGal；激光干涉与落体原理；铷钟频率基准；单次测量≤1 d
功能 重力基准点绝对重力值测定及区域重力场监测。
领域 大地测量；计量学；地震监测

060503 宽频带地震计 / Broadband Seismometer
value 10-50 weight 0.5 self 0.3
makers guralp: CMG-3T, Certimus; nanometrics: Trillium 120Q, Trillium Compact; gangzhen: BBVS-120, BBVS-60; kinemetrics: STS-2.5
指标 频带范围120 s–50 Hz；自噪声低于NLNM；灵敏度1500 V/(m/s)；动态范围≥150 dB；配24位数据采集器与GNSS授时
功能 天然地震、微震、地脉动监测及地球内部结构研究。
领域 地震学；工程地震；防灾减灾

060608 核磁共振岩心分析仪 / NMR Core Analyzer
value 60-200 weight 0.3 self 0.3
makers niumag: MacroMR12-150H-I, MiniMR-60; oxford: GeoSpec 2-75
指标 共振频率2–23 MHz；最短回波时间≤60 μs；岩心直径25–100 mm；高温高压驱替附件（≤70 MPa，150 ℃）；T1-T2二维谱
功能 岩心孔隙度、可动流体、渗透率及孔径分布测定，油气储层评价。
领域 石油工程；非常规油气；煤层气

060701 岩石磁化率测量仪 / Magnetic Susceptibility Meter
value 20-80 weight 0.3 self 0.8
makers agico: MFK2-FA, KLY-5; bartington: MS3
指标 灵敏度2×10⁻⁸ SI；测量范围±0.2 SI；频率976/3904/15616 Hz；磁化率各向异性测量；-190–700 ℃温度曲线
功能 岩石、土壤、沉积物磁化率及其各向异性、温度曲线测定。
领域 古地磁学；环境磁学；第四纪地质

060799 超导岩石磁力仪 / Superconducting Rock Magnetometer
value 400-800 weight 0.05 self 0
makers twog: 755-4K, 760-R
指标 噪声水平≤2×10⁻¹² A·m²；三轴SQUID传感器；在线交变退磁≤170 mT；自动进样系统；磁屏蔽剩磁≤10 nT
功能 岩石及沉积物剩磁测量，古地磁定年与古地磁场演化研究。
领域 古地磁学；第四纪地质；黄土研究

070102 自动气象站 / Automatic Weather Station
value 5-40 weight 1 self 0.5
makers vaisala: MAWS301, AWS310; huayun: DZZ5, DZZ6; campbell: CR1000X; changwang: CAWS3000
指标 测量要素：气温、湿度、气压、风速风向、降水、辐射、地温；温度精度±0.1 ℃；风速精度±(0.3+0.03V) m/s；太阳能供电，4G传输
功能 地面气象要素的自动观测、存储和远程传输。
领域 气象学；农业气象；生态监测；环境科学

070103 涡度相关通量观测系统 / Eddy Covariance Flux System
value 40-120 weight 0.5 self 0.3
makers licor: LI-7500DS, LI-7200RS; campbell: IRGASON, EC150
指标 三维超声风速仪10–20 Hz；CO₂测量精度±1%，H₂O±2%；开路/闭路式；辅以四分量辐射与土壤热通量观测
功能 生态系统CO₂、水汽与能量通量的连续观测。
领域 生态学；农业气象；碳循环；黄土高原生态

070309 降水粒子谱仪 / Precipitation Disdrometer
value 10-40 weight 0.3 self 0.5
makers ott: Parsivel², Pluvio²; thies: LNM 5.4110
指标 粒径范围0.2–25 mm，32级；速度范围0.2–20 m/s；降水类型识别（雨、雪、冰雹）；采样面积54 cm²
功能 降水粒子尺度谱、下落速度与降水类型的自动观测。
领域 云降水物理；水文气象；人工影响天气

070402 毫米波测云雷达 / Millimeter-Wave Cloud Radar
value 300-800 weight 0.1 self 0
makers metek: MIRA-35; casic23: HMB-KPS; metstar: YLU4
指标 工作频率35 GHz或94 GHz；探测高度0.15–15 km；距离分辨率30 m；多普勒速度精度0.1 m/s；双偏振
功能 云底高、云顶高、云内垂直结构与云微物理参数探测。
领域 云物理；大气科学；人工影响天气

070404 气溶胶激光雷达 / Aerosol Lidar
value 100-350 weight 0.3 self 0
makers leosphere: WindCube 100S, R-MAN 510; aiofm: AML-1
指标 发射波长355/532/1064 nm；探测距离0.1–15 km；距离分辨率7.5 m；偏振通道；连续无人值守运行
功能 气溶胶消光系数、退偏比及边界层高度垂直廓线探测。
领域 大气环境；边界层气象；污染传输

070504 地基微波辐射计 / Ground-Based Microwave Radiometer
value 150-400 weight 0.2 self 0
makers radiometrics: MP-3000A; rpg: HATPRO G5
指标 22–31 GHz水汽通道与51–59 GHz氧气通道共14–35个；亮温精度≤0.5 K；温湿廓线0–10 km；时间分辨率≤1 s
功能 大气温度、湿度廓线及液态水路径的连续遥感观测。
领域 大气探测；短时临近预报；云物理

070501 太阳光度计 / Sun Photometer
value 20-60 weight 0.2 self 0.2
makers cimel: CE318-T; eko: MS-711
指标 波段340–1640 nm，8–12通道；太阳直射与天空扫描；跟踪精度0.1°；气溶胶光学厚度精度±0.01
功能 气溶胶光学厚度、粒径分布、单次散射反照率与大气水汽总量反演。
领域 大气遥感；气溶胶研究；卫星验证

070601 数字测高仪 / Digital Ionosonde
value 200-500 weight 0.05 self 0
makers lowell: DPS4D; cetc54: CTI-03
指标 频率范围1–20 MHz；峰值功率≤500 W；垂直与斜向探测；多普勒与到达角测量；探测周期≤5 min
功能 电离层垂直剖面、电子密度与漂移速度探测，短波通信频率预报。
领域 空间物理；短波通信；空间天气

080201 光学望远镜 / Optical Telescope
value 50-400 weight 0.2 self 0.3
makers nairc: 1-m RC, 60-cm; asa: ASA1000, ASA800; planewave: CDK1000, PW1000
指标 口径0.6–1.0 m；焦比f/6–f/8；视场≥0.5°；跟踪精度≤1″/10 min；配科学级CCD相机与多通道测光系统
功能 变星测光、系外行星凌星、光谱观测与天文教学实践。
领域 天文学；天体物理；科普教育

080104 精密赤道仪 / Precision Equatorial Mount
value 10-60 weight 0.15 self 0.6
makers tenmicron: GM 4000 HPS, GM 2000; asa: DDM160
指标 负载≥50 kg；指向精度≤20″；跟踪精度≤1″（无导星）；直驱电机；可远程控制与自动观测
功能 中小口径望远镜的高精度指向与跟踪，用于测光、巡天与卫星观测。
领域 天文学；空间目标观测；天文教育

100101 高纯锗γ能谱仪 / HPGe Gamma Spectrometer
value 40-150 weight 0.6 self 0.4
makers ortec: GEM-C5970, GMX40P4; mirion: BE5030, GC4020; cnnc_bj: BH1936
指标 相对探测效率≥40%；能量分辨率≤1.9 keV（1.33 MeV）；峰康比≥60:1；低本底铅室；电制冷或液氮制冷
功能 环境、食品、建材及生物样品中γ放射性核素的定性定量分析。
领域 辐射防护；核环境监测；地球化学；考古

100199 液体闪烁计数器 / Liquid Scintillation Counter
value 40-120 weight 0.4 self 0.5
makers perkinelmer: Quantulus GCT 6220, Tri-Carb 5110TR; hidex: 300 SL
指标 ³H计数效率≥60%，¹⁴C≥95%；超低本底；α/β甄别；样品位≥400
功能 ³H、¹⁴C等低能β核素测量，¹⁴C年代测定与环境氚监测。
领域 核环境监测；生物示踪；年代学

100303 加速器质谱仪 / Accelerator Mass Spectrometer
value 1500-4000 weight 0.05 self 0
makers hvee: HVE 3MV Tandetron, HVE 1MV; nec: 1.5SDH-1; ionplus: MICADAS
指标 端电压0.2–3 MV；¹⁴C/¹²C测量精度≤0.3%，本底≤5×10⁻¹⁶；可测¹⁰Be、²⁶Al、¹²⁹I等；多靶位离子源（≥200）
功能 ¹⁴C、¹⁰Be、²⁶Al等宇宙成因核素超高灵敏度测定，用于年代学与示踪研究。
领域 地球环境科学；考古年代学；第四纪地质

100402 穆斯堡尔谱仪 / Mössbauer Spectrometer
value 30-100 weight 0.1 self 0.3
makers wissel: MVT-1000, MDU-1200
指标 ⁵⁷Co源；速度范围±12 mm/s；速度线性度≤0.1%；液氦低温至4.2 K；外磁场附件
功能 铁、锡等元素价态、配位与磁性状态分析。
领域 矿物学；催化；磁性材料；地球化学

100105 X射线生物辐照仪 / X-ray Biological Irradiator
value 60-200 weight 0.3 self 0.4
makers radsource: RS 2000 Pro; pxi: X-RAD 320, SmART+
指标 管电压≤320 kV；剂量率≥2 Gy/min；辐照野均匀度≥90%；屏蔽柜体表面剂量≤1 μSv/h
功能 细胞、小动物及血液制品辐照，辐射生物学研究。
领域 放射生物学；肿瘤学；免疫学
"""
