"""Extract stage: rank sources by relevance to the question, then pick claim sentences."""
