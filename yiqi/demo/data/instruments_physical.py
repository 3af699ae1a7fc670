"""Physical-property testing (class 02), metrology (class 03) and electronic measurement (class 04).
Format: see ``templates.py``."""

CATALOGUE = """
020101 电子万能材料试验机 / Electronic Universal Testing Machine
value 15-80 weight 4 self 0.7
makers instron: 5985, 68TM-50, 5967; zwick: Z100 AllroundLine, Z050; mts_cn: CMT5305, E45.105; wance: ETM305D, ETM105D; shimadzu: AGX-V 100kN
指标 最大试验力50–300 kN，力值精度±0.5%示值；速度范围0.001–1000 mm/min；位移分辨率0.025 μm；配引伸计、高低温环境箱（-70–350 ℃）
功能 金属、高分子、复合材料的拉伸、压缩、弯曲、剪切、剥离等力学性能测试。
领域 材料科学；机械工程；土木工程；航空航天

020101 电液伺服疲劳试验机 / Servo-Hydraulic Fatigue Testing System
value 80-400 weight 1.5 self 0.3
makers mts: Landmark 370.25, Landmark 370.50, 810; instron: 8802, 8801; shimadzu: EHF-UV200k2
指标 动态载荷±100–500 kN；频率0.01–100 Hz；作动器行程±75 mm；载荷精度±0.5%；多通道控制器；高温炉至1200 ℃
功能 材料及构件的高周、低周疲劳，断裂韧性及疲劳裂纹扩展试验。
领域 航空航天；轨道交通；机械工程；材料科学

020101 高温蠕变持久试验机 / High-Temperature Creep Testing Machine
value 20-80 weight 0.8 self 0.5
makers ccss: RDL-50, RWS-50; zwick: Kappa 50 DS
指标 最大试验力50 kN，精度±0.5%；高温炉最高1100 ℃，三段控温±1 ℃；变形测量分辨率0.1 μm；长时间连续运行≥10000 h
功能 金属及合金在高温下的蠕变、持久强度与应力松弛性能试验。
领域 高温合金；电力；航空发动机；冶金

020101 摆锤冲击试验机 / Pendulum Impact Tester
value 10-40 weight 1.5 self 0.8
makers zwick: PSW 750, HIT50P; wance: PIT752D-2; instron: MPX 450
指标 冲击能量150–750 J；冲击速度5.2 m/s；角度分辨率0.045°；低温槽-196 ℃；示波冲击力-位移曲线记录
功能 金属材料夏比冲击韧性及韧脆转变温度测定。
领域 冶金；压力容器；焊接；材料科学

020102 全自动显微维氏硬度计 / Automatic Micro-Vickers Hardness Tester
value 8-40 weight 2 self 0.9
makers emcotest: DuraScan 70 G5; mitutoyo: HM-210; taiming: HVS-1000Z; zwick: ZHV30
指标 试验力0.098–98 N；自动转塔及电动XY平台；压痕自动测量，测量分辨率0.01 μm；硬度梯度曲线与硬化层深度测定
功能 金属、涂层、陶瓷等的显微硬度及硬度梯度测试。
领域 材料科学；热处理；机械制造

020102 纳米压痕仪 / Nanoindenter
value 150-400 weight 0.6 self 0.3
makers kla: iMicro, G200X; bruker_us: Hysitron TI 980, Hysitron TI Premier; anton_paar_ch: UNHT³, NHT³
指标 最大载荷500 mN，载荷分辨率≤3 nN；位移分辨率≤0.01 nm；连续刚度测量；高温台至800 ℃；划痕与摩擦模块
功能 薄膜、涂层及微区的纳米硬度、弹性模量、蠕变与划痕性能测定。
领域 材料科学；半导体；表面工程；生物材料

020103 岩石高温高压三轴试验系统 / High-Temperature High-Pressure Triaxial Rock Testing System
value 100-500 weight 0.5 self 0.2
makers gcts: RTR-1500, RTX-3000; gds: GDSTTS, GDSDYN; mts: 815
指标 轴向荷载≤2000 kN；围压≤140 MPa；孔隙压力≤140 MPa；温度≤200 ℃；渗透率测量；声发射与超声波速同步测试
功能 岩石、土体在复杂应力、温度与渗流条件下的强度、变形与渗透特性试验。
领域 岩土工程；石油工程；煤矿安全；地质工程

020105 视频光学接触角测量仪 / Optical Contact Angle Meter
value 8-40 weight 1.5 self 0.9
makers kruss: DSA100, DSA25; dataphysics: OCA 25, OCA 50; zhongchen: JC2000D
指标 接触角测量范围0–180°，精度±0.1°；表面张力1–2000 mN/m；高速相机≥2200 fps；自动注液及倾斜台；表面自由能计算
功能 固体表面润湿性、表面自由能、液体表面与界面张力测量。
领域 材料科学；化工；石油；生物材料

020106 旋转流变仪 / Rotational Rheometer
value 50-180 weight 1.5 self 0.6
makers anton_paar: MCR 302e, MCR 702e, MCR 102e; ta: Discovery HR 30, ARES-G2; thermo_de: HAAKE MARS iQ
指标 扭矩范围1 nN·m–230 mN·m；角频率10⁻⁷–628 rad/s；法向力0.005–50 N；温度-150–1000 ℃；平板、锥板、同轴圆筒夹具
功能 高分子熔体、溶液、凝胶、食品、涂料等的流变性能与黏弹性测定。
领域 高分子；食品科学；化工；生物医药

020199 三维数字图像相关应变测量系统 / 3D Digital Image Correlation System
value 30-120 weight 0.8 self 0.6
makers gom: ARAMIS 12M, ARAMIS SRX; correlated: VIC-3D
指标 相机分辨率≥12 MP，帧率≥25 fps；应变测量范围0.005%–2000%，精度±0.005%；测量幅面5 mm–2 m；可接入高速相机
功能 材料与结构全场位移、应变的非接触三维测量。
领域 力学；航空航天；土木工程；生物力学

020201 全站仪 / Total Station
value 8-40 weight 1.2 self 0.8
makers leica_geo: TS60, TM60; trimble: S9; topcon: MS05AXII; south: NTS-552
指标 测角精度0.5″–1″；测距精度0.6 mm+1 ppm（棱镜）；免棱镜测距≥1000 m；自动目标识别；影像功能
功能 工程测量、变形监测与精密控制测量。
领域 测绘科学；土木工程；矿山监测；地质灾害

020299 地面三维激光扫描仪 / Terrestrial 3D Laser Scanner
value 60-200 weight 0.6 self 0.5
makers riegl: VZ-400i, VZ-2000i; faro: Focus Premium; leica_geo: RTC360, ScanStation P50; trimble: X9
指标 测距范围0.5–2000 m；测距精度3 mm@50 m；扫描速率≥500,000点/s；视场360°×300°；内置全景相机及GNSS
功能 地形、建筑、文物、矿山及工程结构的高精度三维点云获取与建模。
领域 测绘科学；文物保护；地质灾害；建筑工程

020307 光纤光栅解调仪 / Fiber Bragg Grating Interrogator
value 10-50 weight 0.6 self 0.8
makers yokogawa: AQ6370E; exfo: FTBx-8880; thorlabs: OSA205C; donghua: DH5922N
指标 波长范围1510–1590 nm；波长分辨率1 pm；扫描频率1 kHz；通道数4–16；动态范围≥50 dB
功能 光纤光栅应变、温度传感解调与光谱分析，结构健康监测。
领域 光纤传感；土木工程；能源；航空航天

020406 激光多普勒测振仪 / Laser Doppler Vibrometer
value 80-300 weight 0.5 self 0.5
makers polytec: PSV-500, MSA-600, OFV-5000; bksv: 8339
指标 频率范围0–25 MHz；速度分辨率≤0.02 μm/s；扫描式全场测量；三维扫描可选；微系统测振≤1 pm
功能 结构、微机电器件及声学元件的非接触振动与模态测量。
领域 机械振动；MEMS；声学；汽车工程

020406 多通道振动噪声测试分析系统 / Multi-Channel Noise and Vibration Analyzer
value 30-150 weight 1 self 0.7
makers bksv: LAN-XI 3053, 3660-D; siemens_plm: Simcenter SCADAS Mobile; dewesoft: SIRIUS; donghua: DH5922D
指标 通道数16–128；采样率≥204.8 kHz；动态范围≥160 dB；声学照相及声强测量；模态分析软件
功能 振动、噪声、冲击信号采集与频谱分析，实验模态分析和声源定位。
领域 机械工程；车辆工程；建筑声学；航空航天

020502 激光粒度分析仪 / Laser Diffraction Particle Size Analyzer
value 20-80 weight 2.5 self 0.8
makers malvern: Mastersizer 3000, Mastersizer 3000+; bettersize: Bettersizer 2600, BT-9300ST; microtrac: S3500; horiba: LA-960V2
指标 测量范围0.01–3500 μm；准确性误差≤0.6%（D50）；重复性≤0.5%；湿法及干法分散；红蓝双光源
功能 粉体、乳液、悬浮液的粒度分布测定。
领域 材料科学；制药；化工；建材；食品

020502 纳米粒度及Zeta电位分析仪 / Nanoparticle Size and Zeta Potential Analyzer
value 30-90 weight 2 self 0.8
makers malvern: Zetasizer Ultra, Zetasizer Pro, Zetasizer Nano ZS90; brookhaven: NanoBrook Omni; anton_paar: Litesizer 500
指标 粒径范围0.3 nm–10 μm；Zeta电位范围无实际限制，电泳迁移率测量；分子量980 Da–20 MDa；温度0–120 ℃
功能 纳米颗粒及胶体的粒径分布、Zeta电位与分子量测定。
领域 纳米材料；药物制剂；胶体化学；生物制品

020503 比表面积及孔径分析仪 / Surface Area and Porosity Analyzer
value 20-120 weight 2.5 self 0.7
makers micromeritics: ASAP 2460, ASAP 2020 Plus, TriStar II 3020; anton_paar_us: Autosorb iQ, NOVAtouch; jwgb: JW-BK200C; bsd: BSD-PS2
指标 比表面积测量下限0.0005 m²/g；孔径范围0.35–500 nm；P/P0最低10⁻⁸；分析站2–6个；可选化学吸附及蒸汽吸附
功能 粉体及多孔材料的BET比表面积、孔容、孔径分布与吸附等温线测定。
领域 催化；新能源材料；环境材料；地质

020601 工业X射线实时成像检测系统 / Industrial X-ray Real-Time Imaging System
value 60-250 weight 0.6 self 0.3
makers yxlon: MU 2000, Y.MU2000-D; unicomp: AX9100, CX3000; waygate: Seifert x|cube
指标 射线管电压≤225 kV，焦点≤0.4 mm；平板探测器像素≤139 μm；几何放大≥5倍；缺陷自动识别；铅房防护满足GBZ 117
功能 铸件、焊缝、电子元器件内部缺陷的X射线实时成像检测。
领域 航空航天；汽车零部件；电子制造；质量检验

020603 相控阵超声检测仪 / Phased Array Ultrasonic Flaw Detector
value 20-80 weight 1 self 0.6
makers evident_ca: OmniScan X3, OmniScan MX2; doppler: Phascan II; siui: SyncScan 2
指标 相控阵通道16:64–32:128；TOFD通道；频率0.5–18 MHz；采样率100 MHz；全聚焦成像（TFM）
功能 焊缝、锻件、复合材料的相控阵超声与TOFD检测、缺陷定量与成像。
领域 特种设备；石油化工；航空航天；轨道交通

030118 原子力显微镜（计量型） / Metrological Atomic Force Microscope
value 150-400 weight 0.2 self 0.2
makers park: NX-Hivac, NX20; bruker_us: Dimension Icon
指标 激光干涉仪溯源位移测量；XY扫描范围100 μm，Z 15 μm；位置噪声≤0.05 nm；台阶高度测量不确定度≤0.5 nm
功能 纳米几何量的溯源测量、纳米台阶及线宽标准样板校准。
领域 计量学；半导体；纳米技术

030121 激光跟踪仪 / Laser Tracker
value 80-250 weight 0.6 self 0.3
makers leica_geo: AT960, AT500; api: Radian Pro, OT2; faro: Vantage S6
指标 测量半径≥80 m；空间坐标精度±(15 μm+6 μm/m)；ADM测距精度±10 μm；动态跟踪速度≥4 m/s；六自由度测头
功能 大尺寸零部件及工装的三维坐标测量、装配对准与逆向工程。
领域 航空制造；重型机械；精密测量

030122 双频激光干涉仪 / Dual-Frequency Laser Interferometer
value 30-100 weight 0.6 self 0.5
makers renishaw: XL-80, XM-60; keysight: 5530; chotest: SJ6000
指标 线性测量精度±0.5 ppm；分辨率1 nm；测量距离≤80 m；角度、直线度、垂直度测量组件；环境自动补偿
功能 机床与坐标测量机的定位精度、重复定位精度及几何误差检测与补偿。
领域 精密制造；数控机床；计量检定

030199 三坐标测量机 / Coordinate Measuring Machine
value 50-300 weight 2 self 0.4
makers hexagon: GLOBAL S 9.15.8, Leitz PMM-C; zeiss: CONTURA, PRISMO, ACCURA; mitutoyo: CRYSTA-Apex V; novator: VMU 322
指标 测量行程900×1500×800 mm；示值误差MPE_E≤(1.5+L/350) μm；扫描测头；温度补偿；齿轮、叶片测量软件
功能 复杂零件几何尺寸、形位公差测量与三维数模比对。
领域 机械制造；航空航天；汽车工业；模具

030199 白光干涉三维表面轮廓仪 / White-Light Interferometric Surface Profiler
value 60-200 weight 0.8 self 0.6
makers zygo: NewView 9000, Nexview NX2; bruker_us: ContourX-500; chotest: SuperViewW1; taylor_hobson: CCI HD
指标 垂直分辨率≤0.1 nm；台阶高度精度0.3%；横向分辨率0.34 μm；扫描范围≤20 mm；自动拼接测量
功能 超精密表面粗糙度、微结构台阶高度与三维形貌无接触测量。
领域 精密光学；半导体；MEMS；摩擦学

030501 氢原子钟 / Hydrogen Maser
value 200-600 weight 0.15 self 0
makers shao: SOHM-4, SOHM-3; t4science: iMaser 3000; ntsc: NTSC-H1
指标 频率稳定度≤1.5×10⁻¹³/1 s，≤2×10⁻¹⁵/1 d；频率漂移≤2×10⁻¹⁶/d；输出5 MHz、10 MHz、1 PPS；温度系数≤1×10⁻¹⁴/℃
功能 为时间频率基准、守时系统、VLBI与卫星导航提供高稳定频率参考。
领域 时间频率计量；卫星导航；天文学

030505 铷原子钟 / Rubidium Frequency Standard
value 5-30 weight 0.4 self 0.5
makers microchip: 8040C, XPRO; tianao: XHTF1031, XHTF1040
指标 频率准确度±5×10⁻¹¹；秒稳定度≤3×10⁻¹²；日老化率≤5×10⁻¹²；输出10 MHz正弦波及1 PPS
功能 提供高稳定频率与时间基准，用于通信、测试仪器校准与导航授时。
领域 通信；时间频率；电子测量

030799 分布光度计 / Goniophotometer
value 30-120 weight 0.3 self 0.3
makers everfine: GO-R5000, GO-2000
指标 测量距离≥10 m；角度分辨率0.001°；照度测量精度一级；光谱测量范围380–780 nm；适用灯具最大尺寸2 m
功能 灯具、光源的空间光强分布、光通量与色度参数测量。
领域 照明工程；光电计量；建筑

030805 剂量学校准系统 / Dosimetry Calibration System
value 30-100 weight 0.2 self 0.2
makers ptw: UNIDOS Tango, BEAMSCAN; mirion: RDS-31
指标 电离室静电计电流分辨率≤10 fA；剂量测量范围μGy–kGy；三维水箱扫描精度±0.1 mm；可溯源至国家基准
功能 放射治疗设备剂量刻度、射线质测定与辐射防护仪表校准。
领域 医学物理；辐射防护；计量检定

030906 矢量网络分析仪 / Vector Network Analyzer
value 40-400 weight 2 self 0.6
makers keysight: N5227B, E5080B, N5245B; rs: ZNA43, ZNB20; ceyear: 3672E, 3656D; anritsu: MS46524B
指标 频率范围10 MHz–67 GHz（可扩展至110 GHz）；动态范围≥130 dB；迹线噪声≤0.001 dB rms；4端口；时域分析及非线性测量选件
功能 射频微波器件、天线、传输线的S参数、阻抗与群时延测量。
领域 电子信息；微波工程；通信；雷达

040103 数字示波器 / Digital Oscilloscope
value 15-200 weight 3 self 0.9
makers keysight: MSOS804A, DSOX6004A; tek: MSO64B, MSO58; rs: RTO6; lecroy: WavePro HD; rigol: DS70504, MSO8204; siglent: SDS7404A
指标 带宽500 MHz–8 GHz；采样率≥20 GSa/s；垂直分辨率10–12 bit；存储深度≥400 Mpts；4模拟通道＋16数字通道；串行总线解码
功能 电子电路信号时域测量、电源完整性、高速串行信号眼图与抖动分析。
领域 电子信息；电力电子；通信；自动化

040108 信号与频谱分析仪 / Signal and Spectrum Analyzer
value 30-350 weight 2 self 0.6
makers keysight: N9040B UXA, N9030B PXA, N9020B MXA; rs: FSW43, FSV3030; ceyear: 4051H, 4082F; anritsu: MS2850A
指标 频率范围2 Hz–44 GHz；分析带宽≥1 GHz；显示平均噪声电平≤-165 dBm/Hz；相位噪声≤-136 dBc/Hz（1 GHz，10 kHz频偏）；实时频谱分析
功能 无线信号频谱、调制质量、杂散、相位噪声与实时频谱分析。
领域 通信；雷达；电磁兼容；航空航天

040102 任意波形发生器 / Arbitrary Waveform Generator
value 20-200 weight 1 self 0.8
makers keysight: M8195A, 33622A; tek: AWG70002B, AFG31252; rigol: DG5352; siglent: SDG7102A
指标 采样率≤65 GSa/s；垂直分辨率8–16 bit；模拟带宽≤25 GHz；波形存储≥2 GSa/通道；多通道同步
功能 复杂调制信号、宽带雷达信号及量子控制脉冲的产生。
领域 通信；雷达；量子信息；电子测试

040201 电磁兼容测试系统 / EMC Test System
value 150-800 weight 0.5 self 0.1
makers rs: ESW44, TS9982; keysight: N9048B PXE; ceyear: 3943B
指标 EMI接收机9 kHz–44 GHz，符合CISPR 16-1-1；辐射抗扰度场强≥10 V/m；传导抗扰度0.15–230 MHz；配3 m法半电波暗室及天线塔转台
功能 电子电气产品传导与辐射发射、静电、浪涌、辐射抗扰度等电磁兼容测试。
领域 电子信息；汽车电子；医疗器械；产品认证

040202 天线近场测试系统 / Antenna Near-Field Measurement System
value 200-900 weight 0.2 self 0.05
makers nsi: NSI-700S-50, NSI-MI 2000; mvg: StarLab 18, SG 24
指标 频率范围0.4–50 GHz；平面扫描架6 m×6 m，位置精度≤0.05 mm；动态范围≥70 dB；球面近场及紧缩场测量模式
功能 天线方向图、增益、极化与相控阵天线波束特性测量。
领域 雷达；卫星通信；5G通信；航空航天

040106 半导体参数分析仪 / Semiconductor Parameter Analyzer
value 40-200 weight 1 self 0.6
makers keysight: B1500A, B1505A; tek: 4200A-SCS; semishare: SC-4200
指标 源测量单元4–10个，电流分辨率0.1 fA；电压±210 V；高压模块3 kV、大电流模块1500 A；C-V测量1 kHz–5 MHz；脉冲I-V
功能 晶体管、二极管、功率器件、新型存储器的I-V、C-V与可靠性测试。
领域 微电子；半导体；新型器件

040501 集成电路测试系统 / Automatic Test Equipment for ICs
value 300-1500 weight 0.15 self 0
makers advantest: V93000, T2000; teradyne: UltraFLEX, J750Ex-HD; accotest: STS8200, STS8300; changchuan: D9000
指标 数字通道数≥512，速率≥1.6 Gbps；模拟、射频与电源测试模块；并行测试站点≥16；配探针台及分选机接口
功能 数字、模拟、混合信号及SoC芯片的量产测试与特性分析。
领域 集成电路；微电子；半导体制造

040599 半导体晶圆探针台 / Wafer Probe Station
value 40-300 weight 0.6 self 0.3
makers formfactor: CM300xi, Summit200; semishare: SE-8, X-12
指标 晶圆尺寸≤300 mm；定位精度≤1 μm；变温-60–300 ℃；射频探针至110 GHz；屏蔽暗箱漏电≤10 fA
功能 晶圆级器件电学、射频与可靠性参数测试。
领域 微电子；半导体；光电子器件

040199 锁相放大器 / Lock-in Amplifier
value 8-60 weight 0.8 self 0.9
makers zurich: MFLI, UHFLI; srs: SR860, SR830
指标 频率范围1 μHz–600 MHz；动态储备≥120 dB；输入噪声≤2.5 nV/√Hz；双相解调，多路解调器；时间常数1 μs–30 ks
功能 微弱信号检测、相位敏感测量与光谱、输运及扫描探针实验信号解调。
领域 物理学；光学；材料科学；传感器
"""
