import type { Random } from './random';

/**
 * Meter models common in Russian homes, with what the demo needs to know about them: how many
 * tariff zones they can keep, how many whole-kWh digits the register has (5-digit registers roll
 * over after 99 999), the verification interval, how long their serial numbers are, and whether
 * they report by themselves (automated metering, АСКУЭ).
 */
export interface MeterModel {
  name: string;
  maxZones: 1 | 2 | 3;
  digits: 5 | 6;
  /** Years between verifications (межповерочный интервал). */
  interval: number;
  serialDigits: 8 | 12;
  automated: boolean;
  /** Old models are what expired verifications and rollovers are made of. */
  old: boolean;
}

// biome-ignore format: a table reads better packed
export const METER_MODELS: readonly MeterModel[] = [
  { name: 'Меркурий 201.5', maxZones: 1, digits: 6, interval: 16, serialDigits: 8, automated: false, old: false },
  { name: 'Меркурий 201.2', maxZones: 1, digits: 5, interval: 16, serialDigits: 8, automated: false, old: true },
  { name: 'Энергомера CE101 R5 145', maxZones: 1, digits: 6, interval: 16, serialDigits: 12, automated: false, old: false },
  { name: 'Энергомера CE101 S6 145', maxZones: 1, digits: 5, interval: 16, serialDigits: 12, automated: false, old: true },
  { name: 'Нева 101 1S0', maxZones: 1, digits: 6, interval: 16, serialDigits: 8, automated: false, old: false },
  { name: 'СО-505', maxZones: 1, digits: 5, interval: 16, serialDigits: 8, automated: false, old: true },
  { name: 'Меркурий 200.02', maxZones: 3, digits: 6, interval: 10, serialDigits: 8, automated: false, old: false },
  { name: 'Энергомера CE102M R5 145-A', maxZones: 3, digits: 6, interval: 16, serialDigits: 12, automated: false, old: false },
  { name: 'Нева МТ 124 AS OP', maxZones: 3, digits: 6, interval: 16, serialDigits: 8, automated: false, old: false },
  { name: 'Меркурий 206 PRN', maxZones: 3, digits: 6, interval: 16, serialDigits: 8, automated: true, old: false },
  { name: 'Милур 107S.22', maxZones: 3, digits: 6, interval: 16, serialDigits: 8, automated: true, old: false },
  { name: 'Матрица NP71E.1-1-3', maxZones: 3, digits: 6, interval: 16, serialDigits: 8, automated: true, old: false },
];

/** What kind of meter an account should get; the generator decides the special cases first. */
export interface MeterWish {
  zones: 1 | 2 | 3;
  automated: boolean;
  /** A 5-digit register is required (rollover cases). */
  fiveDigits?: boolean;
  /** Prefer an old model (expired verification). */
  old?: boolean;
}

/** A model that can do what is wished, chosen at random among the fitting ones. */
export function pickModel(random: Random, wish: MeterWish): MeterModel {
  let fitting = METER_MODELS.filter(
    (m) =>
      m.maxZones >= wish.zones &&
      m.automated === wish.automated &&
      (!wish.fiveDigits || m.digits === 5),
  );
  // Single-zone residents mostly keep simple single-zone meters; old ones where asked.
  if (wish.zones === 1 && !wish.automated) {
    fitting = fitting.filter((m) => m.maxZones === 1);
    if (wish.old !== undefined) {
      const byAge = fitting.filter((m) => m.old === wish.old);
      if (byAge.length > 0) fitting = byAge;
    }
  }
  return random.pick(fitting);
}
