/**
 * When the demo's consultations happen: the business days of a fiscal year (public offices close
 * on Japan's public holidays, from @holiday-jp/holiday_jp's table, which runs to 2050, and for the
 * year end), seasonal and
 * weekday intensity per kind of question, and the hours counters are busiest.
 */
import { holidays as JAPANESE_HOLIDAYS } from '@holiday-jp/holiday_jp';
import type { SupportFieldCode } from '../domain/vocabulary';
import { pad, randInt, type Rng, Weighted } from './random';

/** Whether a day (YYYY-MM-DD) is a public holiday in Japan (国民の祝日, 振替休日, 国民の休日). */
const isHoliday = (isoDay: string): boolean => Object.hasOwn(JAPANESE_HOLIDAYS, isoDay);

export interface Day {
  label: string; // YYYY/MM/DD
  month: number; // 1..12
  weekday: number; // 0 Sunday
  /** Days since 1 April: rows sort on it without parsing dates. */
  ordinal: number;
}

export interface Calendar {
  weekdays: Day[];
  saturdays: Day[];
}

export function buildCalendar(fiscalYear: number): Calendar {
  const weekdays: Day[] = [];
  const saturdays: Day[] = [];
  const start = Date.UTC(fiscalYear, 3, 1);
  const end = Date.UTC(fiscalYear + 1, 3, 1);
  for (let t = start; t < end; t += 86_400_000) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const weekday = d.getUTCDay();
    // Public offices close for the year end (29 Dec – 3 Jan) and on public holidays.
    if ((m === 12 && day >= 29) || (m === 1 && day <= 3) || isHoliday(d.toISOString().slice(0, 10))) continue;
    const entry: Day = {
      label: `${y}/${pad(m, 2)}/${pad(day, 2)}`,
      month: m,
      weekday,
      ordinal: (t - start) / 86_400_000,
    };
    if (weekday >= 1 && weekday <= 5) weekdays.push(entry);
    else if (weekday === 6) saturdays.push(entry);
  }
  return { weekdays, saturdays };
}

export type Season = 'general' | 'subsidy' | 'finance' | 'employment';

// Monthly intensity, April first. Subsidy calls open in spring; money is tight before the
// year end and the fiscal year end; hiring questions follow the graduate cycle; August is お盆.
const SEASONS: Record<Season, readonly number[]> = {
  general: [1.05, 1.05, 1.05, 1.0, 0.75, 0.95, 1.0, 0.95, 0.9, 0.85, 1.0, 1.0],
  subsidy: [1.35, 1.3, 1.15, 0.95, 0.7, 0.9, 0.95, 0.9, 0.8, 0.85, 0.95, 1.0],
  finance: [0.95, 0.9, 0.95, 0.95, 0.8, 1.0, 0.95, 1.05, 1.4, 0.85, 1.05, 1.4],
  employment: [1.15, 1.0, 1.0, 1.0, 0.75, 1.0, 1.1, 1.0, 0.85, 0.95, 1.05, 1.1],
};
export const SEASON_OF: Record<SupportFieldCode, Season> = {
  TECHNOLOGY: 'general',
  MANAGEMENT: 'subsidy',
  FINANCE: 'finance',
  EMPLOYMENT: 'employment',
  SALES: 'subsidy',
  STARTUP: 'subsidy',
  LABOR: 'employment',
  IP: 'general',
  SUCCESSION: 'general',
  DX: 'subsidy',
  OVERSEAS: 'general',
  ENVIRONMENT: 'general',
  DISASTER: 'general',
};
// Mondays bring the weekend's worries; Friday afternoons are quiet.
const WEEKDAY_FACTOR = [0, 1.1, 1.0, 1.0, 1.0, 0.9, 0];

export type DayPicker = Weighted<Day>;

export function dayPickers(calendar: Calendar): Record<Season, DayPicker> {
  const make = (season: Season) =>
    new Weighted(
      calendar.weekdays.map((d) => [d, SEASONS[season][(d.month + 8) % 12] * WEEKDAY_FACTOR[d.weekday]] as const),
    );
  return {
    general: make('general'),
    subsidy: make('subsidy'),
    finance: make('finance'),
    employment: make('employment'),
  };
}

// Counters open 9:00–17:30; late morning and early afternoon are busiest.
const HOURS = new Weighted<number>([
  [9, 0.6],
  [10, 1.2],
  [11, 1.1],
  [12, 0.45],
  [13, 1.0],
  [14, 1.2],
  [15, 1.1],
  [16, 0.8],
  [17, 0.25],
]);

export const TIME_LABELS = Array.from({ length: 24 * 60 }, (_, m) => `${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}`);

/** Minutes since midnight. */
export function timeOfDay(rng: Rng): number {
  const hour = HOURS.pick(rng);
  let minute = hour === 17 ? randInt(rng, 31) : randInt(rng, 60);
  // Appointments are booked on the quarter hour.
  if (rng() < 0.3 && hour < 17) minute -= minute % 15;
  return hour * 60 + minute;
}
