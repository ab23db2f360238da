import type { Random } from './random';

/**
 * Real Kamchatka settlements with plausible streets, so the demo reads like the supplier's own
 * customer base. Houses and flats are random: an address names no actual household on purpose.
 */

/** Whether a settlement bills at the urban price or the rural one (coefficient 0.7). */
export type SettlementKind = 'urban' | 'rural';

export interface Settlement {
  /** The name as stored in `accounts.settlement`. */
  name: string;
  /** The prefix used in an address: г., пгт, п., с. */
  prefix: string;
  kind: SettlementKind;
  /** Relative number of residential accounts (roughly the population). */
  weight: number;
  /** Share of flats in apartment blocks (the rest are private houses). */
  flats: number;
  streets: readonly string[];
}

const VILLAGE_STREETS = [
  'ул. Ленина',
  'ул. Советская',
  'ул. Школьная',
  'ул. Набережная',
  'ул. Лесная',
  'ул. Центральная',
  'ул. Молодёжная',
  'ул. Зелёная',
  'ул. Партизанская',
  'ул. Полевая',
  'ул. Садовая',
  'ул. Комсомольская',
  'ул. Октябрьская',
  'ул. Мира',
  'ул. Северная',
  'ул. Заречная',
  'пер. Почтовый',
  'пер. Речной',
] as const;

