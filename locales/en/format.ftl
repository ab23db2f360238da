## Formatting: names shared by every feature

# The language numbers and dates are formatted in (read by `localeOf` in src/core/format.ts).
format-locale = en

# Tariff zones (Приказ ФСТ №1473-э); $zone is the zone's label in this language (zone-code-*):
# Cyrillic «Т1» in Russian, as on meters and receipts; Latin «T1» in English.
zone-code-t1 = T1
zone-code-t2 = T2
zone-code-t3 = T3
zone-all-day = { $zone } round the clock
zone-day = { $zone } day
zone-night = { $zone } night
zone-peak = { $zone } peak
zone-half-peak = { $zone } half-peak

# Paging of every list that grows (src/core/paging.ts): older entries, newer entries.
button-page-older = ◀ Earlier
button-page-newer = Later ▶
