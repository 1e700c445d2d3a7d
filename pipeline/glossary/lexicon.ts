/**
 * The word lists name extraction guesses with: what makes a span a generic music term
 * rather than a name, which suffixes name an ensemble, venue or award, and which Han
 * characters transcribe foreign names. Pure data and tiny predicates, no I/O.
 *
 * The lists are deliberately about Chinese music writing; they rank candidates, they do
 * not decide what is locked (a person accepts or rejects every proposal).
 */
import type { EntryKind } from './model.ts'

/**
 * Morphemes of generic music vocabulary. A span containing one is a `term` candidate
 * (交响配乐, 电子音色, 主题旋律) unless something else marks it as a name (a title in
 * 《》, a number, an institution suffix after a proper part).
 */
export const GENERIC_MORPHEMES: readonly string[] = [
  '配乐', '音乐', '旋律', '元素', '音色', '音效', '结构', '动机', '乐器', '和声', '节奏', '技术',
  '录音', '独奏', '演绎', '音型', '氛围', '风格', '类型', '流派', '歌曲', '乐队现场', '乐段',
  '声部', '编制', '编曲', '作曲', '乐章', '调性', '曲式', '低音', '重复', '合成', '电子', '声场',
  '原声', '影视', '电影', '唱片', '专辑', '文化', '共鸣', '制作', '评论', '歌手', '流行', '年代',
  '复古', '迪斯科', '华语', '粤语', '古典', '浪漫', '巴洛克', '印象主义', '主义', '组曲式', '弦乐组',
  '弦乐', '管弦', '铜管', '木管', '打击乐', '钢琴', '小提琴', '大提琴', '合唱', '交响乐', '爵士',
  '摇滚', '民谣', '嘻哈', '说唱', '舞曲', '轻音乐', '不协和', '主题', '变奏', '赋格', '通奏',
  '奏鸣曲式', '乐剧', '惊悚片', '有声电影', '默片', '游戏', '动画', '系列', '现场', '同步',
  '小型', '大型', '各大', '本地', '学校', '社区', '青年', '专业', '传统', '民族', '非洲', '东方',
  '交响', '口琴', '主导', '大量', '许多', '一些', '各种', '各类', '这些', '循环', '渐进', '重要',
  '音频', '数字', '工作站', '年轻', '著名',
]

/**
 * Parts that make the head of an institution name proper when they stand in running
 * text (国家大剧院, 北京音乐厅); a transcribed name part (阿尔伯特, 奥斯卡) does too.
 */
export const PROPER_MARKERS: readonly string[] = ['皇家', '国家', '国际', '爱乐', '中央', '北京', '上海', '香港', '台北', '广州', '维也纳', '柏林', '伦敦', '纽约', '巴黎', '东京', '金色']

/** True when a head in running text has a proper part: a marker or two transcription characters in a row. */
export function hasProperPart(head: string): boolean {
  if (PROPER_MARKERS.some((marker) => head.includes(marker))) return true
  for (let k = 0; k + 1 < head.length; k++) if (TRANSLITERATION_CHARS.has(head[k]!) && TRANSLITERATION_CHARS.has(head[k + 1]!)) return true
  return false
}

/** Characters that carry no name on their own; removed with the morphemes when judging what is left. */
const FILLER = /[的与和及之、·\s]/gu

