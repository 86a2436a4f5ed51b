"""Sales plans and records (销售计划及记录), their import from ERP files, and sales expenses.

DOMAIN.md "Activities" (sales plan and records) and "Credit" (arrears against the limit).
"""
