## Formatting: names shared by every feature

# The language numbers and dates are formatted in (read by `localeOf` in src/core/format.ts).
format-locale = ru

# Tariff zones (Приказ ФСТ №1473-э); $zone is the zone's label in this language (zone-code-*):
# Cyrillic «Т1» in Russian, as on meters and receipts; Latin «T1» in English.
zone-code-t1 = Т1
zone-code-t2 = Т2
zone-code-t3 = Т3
zone-all-day = { $zone } круглосуточно
zone-day = { $zone } день
zone-night = { $zone } ночь
zone-peak = { $zone } пик
zone-half-peak = { $zone } полупик

# Paging of every list that grows (src/core/paging.ts): older entries, newer entries.
button-page-older = ◀ Раньше
button-page-newer = Позже ▶
