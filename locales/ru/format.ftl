## Formatting: names shared by every feature

# The language numbers and dates are formatted in (read by `localeOf` in src/core/format.ts).
format-locale = ru

# Tariff zones (Приказ ФСТ №1473-э); $zone is «Т1», «Т2» or «Т3», the same in every language.
zone-all-day = { $zone } круглосуточно
zone-day = { $zone } день
zone-night = { $zone } ночь
zone-peak = { $zone } пик
zone-half-peak = { $zone } полупик

# Paging of every list that grows (src/core/paging.ts): older entries, newer entries.
button-page-older = ◀ Раньше
button-page-newer = Позже ▶