/**
 * Whole spans that are names of genres or forms even though they look like titles
 * (`*夜曲*` the genre, not a work). Compared after trimming.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  '交响曲', '奏鸣曲', '协奏曲', '夜曲', '叙事曲', '练习曲', '即兴曲', '圆舞曲', '进行曲', '前奏曲',
  '变奏曲', '谐谑曲', '组曲', '序曲', '狂想曲', '安魂曲', '弥撒', '康塔塔', '清唱剧', '歌剧', '芭蕾',
  '交响诗', '艺术歌曲', '室内乐', '四重奏', '三重奏', 'Soundtrack', 'soundtrack', 'OST', 'MV', 'DJ',
  '乐团', '乐队', '音乐厅', '剧院', '合唱团', '管弦乐团', '交响乐团', '奖项',
])

/** Suffixes that make a span an institution, with the kind they suggest. Longest first. */
export const INSTITUTION_SUFFIXES: readonly { suffix: string; kind: EntryKind }[] = [
  { suffix: '爱乐乐团', kind: 'ensemble' },
  { suffix: '交响乐团', kind: 'ensemble' },
  { suffix: '管弦乐团', kind: 'ensemble' },
  { suffix: '室内乐团', kind: 'ensemble' },
  { suffix: '合唱团', kind: 'ensemble' },
  { suffix: '三重奏', kind: 'ensemble' },
  { suffix: '四重奏', kind: 'ensemble' },
  { suffix: '乐团', kind: 'ensemble' },
  { suffix: '乐队', kind: 'ensemble' },
  { suffix: '组合', kind: 'ensemble' },
  { suffix: '音乐厅', kind: 'venue' },
  { suffix: '大剧院', kind: 'venue' },
  { suffix: '歌剧院', kind: 'venue' },
  { suffix: '剧院', kind: 'venue' },
  { suffix: '大厅', kind: 'venue' },
  { suffix: '艺术中心', kind: 'venue' },
  { suffix: '音乐中心', kind: 'venue' },
  { suffix: '体育场', kind: 'venue' },
  { suffix: '体育馆', kind: 'venue' },
  { suffix: '巨蛋', kind: 'venue' },
  { suffix: '教堂', kind: 'venue' },
  { suffix: '工作室', kind: 'studio' },
  { suffix: '唱片公司', kind: 'studio' },
  { suffix: '唱片', kind: 'studio' },
  { suffix: '音乐节', kind: 'award' },
  { suffix: '音乐祭', kind: 'award' },
  { suffix: '比赛', kind: 'award' },
  { suffix: '大赛', kind: 'award' },
  { suffix: '奖', kind: 'award' },
]

/**
 * Characters that lead into a name without being part of it: a run of Han text before
 * an institution suffix or a parenthetical is cut after the last of these.
 */
export const BOUNDARY_CHARS = new Set([...'是的和与及在了由为把被从对向以将并也还又都就等让使给跟同如像即或而且但则乃之其这那此该每各位首部场次个到届'])

/** Verbs that often stand right before a name (获得奥斯卡奖, 荣获格莱美奖). */
export const LEADING_VERBS: readonly string[] = ['获得', '荣获', '赢得', '摘得', '夺得', '斩获', '横扫', '拿下', '登上', '走进', '来到', '加入', '担任', '成立', '创办', '举办', '举行', '成为', '包括', '来自', '通过', '借助', '凭借', '联合', '带领', '执棒', '指挥', '演奏', '演唱', '创作', '写下', '写了', '推出', '发行', '选自', '出自']

/**
 * Han characters used to transcribe foreign names (音译用字). A run of three or more of
 * them in running text is most likely a foreign surname (赫尔曼, 希区柯克).
 */
export const TRANSLITERATION_CHARS = new Set([
  ...'阿埃艾爱安昂奥澳巴拜班邦鲍贝本比彼毕宾波伯勃博布查达戴丹道德迪蒂丁杜多厄恩尔法菲费芬丰弗福伏盖甘冈高戈哥格葛古瓜圭哈海汉杭豪赫亨洪胡华怀霍基吉加贾杰捷金卡凯坎康柯科克肯库夸奎拉莱赖兰朗劳勒雷蕾里理利莉丽连廉林琳铃柳隆卢鲁路伦罗洛马玛迈麦曼芒梅门蒙米密敏明缪摩莫姆穆纳娜奈南瑙内尼妮涅宁纽努诺欧帕派潘庞佩彭皮珀普齐奇恰乔切琴琼丘萨塞赛桑瑟森沙莎山尚绍舍申什史舒斯松苏索塔泰坦汤唐陶特提汀通图托瓦万旺威韦维文温沃乌伍西希锡谢辛休许雅亚扬耶伊因英尤于约泽扎詹珍兹佐区',
])

