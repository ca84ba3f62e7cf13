import { normalizePhone, phoneDigits } from '../domain/normalize';
import { generateConsultationLogs } from './consultations';
import { HYOGO_MUNICIPALITIES, TOSHIMA_MUNICIPALITIES } from './municipalities';

describe('phone numbers and addresses in the demo logs', () => {
  const rows = [...generateConsultationLogs({ total: 20_000 }).values()].flat();

  it('are valid Japanese numbers, and one firm has one number and one address across agencies', () => {
    const phones = new Map<string, Set<string>>();
    const addresses = new Map<string, Set<string>>();
    for (const r of rows) {
      const firm = r.corporateNumber ?? `${r.companyName}|${r.municipalityCode}`;
      if (r.phone) {
        expect({ phone: r.phone, ok: normalizePhone(r.phone).ok }).toEqual({ phone: r.phone, ok: true });
        (phones.get(firm) ?? phones.set(firm, new Set()).get(firm)!).add(phoneDigits(r.phone));
      }
      if (r.address) (addresses.get(firm) ?? addresses.set(firm, new Set()).get(firm)!).add(r.address);
    }
    const corporate = [...phones.entries()].filter(([k]) => /^\d{13}$/.test(k));
    expect(corporate.length).toBeGreaterThan(1000);
    expect(corporate.filter(([, s]) => s.size > 1)).toEqual([]);
    expect([...addresses.entries()].filter(([k, s]) => /^\d{13}$/.test(k) && s.size > 1)).toEqual([]);
  });

  it('are missing from some records, as agencies record them unevenly', () => {
    const share = rows.filter((r) => r.phone).length / rows.length;
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.8);
    // An address starts with the firm's municipality, as the log's 所在地コード gives it.
    const names = new Map([...HYOGO_MUNICIPALITIES, ...TOSHIMA_MUNICIPALITIES].map((m) => [m.code, m.name]));
    const stray = rows.filter((r) => r.address && !r.address.startsWith(names.get(r.municipalityCode)!));
    expect(stray).toEqual([]);
  });
});
