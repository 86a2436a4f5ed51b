"""Early warnings (预警, seed 004 and DOMAIN.md "Early warnings"): rules with thresholds an admin
edits, evaluated set-based by `flask warnings run`, each warning naming the account, the rule,
its figures and who must act."""
