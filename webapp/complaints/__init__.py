"""Client complaints (客户投诉), seed 004: record → investigate → leader's instruction → tell the
client the result → archive. A complaint never ends without the client being told."""
