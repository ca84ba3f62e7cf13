/**
 * The municipalities the demo's firms are in (data/consultations/municipalities.json: code, name,
 * weight, served by a 商工会議所, area). Codes checked against the localgovjp list; weights are
 * rough establishment counts in hundreds (経済センサス order of magnitude), enough to put most firms
 * where firms are. `cci` marks areas served by a 商工会議所; elsewhere the 商工会 is the local counter.
 */
import data from './data/consultations/municipalities.json';

export type Area = 'kobe' | 'hanshin' | 'harima' | 'tajima' | 'tanba' | 'awaji' | 'tokyo';
export type Region = 'hyogo' | 'toshima';

export interface DemoMunicipality {
  code: string;
  name: string;
  weight: number;
  cci: boolean;
  area: Area;
}

const read = (rows: ReadonlyArray<ReadonlyArray<string | number | boolean>>): DemoMunicipality[] =>
  rows.map(([code, name, weight, cci, area]) => ({
    code: code as string,
    name: name as string,
    weight: weight as number,
    cci: cci as boolean,
    area: area as Area,
  }));

export const HYOGO_MUNICIPALITIES: readonly DemoMunicipality[] = read(data.hyogo);
/** The Toshima counter's clients: the ward itself and the wards around Ikebukuro. */
export const TOSHIMA_MUNICIPALITIES: readonly DemoMunicipality[] = read(data.toshima);

export const DEMO_MUNICIPALITY_CODES: ReadonlySet<string> = new Set(
  [...HYOGO_MUNICIPALITIES, ...TOSHIMA_MUNICIPALITIES].map((m) => m.code),
);

export const municipalitiesOf = (region: Region): readonly DemoMunicipality[] =>
  region === 'hyogo' ? HYOGO_MUNICIPALITIES : TOSHIMA_MUNICIPALITIES;