/**
 * True for generic vocabulary: a generic word, or a span built from generic morphemes
 * with less than three characters of anything else left (交响乐团配乐, 口琴主题). A span
 * with a proper part keeps it (哥德堡变奏曲, 星球大战主题, 肖邦国际钢琴比赛).
 */
export function isGeneric(text: string): boolean {
  const trimmed = text.trim()
  if (GENERIC_WORDS.has(trimmed)) return true
  // Removing morphemes only starts once one occurs in the text as given: a text without
  // any (most names) is not generic, found with one lookup per character instead of a
  // search for each of the morphemes.
  if (!hasMorpheme(trimmed)) return false
  let rest = trimmed
  let found = false
  for (const morpheme of GENERIC_MORPHEMES) {
    if (rest.includes(morpheme)) {
      found = true
      rest = rest.split(morpheme).join('')
    }
  }
  return found && [...rest.replace(FILLER, '')].length < 3
}

/** The generic morphemes by their first UTF-16 unit. */
const MORPHEMES_BY_FIRST = new Map<number, string[]>()
for (const morpheme of GENERIC_MORPHEMES) {
  const first = morpheme.charCodeAt(0)
  MORPHEMES_BY_FIRST.set(first, [...(MORPHEMES_BY_FIRST.get(first) ?? []), morpheme])
}

/** True when one of {@link GENERIC_MORPHEMES} occurs in `text`. */
function hasMorpheme(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const candidates = MORPHEMES_BY_FIRST.get(text.charCodeAt(k))
    if (candidates?.some((morpheme) => text.startsWith(morpheme, k))) return true
  }
  return false
}

/** The institution suffix `text` ends with, if any (longest first). */
export function institutionSuffix(text: string): { suffix: string; kind: EntryKind } | undefined {
  return INSTITUTION_SUFFIXES.find((row) => text.endsWith(row.suffix) && text.length > row.suffix.length)
}

/** Numbered works (第五交响曲, 第9号交响曲, 第一钢琴协奏曲) are names even though generic words. */
export function isNumberedWork(text: string): boolean {
  return /^第[一二三四五六七八九十百〇零\d]+号?.{0,6}(交响曲|协奏曲|奏鸣曲|四重奏|三重奏|钢琴协奏曲|小提琴协奏曲|叙事曲|谐谑曲|夜曲|练习曲)$/u.test(text)
}

/**
 * Verbs of winning: an award or competition right after one is a named one even when
 * its head has no proper part (横扫金曲奖, 拿下最佳新人奖).
 */
export const WINNING_VERBS: readonly string[] = ['获得', '荣获', '赢得', '摘得', '夺得', '斩获', '横扫', '拿下', '获']

/**
 * Role nouns that stand right before a person's name in running text (主唱吴青峰,
 * 制作人李宗盛, 局长宋楚瑜). Longest first, so 乐评人 is tried before 评论人's tail.
 */
export const ROLE_NOUNS: readonly string[] = [
  '词曲作者', '小提琴家', '大提琴家', '作曲家', '作词人', '制作人', '经纪人', '评论人', '乐评人', '指挥家',
  '钢琴家', '吉他手', '贝斯手', '键盘手', '主持人', '主唱', '歌手', '鼓手', '主席', '局长', '团长', '本名', '原名',
]

/** Verbs right after a name that give the same person another name (青峰化名为「日出」). */
export const ALIAS_VERBS: readonly string[] = ['化名', '改名']

/**
 * Common Chinese surnames (single and double). A Han name read from running text after
 * a role noun must start with one: 主唱林耕佑 yes, 主唱大声喊出 no.
 */
export const SURNAMES: ReadonlySet<string> = new Set([
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤詹温辛齐殷伍庾柯翁洪游施',
  '欧阳', '司马', '诸葛', '上官', '司徒', '皇甫', '令狐', '慕容', '尉迟',
])
