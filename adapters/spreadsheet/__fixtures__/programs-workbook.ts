/**
 * Writes the XLSX fixture the way an agency's Excel file looks: a title block above the header,
 * a merged title and a merged 種別 cell spanning three programmes, rich text, real dates,
 * formatted numbers and a formula, one broken formula (#N/A), and a second sheet of seminars
 * whose header sits on row 2. Tests generate it into a temp directory instead of committing the
 * binary. Run directly to look at it in Excel: `npx tsx adapters/spreadsheet/__fixtures__/programs-workbook.ts out.xlsx`.
 */
import { Workbook } from 'exceljs';

export const PROGRAM_SHEET = '施策一覧';
export const SEMINAR_SHEET = 'セミナー';

const HEADER = ['施策ID', '施策名', '種別', '支援分野', '上限額', '補助率', '受付開始', '受付終了', '詳細'];

const jst = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

export function buildProgramsWorkbook(): Workbook {
  const workbook = new Workbook();
  workbook.creator = 'テスト機関';

  const programs = workbook.addWorksheet(PROGRAM_SHEET);
  programs.getCell('A1').value = '令和8年度 中小企業支援施策一覧';
  programs.mergeCells('A1:I1');
  programs.getCell('A2').value = '（令和8年11月1日現在）';
  // Row 3 is left blank, as in most hand-made lists.
  programs.getRow(4).values = HEADER;
  programs.getRow(5).values = [
    'XL-001',
    { richText: [{ text: 'ものづくり' }, { text: '新製品開発', font: { bold: true } }, { text: '補助金' }] },
    '補助金',
    '技術、経営',
    1_000_000,
    0.5,
    jst(2026, 4, 1),
    jst(2026, 6, 30),
    '対象経費の<br>1/2を補助します。',
  ];
  programs.getRow(6).values = [
    'XL-002',
    'IT導入補助金',
    null,
    'IT・DX',
    500_000,
    2 / 3,
    jst(2026, 5, 7),
    jst(2026, 7, 31),
    null,
  ];
  programs.getRow(7).values = [
    'XL-003',
    '省エネ設備補助金',
    null,
    '環境・エネルギー',
    3_000_000,
    null,
    '令和8年6月1日',
    '令和8年12月25日',
    null,
  ];
  // One 種別 for three programmes, merged vertically as people do to avoid retyping it.
  programs.mergeCells('C5:C7');
  programs.getCell('E5').numFmt = '#,##0';
  programs.getCell('F5').numFmt = '0%';
  programs.getCell('F6').numFmt = '0.0%';
  programs.getRow(8).values = [
    'XL-004',
    '経営相談窓口',
    '相談窓口',
    '経営',
    null,
    null,
    null,
    null,
    { formula: 'CONCAT("予約制","・無料")', result: '予約制・無料' },
  ];
  programs.getRow(9).values = ['XL-005', '宝くじ販売支援', '宝くじ', '経営', null, null, null, null, null];
  programs.getRow(10).values = [
    'XL-006',
    '融資あっせん',
    '融資',
    '金融・資金繰り',
    { formula: 'VLOOKUP(A10,X:Y,2,FALSE)', result: { error: '#N/A' } },
    null,
    null,
    null,
    null,
  ];
  programs.getRow(11).values = [];
  programs.getRow(12).values = [
    'XL-007',
    { text: '販路開拓セミナー（詳細）', hyperlink: 'https://agency.example/seminar' },
    'セミナー',
    '販路開拓',
    null,
    null,
    jst(2026, 9, 1),
    jst(2026, 8, 1),
    null,
  ];

  const seminars = workbook.addWorksheet(SEMINAR_SHEET);
  seminars.getCell('A1').value = 'セミナー・イベント';
  seminars.getRow(2).values = HEADER;
  seminars.getRow(3).values = [
    'SM-01',
    '創業塾',
    'セミナー',
    '起業・創業',
    null,
    null,
    jst(2026, 10, 1),
    jst(2026, 11, 15),
    '全5回',
  ];
  seminars.getRow(4).values = [
    'SM-02',
    '事業承継セミナー',
    'セミナー',
    '事業承継',
    null,
    null,
    jst(2026, 12, 1),
    jst(2027, 1, 20),
    null,
  ];
  return workbook;
}

export async function writeProgramsWorkbook(file: string): Promise<void> {
  await buildProgramsWorkbook().xlsx.writeFile(file);
}

if (require.main === module) {
  writeProgramsWorkbook(process.argv[2] ?? 'programs.xlsx').catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
