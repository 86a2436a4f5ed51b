"""Approval requests (审批): service & support applications, credit adjustments and contract
approval, all run by one workflow engine whose request types are data."""
