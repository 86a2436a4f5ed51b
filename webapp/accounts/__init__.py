"""Key accounts (大客户档案): identity, classification, contacts, visits, credit history."""