/** The settlements, weighted by population; the capital dominates as it does in reality. */
export const SETTLEMENTS: readonly Settlement[] = [
  {
    name: 'Петропавловск-Камчатский',
    prefix: 'г.',
    kind: 'urban',
    weight: 1600,
    flats: 0.93,
    // biome-ignore format: a word list reads better packed
    streets: [
      'ул. Ленинская', 'пр-т Карла Маркса', 'пр-т Победы', 'ул. Океанская', 'ул. Вилюйская',
      'ул. Ларина', 'ул. Тушканова', 'ул. Академика Королёва', 'пр-т 50 лет Октября',
      'ул. Пограничная', 'ул. Дальняя', 'ул. Автомобилистов', 'ул. Кроноцкая', 'ул. Циолковского',
      'ул. Бохняка', 'ул. Владивостокская', 'ул. Мишенная', 'ул. Советская', 'пр-т Рыбаков',
      'ул. Звёздная', 'ул. Топоркова', 'ул. Чубарова', 'ул. Ключевская', 'ул. Лукашевского',
      'ул. Абеля', 'ул. Индустриальная', 'ул. Чапаева', 'ул. Кавказская', 'ул. Морская',
      'ул. Горького', 'ул. Атласова', 'ул. Труда', 'ул. Виталия Кручины', 'ул. Савченко',
    ],
  },
  {
    name: 'Елизово',
    prefix: 'г.',
    kind: 'urban',
    weight: 380,
    flats: 0.7,
    // biome-ignore format: a word list reads better packed
    streets: [
      'ул. Ленина', 'ул. Завойко', 'ул. Рябикова', 'ул. Виталия Кручины', 'ул. Садовая',
      'ул. Пограничная', 'ул. Беринга', 'ул. Магистральная', 'ул. 40 лет Октября',
      'ул. Мурманская', 'ул. Геофизическая', 'ул. Связи', 'ул. Камчатская', 'ул. Школьная',
    ],
  },
  {
    name: 'Вилючинск',
    prefix: 'г.',
    kind: 'urban',
    weight: 210,
    flats: 0.95,
    // biome-ignore format: a word list reads better packed
    streets: [
      'ул. Победы', 'ул. Вилкова', 'ул. Кронштадтская', 'ул. Мира', 'ул. Приморская',
      'ул. Гусарова', 'ул. Владивостокская', 'ул. Спортивная', 'ул. Кобзаря', 'ул. Крашенинникова',
    ],
  },
  {
    name: 'Мильково',
    prefix: 'с.',
    kind: 'rural',
    weight: 75,
    flats: 0.25,
    streets: VILLAGE_STREETS,
  },
  { name: 'Ключи', prefix: 'с.', kind: 'rural', weight: 45, flats: 0.4, streets: VILLAGE_STREETS },
  {
    name: 'Усть-Камчатск',
    prefix: 'п.',
    kind: 'urban',
    weight: 35,
    flats: 0.45,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Палана',
    prefix: 'пгт',
    kind: 'urban',
    weight: 30,
    flats: 0.6,
    streets: VILLAGE_STREETS,
  },
  { name: 'Оссора', prefix: 'п.', kind: 'urban', weight: 20, flats: 0.4, streets: VILLAGE_STREETS },
  { name: 'Эссо', prefix: 'с.', kind: 'rural', weight: 16, flats: 0.15, streets: VILLAGE_STREETS },
  {
    name: 'Тиличики',
    prefix: 'с.',
    kind: 'rural',
    weight: 15,
    flats: 0.3,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Усть-Большерецк',
    prefix: 'с.',
    kind: 'rural',
    weight: 15,
    flats: 0.2,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Соболево',
    prefix: 'с.',
    kind: 'rural',
    weight: 10,
    flats: 0.15,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Никольское',
    prefix: 'с.',
    kind: 'rural',
    weight: 7,
    flats: 0.2,
    streets: VILLAGE_STREETS,
  },
  { name: 'Манилы', prefix: 'с.', kind: 'rural', weight: 7, flats: 0.1, streets: VILLAGE_STREETS },
  {
    name: 'Каменское',
    prefix: 'с.',
    kind: 'rural',
    weight: 6,
    flats: 0.2,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Паратунка',
    prefix: 'с.',
    kind: 'rural',
    weight: 20,
    flats: 0.3,
    streets: VILLAGE_STREETS,
  },
  { name: 'Коряки', prefix: 'с.', kind: 'rural', weight: 25, flats: 0.2, streets: VILLAGE_STREETS },
  {
    name: 'Пионерский',
    prefix: 'п.',
    kind: 'rural',
    weight: 30,
    flats: 0.5,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Николаевка',
    prefix: 'с.',
    kind: 'rural',
    weight: 25,
    flats: 0.3,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Раздольный',
    prefix: 'п.',
    kind: 'rural',
    weight: 20,
    flats: 0.4,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Вулканный',
    prefix: 'п.',
    kind: 'rural',
    weight: 10,
    flats: 0.6,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Термальный',
    prefix: 'п.',
    kind: 'rural',
    weight: 10,
    flats: 0.5,
    streets: VILLAGE_STREETS,
  },
  {
    name: 'Козыревск',
    prefix: 'с.',
    kind: 'rural',
    weight: 8,
    flats: 0.1,
    streets: VILLAGE_STREETS,
  },
  { name: 'Апача', prefix: 'с.', kind: 'rural', weight: 5, flats: 0.1, streets: VILLAGE_STREETS },
];

const SETTLEMENT_WEIGHTS = SETTLEMENTS.map((s) => [s, s.weight] as const);

/** Picks a settlement in proportion to its population. */
export function pickSettlement(random: Random): Settlement {
  return random.weighted(SETTLEMENT_WEIGHTS);
}

/** The settlement named `name` (the showcase pins a few accounts to known places). */
export function settlementNamed(name: string): Settlement {
  const found = SETTLEMENTS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown demo settlement ${name}`);
  return found;
}

/** A street address in the settlement: a flat in a block, or a private house. */
export function streetAddress(random: Random, settlement: Settlement): string {
  const street = random.pick(settlement.streets);
  const city = `${settlement.prefix} ${settlement.name}`;
  if (random.chance(settlement.flats)) {
    const big = settlement.kind === 'urban' && settlement.weight >= 200;
    let house = String(random.int(1, big ? 120 : 30));
    if (big && random.chance(0.12)) house += `/${random.int(1, 4)}`;
    const flat = random.int(1, big ? 180 : 24);
    return `${city}, ${street}, д. ${house}, кв. ${flat}`;
  }
  const house = random.int(1, 80);
  const letter = random.chance(0.05) ? random.pick(['а', 'б']) : '';
  return `${city}, ${street}, д. ${house}${letter}`;
}
