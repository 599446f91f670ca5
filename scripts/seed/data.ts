/**
 * Demo content for the "人大代表在行动" poverty-alleviation campaign. Places and people are fictional
 * (云岭市 and its districts, counties and townships); the stories follow what such campaigns report.
 */
export const CITY = '云岭市';

export interface SeedDeputy {
  key: string;
  name: string;
  level: 'city' | 'county' | 'township';
  region: { city?: string; county?: string; township?: string };
  occupation: string;
  organisation: string;
  story: string;
  highlights: { label: string; value: string }[];
  phones: string[];
  topics: string[];
  featured?: boolean;
  publish?: string;
}

export const deputies: SeedDeputy[] = [
  {
    key: 'chen',
    name: '陈德明',
    level: 'county',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    occupation: '生态农场负责人',
    organisation: '石门县清溪生态农业有限公司',
    story:
      '2016 年，在外创业多年的陈德明回到家乡清溪镇，流转荒坡地 800 亩，办起了生态茶园和林下养鸡场。\n\n' +
      '当选县人大代表后，他把农场定位为“扶贫车间”：优先吸纳建档立卡贫困户务工，手把手教种茶、制茶和养殖技术，' +
      '并与 46 户贫困户签订保底收购协议。\n\n' +
      '> “一个人富了不算富，乡亲们一起富了才是真的富。”\n\n' +
      '如今，农场带动周边户均年增收 1.2 万元，其中 12 名学员已经自己当上了“小老板”。',
    highlights: [
      { label: '吸纳贫困户务工', value: '46人' },
      { label: '户均年增收', value: '1.2万元' },
      { label: '流转土地', value: '800亩' },
    ],
    phones: ['13800138001'],
    topics: ['产业扶贫', '就业帮扶'],
    featured: true,
    publish: '2026-01-12T09:00:00+08:00',
  },
  {
    key: 'liu',
    name: '刘建华',
    level: 'city',
    region: { city: CITY, county: '青山区' },
    occupation: '企业董事长',
    organisation: '云岭市青山建材集团',
    story:
      '作为市人大代表，刘建华牵头组织 18 家企业与青山区 28 个贫困村结对，投入帮扶资金 1600 余万元，' +
      '建成村级光伏电站 12 座，为村集体经济找到了稳定收入来源。',
    highlights: [
      { label: '结对贫困村', value: '28个' },
      { label: '帮扶资金', value: '1600万元' },
    ],
    phones: ['13800138002'],
    topics: ['产业扶贫'],
    featured: true,
    publish: '2026-01-20T09:00:00+08:00',
  },
  {
    key: 'zhang',
    name: '张桂芳',
    level: 'township',
    region: { city: CITY, county: '石门县', township: '桃源乡' },
    occupation: '村党支部书记',
    organisation: '桃源乡岩口村',
    story: '张桂芳扎根岩口村 20 年。她把代表联系点设在村委会，每月固定“接待日”，两年来收集群众意见 130 余条，推动修通了 6.5 公里通组路。',
    highlights: [
      { label: '收集群众意见', value: '130余条' },
      { label: '修通通组路', value: '6.5公里' },
    ],
    phones: ['13800138003'],
    topics: ['基础设施'],
    publish: '2026-02-03T09:00:00+08:00',
  },
  {
    key: 'yang',
    name: '杨志强',
    level: 'county',
    region: { city: CITY, county: '石门县' },
    occupation: '农技推广站站长',
    organisation: '石门县农业农村局',
    story: '杨志强带领农技人员常年驻村，推广高山冷凉蔬菜 3000 亩，培训农民 2400 人次，提出的《关于建立农产品冷链物流体系的建议》被县政府列为重点督办件。',
    highlights: [
      { label: '推广冷凉蔬菜', value: '3000亩' },
      { label: '培训农民', value: '2400人次' },
    ],
    phones: ['13800138004'],
    topics: ['产业扶贫', '代表建议'],
    publish: '2026-02-15T09:00:00+08:00',
  },
  {
    key: 'li',
    name: '李春梅',
    level: 'township',
    region: { city: CITY, county: '石门县', township: '白沙镇' },
    occupation: '电商创业者',
    organisation: '白沙镇农村电商服务站',
    story: '返乡青年李春梅开起网店，帮助乡亲们把土鸡蛋、红薯粉卖到全国，年销售额突破 300 万元。',
    highlights: [{ label: '年销售额', value: '300万元' }],
    phones: ['13800138005'],
    topics: ['电商扶贫'],
    publish: '2026-02-28T09:00:00+08:00',
  },
  {
    key: 'zhao',
    name: '赵永福',
    level: 'city',
    region: { city: CITY },
    occupation: '中学教师',
    organisation: '云岭市第三中学',
    story: '赵永福持续关注农村留守儿童教育，联合代表提出“乡村教师周转房”建议，推动新建周转房 220 套。',
    highlights: [{ label: '推动新建教师周转房', value: '220套' }],
    phones: ['13800138006'],
    topics: ['教育扶贫', '代表建议'],
    publish: '2026-03-06T09:00:00+08:00',
  },
  {
    key: 'wu',
    name: '吴海燕',
    level: 'county',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    occupation: '乡村医生',
    organisation: '清溪镇卫生院',
    story: '吴海燕坚持为行动不便的贫困患者上门服务，建立慢病随访台账 380 份。',
    highlights: [{ label: '慢病随访台账', value: '380份' }],
    phones: ['13800138007'],
    topics: ['健康扶贫'],
  },
  {
    key: 'zhou',
    name: '周国平',
    level: 'township',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    occupation: '合作社理事长',
    organisation: '清溪镇茶叶专业合作社',
    story: '周国平带领合作社统一品种、统一标准、统一销售，社员茶青收购价提高两成。',
    highlights: [{ label: '入社农户', value: '210户' }],
    phones: ['13800138008'],
    topics: ['产业扶贫'],
  },
];

