import { periodOf, splitPeriod } from './calendar';

/**
 * The fictional supplier's residential tariffs, in kopecks per kWh. Like Russian regulated prices
 * they rise once a year on 1 July; rural settlements and homes with electric stoves pay 0.7 of the
 * urban price (the coefficient of Приказ ФСТ №1473-э). Multi-zone meters get a dearer day or peak
 * price and a cheap night.
 */

export type TariffPlan = 'urban' | 'rural' | 'electric-stove';
export type Zone = 'T1' | 'T2' | 'T3';

export const TARIFF_PLANS: readonly TariffPlan[] = ['urban', 'rural', 'electric-stove'];

/** The zones a meter with 1, 2 or 3 tariff zones registers, in order. */
export const ZONES_OF: Readonly<Record<1 | 2 | 3, readonly Zone[]>> = {
  1: ['T1'],
  2: ['T1', 'T2'],
  3: ['T1', 'T2', 'T3'],
};

/** Price of a zone relative to the single-zone price: 2 zones T1 day / T2 night; 3 zones T1 peak / T2 night / T3 half-peak. */
const ZONE_FACTORS: Readonly<Record<1 | 2 | 3, readonly number[]>> = {
  1: [1],
  2: [1.15, 0.55],
  3: [1.3, 0.55, 1],
};

/** The urban single-zone price from 1 July 2024; each later July adds 11.5 %. */
const URBAN_BASE_2024 = 648;
const YEARLY_RISE = 1.115;
const REDUCED = 0.7;

export interface TariffRow {
  plan: TariffPlan;
  zones: 1 | 2 | 3;
  zone: Zone;
  valid_from: string;
  price_kopecks: number;
}

/** The single-zone price of a plan for the tariff year starting in July of `year`. */
function singleZonePrice(plan: TariffPlan, year: number): number {
  const urban = URBAN_BASE_2024 * YEARLY_RISE ** (year - 2024);
  return Math.round(plan === 'urban' ? urban : urban * REDUCED);
}

/** The tariff year (the year of the July it starts in) a period falls into. */
export function tariffYear(period: string): number {
  const { year, month } = splitPeriod(period);
  return month >= 7 ? year : year - 1;
}

/** The price of one zone of one plan in one period, in kopecks per kWh. */
export function priceOf(
  plan: TariffPlan,
  zones: 1 | 2 | 3,
  zoneIndex: number,
  period: string,
): number {
  const factor = ZONE_FACTORS[zones][zoneIndex];
  if (factor === undefined) throw new Error(`no zone ${zoneIndex} on a ${zones}-zone meter`);
  return Math.round(singleZonePrice(plan, tariffYear(period)) * factor);
}

/**
 * Every tariff row needed from `first` to `last` (periods), one per plan × meter kind × zone ×
 * July, starting with the July in force at `first` so that each period has a price.
 */
export function tariffRows(first: string, last: string): TariffRow[] {
  const rows: TariffRow[] = [];
  for (let year = tariffYear(first); year <= tariffYear(last); year++) {
    const validFrom = periodOf(year, 7);
    for (const plan of TARIFF_PLANS) {
      for (const zones of [1, 2, 3] as const) {
        ZONES_OF[zones].forEach((zone, index) => {
          rows.push({
            plan,
            zones,
            zone,
            valid_from: validFrom,
            price_kopecks: priceOf(plan, zones, index, validFrom),
          });
        });
      }
    }
  }
  return rows;
}

/** Ledger-friendly names of zones, as printed on a receipt. */
export function zoneLabel(zones: 1 | 2 | 3, zone: Zone): string {
  if (zones === 1) return 'Электроснабжение';
  if (zones === 2)
    return zone === 'T1' ? 'Электроснабжение, день (T1)' : 'Электроснабжение, ночь (T2)';
  if (zone === 'T1') return 'Электроснабжение, пик (T1)';
  return zone === 'T2' ? 'Электроснабжение, ночь (T2)' : 'Электроснабжение, полупик (T3)';
}
