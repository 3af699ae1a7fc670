"""Innovation vouchers: ``ledger`` (the append-only ledger and balances), ``programmes`` (authority, rules),
``quotas`` (company applications, grants, clawback, expiry), ``providers`` (registration), ``payments`` (paying a
service's charge with vouchers), ``claims`` (redemption, the evidence check and flags, monthly batches),
``reports`` (dashboard and finance export), ``presenters`` (plain data for pages)."""
