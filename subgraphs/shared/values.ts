/**
 * Value types every subgraph resolves the same way (so @shareable fields agree): municipalities
 * from the bundled code table, industries from the JSIC list, organization references by id.
 */
import { getMunicipality } from '../../domain/municipalities';
import { JSIC_DIVISIONS, type JsicDivision } from '../../domain/vocabulary';

export interface MunicipalityValue {
  code: string;
  name: string;
  nameKana: string | null;
  prefecture: string | null;
  prefectureCode: string | null;
}

export interface IndustryValue {
  code: string;
  name: string;
}

/** A reference to an entity another subgraph owns. */
export interface OrganizationReference {
  id: string;
}

const NATIONWIDE: MunicipalityValue = {
  code: '000000',
  name: '全国',
  nameKana: null,
  prefecture: null,
  prefectureCode: null,
};

export function municipalityValue(code: string | null | undefined): MunicipalityValue | null {
  if (!code) return null;
  if (code === NATIONWIDE.code) return NATIONWIDE;
  const m = getMunicipality(code);
  if (!m) return null;
  return {
    code: m.code,
    name: m.name,
    nameKana: m.kana || null,
    prefecture: m.prefecture,
    prefectureCode: m.prefectureCode,
  };
}

export function industryValue(code: string | null | undefined): IndustryValue | null {
  if (!code || !(code in JSIC_DIVISIONS)) return null;
  return { code, name: JSIC_DIVISIONS[code as JsicDivision] };
}