const townshipMembers = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}${['文', '武', '安', '康', '宁', '和', '顺', '兴', '旺', '福', '禄', '寿'][i % 12]}${i >= 12 ? i : ''}`, level: 'township' as const }));

export interface SeedGroup {
  key: string;
  name: string;
  region: { city?: string; county?: string; township?: string };
  roomAddress: string;
  body: string;
  memberKeys: { key: string; role?: string }[];
  extraMembers: { name: string; level: 'city' | 'county' | 'township'; role?: string; occupation?: string }[];
  activities: { date: string; theme: string; participants: string; outcomes: string }[];
  publish?: string;
}

export const groups: SeedGroup[] = [
  {
    key: 'qingxi',
    name: '清溪镇第一代表小组',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    roomAddress: '清溪镇人大代表之家（镇政府院内二楼）',
    body: '小组由市、县、镇三级人大代表 15 人组成，坚持“每月一次集中活动、每季一次专题视察”。',
    memberKeys: [{ key: 'chen', role: '组长' }, { key: 'wu' }, { key: 'zhou', role: '联络员' }],
    extraMembers: [{ name: '何立新', level: 'city', occupation: '市农业农村局干部' }, { name: '罗平', level: 'county' }, ...townshipMembers('清溪代表', 10)],
    activities: [
      { date: '2026-01-08', theme: '入户走访脱贫监测户', participants: '13名代表', outcomes: '走访82户，收集意见建议17条' },
      { date: '2026-02-21', theme: '视察茶产业示范基地', participants: '15名代表', outcomes: '形成视察报告1份，提出建议5条' },
      { date: '2026-03-15', theme: '代表接待日', participants: '9名代表', outcomes: '接待群众46人次，现场答复31件' },
    ],
    publish: '2026-03-18T10:00:00+08:00',
  },
  {
    key: 'taoyuan',
    name: '桃源乡代表小组',
    region: { city: CITY, county: '石门县', township: '桃源乡' },
    roomAddress: '桃源乡岩口村代表联络站',
    body: '小组聚焦通组路、安全饮水等民生短板，推动问题一件件落地。',
    memberKeys: [{ key: 'zhang', role: '组长' }],
    extraMembers: [{ name: '孙丽', level: 'county' }, ...townshipMembers('桃源代表', 13)],
    activities: [
      { date: '2026-02-10', theme: '安全饮水工程专题调研', participants: '11名代表', outcomes: '推动解决3个村民组饮水问题' },
      { date: '2026-03-12', theme: '民生实事项目票决前征求意见', participants: '14名代表', outcomes: '梳理候选项目12个' },
    ],
    publish: '2026-03-20T10:00:00+08:00',
  },
  {
    key: 'chengguan',
    name: '青山区城关片区代表小组',
    region: { city: CITY, county: '青山区', township: '城关街道' },
    roomAddress: '城关街道代表联络站',
    body: '城区片区小组发挥企业家代表多的优势，开展“企村结对”。',
    memberKeys: [{ key: 'liu', role: '组长' }, { key: 'zhao' }],
    extraMembers: [{ name: '黄明', level: 'county' }, ...townshipMembers('城关代表', 12)],
    activities: [{ date: '2026-01-25', theme: '企村结对推进会', participants: '15名代表及18家企业', outcomes: '新增结对项目9个' }],
  },
];

export interface SeedCase {
  title: string;
  caseKind: 'group_activity' | 'township_presidium' | 'standing_committee';
  region: { city?: string; county?: string; township?: string };
  summary: string;
  body: string;
  figures: { label: string; value: string }[];
  deputyKeys: string[];
  groupKeys: string[];
  topics: string[];
  publish?: string;
}

export const cases: SeedCase[] = [
  {
    title: '清溪镇代表小组“五个一”活动模式',
    caseKind: 'group_activity',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    summary: '每名代表联系一批脱贫户、领办一件实事、提出一条建议、参加一次视察、开展一次述职，让代表小组活动常态化、实效化。',
    body: '## 做法\n\n1. **联系一批脱贫户**：每名代表固定联系 5 至 8 户。\n2. **领办一件实事**：年初认领，年底公示。\n3. **提出一条建议**：经小组集体研究后提交。\n4. **参加一次视察**：围绕产业和民生项目。\n5. **开展一次述职**：向选民报告履职情况。\n\n## 成效\n\n两年来，小组代表领办实事 42 件，全部按期完成。',
    figures: [
      { label: '领办实事', value: '42件' },
      { label: '联系脱贫户', value: '96户' },
    ],
    deputyKeys: ['chen', 'zhou'],
    groupKeys: ['qingxi'],
    topics: ['代表小组'],
    publish: '2026-03-25T09:00:00+08:00',
  },
  {
    title: '桃源乡人大主席团民生实事项目票决制',
    caseKind: 'township_presidium',
    region: { city: CITY, county: '石门县', township: '桃源乡' },
    summary: '乡人大主席团组织代表广泛征集、集中票决、全程监督民生实事项目，“为民作主”变为“由民作主”。',
    body: '## 流程\n\n征集 → 初审 → 票决 → 实施 → 评议。\n\n2026 年，乡人民代表大会票决产生 8 件民生实事，涵盖通组路、饮水、村卫生室改造等。',
    figures: [
      { label: '票决民生实事', value: '8件' },
      { label: '代表参与监督', value: '37人次' },
    ],
    deputyKeys: ['zhang'],
    groupKeys: ['taoyuan'],
    topics: ['乡镇人大'],
    publish: '2026-03-26T09:00:00+08:00',
  },
  {
    title: '石门县人大常委会“三级联动”督办代表建议',
    caseKind: 'standing_committee',
    region: { city: CITY, county: '石门县' },
    summary: '常委会主任会议领衔督办重点建议，专工委对口督办，代表全程参与，312 件代表建议全部办结。',
    body: '## 机制\n\n- 主任会议成员领衔督办 10 件重点建议；\n- 各专门工作委员会对口督办；\n- 建议提出代表参与办理“面对面”沟通。\n\n## 结果\n\n全县人代会期间交办的 **312 件**代表建议全部办结，代表满意率 96.8%。',
    figures: [
      { label: '办理代表建议', value: '312件' },
      { label: '办结率', value: '100%' },
      { label: '代表满意率', value: '96.8%' },
    ],
    deputyKeys: ['yang', 'zhao'],
    groupKeys: [],
    topics: ['代表建议'],
    publish: '2026-03-27T09:00:00+08:00',
  },
];

export type ArticleStage = 'draft' | 'in_review' | 'approved' | 'published';

export interface SeedArticle {
  title: string;
  byline: string;
  region: { city?: string; county?: string; township?: string };
  topics: string[];
  body: string;
  stage: ArticleStage;
  publish?: string;
  featured?: boolean;
  deputyKeys?: string[];
  groupKeys?: string[];
  caseTitles?: string[];
}

export const articles: SeedArticle[] = [
  {
    title: '青山区28个贫困村全部出列 人大代表助力脱贫攻坚',
    byline: '云岭市人大常委会办公室',
    region: { city: CITY, county: '青山区' },
    topics: ['脱贫攻坚', '产业扶贫'],
    body: '近日，经第三方评估，青山区 28 个贫困村全部达到出列标准。\n\n在这场攻坚战中，全区各级人大代表 **630 余人**深入一线，结对帮扶、建言献策。市人大代表刘建华牵头“企村结对”，为村集体经济注入了持续动力。\n\n区人大常委会负责人表示，将继续组织代表围绕巩固拓展脱贫攻坚成果开展专题视察。',
    stage: 'published',
    publish: '2026-01-15T10:00:00+08:00',
    featured: true,
    deputyKeys: ['liu'],
    groupKeys: ['chengguan'],
  },
  {
    title: '石门县人大常委会312件代表建议全部办结',
    byline: '石门县人大常委会',
    region: { city: CITY, county: '石门县' },
    topics: ['代表建议'],
    body: '石门县人大常委会创新“三级联动”督办机制，县十八届人大三次会议期间代表提出的 312 件建议全部办结，其中已解决或基本解决的 241 件。\n\n代表们普遍反映，办理过程“看得见、摸得着”。',
    stage: 'published',
    publish: '2026-02-05T10:00:00+08:00',
    deputyKeys: ['yang'],
    caseTitles: ['石门县人大常委会“三级联动”督办代表建议'],
  },
  {
    title: '陈德明代表：生态农场里的“致富经”',
    byline: '记者 林晓',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    topics: ['产业扶贫', '就业帮扶'],
    body: '清晨六点，清溪镇生态茶园里已经热闹起来。46 名在农场务工的脱贫群众跟着县人大代表陈德明学习修剪茶树。\n\n“以前在家守着几亩薄地，现在每月有 2800 元工资，还学了手艺。”脱贫户王大姐说。',
    stage: 'published',
    publish: '2026-02-20T10:00:00+08:00',
    featured: true,
    deputyKeys: ['chen'],
    groupKeys: ['qingxi'],
  },
  {
    title: '清溪镇代表小组开展入户走访活动',
    byline: '清溪镇人大主席团',
    region: { city: CITY, county: '石门县', township: '清溪镇' },
    topics: ['代表小组'],
    body: '1 月 8 日，清溪镇第一代表小组 13 名代表分组入户走访脱贫监测户 82 户，收集意见建议 17 条，现场解决 9 条。',
    stage: 'published',
    publish: '2026-03-01T10:00:00+08:00',
    groupKeys: ['qingxi'],
    caseTitles: ['清溪镇代表小组“五个一”活动模式'],
  },
  {
    title: '云岭市“人大代表在行动”经验交流会召开',
    byline: '云岭市人大常委会办公室',
    region: { city: CITY },
    topics: ['经验交流'],
    body: '3 月 28 日，云岭市“人大代表在行动”助力脱贫攻坚经验交流会召开。会上，代表小组活动、乡镇人大主席团工作、常委会组织代表活动三类典型模式作了交流发言。',
    stage: 'published',
    publish: '2026-03-28T16:00:00+08:00',
    caseTitles: ['清溪镇代表小组“五个一”活动模式', '桃源乡人大主席团民生实事项目票决制', '石门县人大常委会“三级联动”督办代表建议'],
  },
  {
    title: '桃源乡人大主席团票决民生实事项目',
    byline: '桃源乡人大主席团',
    region: { city: CITY, county: '石门县', township: '桃源乡' },
    topics: ['乡镇人大'],
    body: '桃源乡第十届人民代表大会第五次会议以无记名投票方式，从 12 个候选项目中票决产生 8 件民生实事。',
    stage: 'approved',
    deputyKeys: ['zhang'],
    groupKeys: ['taoyuan'],
  },
  {
    title: '白沙镇代表直播助销农产品',
    byline: '白沙镇人大主席团',
    region: { city: CITY, county: '石门县', township: '白沙镇' },
    topics: ['电商扶贫'],
    body: '镇人大代表李春梅走进直播间，三小时售出土鸡蛋 1.2 万枚、红薯粉 3 吨。',
    stage: 'in_review',
    deputyKeys: ['li'],
  },
  {
    title: '代表联络站建设情况调研（草稿）',
    byline: '研究室',
    region: { city: CITY },
    topics: ['代表联络站'],
    body: '待补充调研数据。',
    stage: 'draft',
  },
];
