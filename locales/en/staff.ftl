## Staff: readings to check
review-card =
    ⚠️ Reading to check #R{ $id }
    Account: { $account }, meter No. { $serial }, zone { $zone }, period { $period }
    Submitted: { $value } kWh (previous: { $previous } kWh)
    Why: { $reason }
review-reason-over-3x-average = consumption over three times the average
review-reason-over-daily-cap = consumption over the daily cap
review-reason-unknown = the value looks implausible
review-accept = ✅ Accept
review-reject = ❌ Reject with a reason
review-reject-prompt = Reason to reject reading #R{ $id }: write it as a reply to this message.
review-accepted = Reading #R{ $id } accepted.
review-rejected = Reading #R{ $id } rejected.
review-card-accepted = ✅ Accepted by { $staff }.
review-card-rejected =
    ❌ Rejected by { $staff }.
    Reason: { $reason }
review-already = This reading has already been reviewed.
review-not-found = There is no such reading to review.
review-notice-accepted = The reading of meter No. { $serial } for { $period } ({ $value } kWh) was checked by a specialist and accepted.
review-notice-rejected =
    The reading of meter No. { $serial } for { $period } ({ $value } kWh) was rejected by a specialist.
    Reason: { $reason }
    Please submit the reading again: /reading
admin-summary-title = 📋 Summary for { $date }: { $open } open appeals, { $overdue } overdue.
admin-summary-line = { $number } — { $status }, answer by { $due }{ $overdue }
admin-summary-overdue-mark = , ⏰ overdue
command-admin-find = Find an account: number, e-mail or phone
command-admin-stats = Summary: residents, readings, payments, appeals
admin-find-usage = Write: /find 4100000001 (account number), or a resident's e-mail or phone.
admin-find-none = Nothing found.
admin-find-account = 🏠 Account { $number } ({ $status }): { $holder }, { $address }
admin-find-status-active = active
admin-find-status-closed = closed
admin-find-resident = 👤 { $name }, { $email }, phone { $phone }
admin-find-no-residents = No resident has linked this account.
admin-stats =
    📊 Summary for { $period }
    Residents with a cabinet: { $residents }
    Linked accounts: { $accounts }
    Readings this period: { $readings } (missing: { $missing })
    Payments this month: { $payments }, { $rubles }
    Open appeals: { $open }, overdue: { $overdue }
    Median time to first answer: { $median } min
command-admin-export = Export for billing: readings or payments [YYYY-MM]
admin-export-usage = Write: /export readings 2026-11 or /export payments 2026-11 (no month — the current one).
admin-export-done = Export: { $kind } for { $period }: { $rows } rows. Left out (waiting for a specialist's review): { $held }.
admin-export-kind-readings = readings
admin-export-kind-payments = payments
