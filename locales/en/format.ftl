## Formatting: names shared by every feature

# The language numbers and dates are formatted in (read by `localeOf` in src/core/format.ts).
format-locale = en

# Tariff zones (Приказ ФСТ №1473-э); $zone is «Т1», «Т2» or «Т3», the same in every language.
zone-all-day = { $zone } round the clock
zone-day = { $zone } day
zone-night = { $zone } night
zone-peak = { $zone } peak
zone-half-peak = { $zone } half-peak

# Paging of every list that grows (src/core/paging.ts): older entries, newer entries.
button-page-older = ◀ Earlier
button-page-newer = Later ▶
