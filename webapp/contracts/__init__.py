"""Standard purchase-and-sale contracts (购销合同): drafting, clause deviations, lifecycle."""
