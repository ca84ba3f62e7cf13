import { mapRecord, mappedColumns, requiredColumns } from './fields';

const base = { localId: 'ID', title: '名称', kind: { value: '補助金' } };

describe('mapping rules', () => {
  test('one-line text with html: true resolves tags and entities', () => {
    const r = mapRecord('program', { ...base, title: { column: '名称', html: true }, contact: '窓口' }, { ID: 'A1', 名称: '融資&nbsp;制度<br>（&#44;付き）', 窓口: '経済局&nbsp;' }, 2, 'x');
    expect(r).toMatchObject({ ok: true, fields: { title: '融資 制度 (,付き)', contact: '経済局&nbsp;' } });
  });

  test('ignoreUnknown keeps the vocabulary items of a mixed list and refuses nothing', () => {
    const mapping = { ...base, supportFields: { column: '分類', split: [';#'], ignoreUnknown: true } };
    expect(mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 分類: '相談等;#資金繰り;#雇用・従業員' }, 2, 'x')).toMatchObject({ ok: true, fields: { supportFields: ['FINANCE', 'EMPLOYMENT'] } });
    const strict = { ...base, supportFields: { column: '分類', split: [';#'] } };
    expect(mapRecord('program', strict, { ID: 'A1', 名称: 'x', 分類: '相談等;#資金繰り' }, 2, 'x')).toMatchObject({ ok: false, rejections: [{ field: '分類', reason: 'unknown support field "相談等"' }] });
  });

  test('industries by JSIC letter or by name, as jGrants writes them', () => {
    const mapping = { ...base, industries: { column: '業種', split: ['/'] } };
    expect(mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 業種: '製造業 / 卸売業，小売業 / G / 宿泊業、飲食サービス業' }, 2, 'x')).toMatchObject({ ok: true, fields: { industries: ['E', 'I', 'G', 'M'] } });
    expect(mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 業種: 'Engineering' }, 2, 'x')).toMatchObject({ ok: false, rejections: [{ reason: '"Engineering" is not a JSIC division (A–T or its name)' }] });
  });

  test('a template builds a value from columns; all blank stays blank', () => {
    const mapping = { ...base, url: { template: 'https://example.jp/p/{ID}?from={元}' } };
    expect(mapRecord('program', mapping, { ID: 'A1', 名称: 'x', 元: 'list' }, 2, 'x')).toMatchObject({ ok: true, fields: { url: 'https://example.jp/p/A1?from=list' } });
    const required = { ...base, localId: { template: '{ID}' } };
    expect(mapRecord('program', required, { ID: ' ', 名称: 'x' }, 2, 'x')).toMatchObject({ ok: false, rejections: [{ field: 'localId', reason: 'required localId is empty' }] });
    expect(mappedColumns(mapping)).toEqual(['ID', '名称', '元']);
    expect(requiredColumns('program', required)).toEqual(['ID', '名称']);
  });
});
